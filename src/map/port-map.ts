import { InvalidArgumentError, describeValue } from '../errors/index.js';
import { assertPortRange, parseProtocol } from '../pick/port-input.js';
import { DYNAMIC_START, USER_START } from '../pick/ranges.js';
import { suggestPorts, type Candidate } from '../pick/suggest.js';
import type { PortRange } from '../pick/types.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol, SourceStatus } from '../registry/types.js';
import { classifyPorts, type PortClassification } from './classify.js';
import { rangeVerdicts, type RangeLayer } from './range-verdicts.js';

/**
 * Everything a picture of the port space needs: each source's verdict on every
 * port of the range, the class (colour) of each port, and the candidates
 * `suggest` gives there. Pure: the sources are an input.
 */

export const DEFAULT_MAP_RANGE: Readonly<PortRange> = Object.freeze({ start: 0, end: 65535 });
export const DEFAULT_MAP_CANDIDATES = 5;

export interface PortMapOptions {
  protocol: Protocol;
  /** Default: every port, 0-65535. */
  range?: PortRange;
  /** How many `suggest` candidates to mark (0: none); default 5. */
  count?: number;
  /** A service name: the candidates are the stable, name-keyed pick. */
  name?: string;
  /** The service speaks HTTP: browser-blocked ports conflict. */
  http?: boolean;
  /** The service may run on Kubernetes: the NodePort range conflicts (and holds no candidate). */
  k8s?: boolean;
  browserUnsafe?: ReadonlySet<number>;
}

export interface PortMap {
  protocol: Protocol;
  range: PortRange;
  /** @internal Each source's verdict per port, for the renderers. */
  layers: RangeLayer[];
  /** @internal The class (colour) of each port, for the renderers. */
  classification: PortClassification;
  /** Where the candidates were picked from (the map's range within the User range), null when it holds none. */
  candidateRange: PortRange | null;
  candidates: Candidate[];
  sources: SourceStatus[];
  notes: string[];
}

export function buildPortMap(sources: LoadedSources, options: PortMapOptions): PortMap {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Expected map options { protocol, range }, got ${describeValue(options)}`);
  }
  const protocol = parseProtocol(options.protocol);
  const range = assertPortRange(options.range ?? DEFAULT_MAP_RANGE, { min: 0 });
  const count = options.count ?? DEFAULT_MAP_CANDIDATES;
  if (!Number.isInteger(count) || count < 0 || count > 1000) {
    throw new InvalidArgumentError(`Expected \`count\` to be a whole number from 0 to 1000, got ${describeValue(count)}`);
  }
  const http = options.http ?? false;
  const k8s = options.k8s ?? false;
  if (typeof k8s !== 'boolean') throw new InvalidArgumentError(`Expected \`k8s\` to be a boolean, got ${describeValue(k8s)}`);
  const layers = rangeVerdicts(sources, {
    protocol,
    range,
    http,
    k8s,
    ...(options.browserUnsafe === undefined ? {} : { browserUnsafe: options.browserUnsafe }),
  });

  const candidateRange = candidateRangeOf(range);
  const candidates =
    candidateRange === null || count === 0
      ? []
      : suggestPorts(sources, {
          protocol,
          range: candidateRange,
          count,
          http,
          k8s,
          ...(options.browserUnsafe === undefined ? {} : { browserUnsafe: options.browserUnsafe }),
          ...(options.name === undefined ? {} : { name: options.name }),
        }).candidates;
  const classification = classifyPorts(
    layers,
    range,
    candidates.map((candidate) => candidate.port),
  );

  const notes: string[] = [];
  for (const layer of layers) {
    if (!layer.available) {
      const status = sources.status.find((entry) => entry.id === layer.source);
      notes.push(`${layer.source} was NOT checked${status?.note ? `: ${status.note}` : ''}.`);
    }
  }
  notes.push('Not drawn: bind probes and network sweeps (`portpick check PORT` and `--network` make them for chosen ports).');
  if (candidateRange === null && count > 0) notes.push('No candidates: the range holds no User port (1024-49151), where `suggest` picks.');
  return { protocol, range, layers, classification, candidateRange, candidates, sources: sources.status, notes };
}

/** The User ports of the range: where `suggest` looks by default. */
function candidateRangeOf(range: PortRange): PortRange | null {
  const start = Math.max(range.start, USER_START);
  const end = Math.min(range.end, DYNAMIC_START - 1);
  return start <= end ? { start, end } : null;
}
