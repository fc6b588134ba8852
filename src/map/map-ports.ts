import { browserUnsafeSet, resolveSources, type SourcesInput } from '../api/common.js';
import { InvalidArgumentError } from '../errors/index.js';
import { parsePortRangeSpec, parseProtocol } from '../pick/port-input.js';
import { parseSourceList } from '../pick/source-selection.js';
import type { PortRange } from '../pick/types.js';
import { buildPortMap, type PortMap } from './port-map.js';

/** What {@link mapPorts} takes: the range, the protocol, the candidates to mark, and where the sources come from. */
export interface MapRequest extends SourcesInput {
  /** `A-B` or `{ start, end }`; default 0-65535. */
  range?: string | PortRange;
  /** Default tcp. */
  protocol?: string;
  /** How many `suggest` candidates to mark (0: none); default 5. */
  count?: number;
  /** Mark the stable, name-keyed candidates for this service name. */
  name?: string;
  /** The service speaks HTTP: ports browsers refuse conflict. */
  http?: boolean;
  /** The service may run on Kubernetes: the NodePort range (30000-32767) conflicts. */
  k8s?: boolean;
}

/**
 * `portpick map`: loads the sources (or takes them loaded) and judges every
 * port of the range, for a picture of the port space: draw the result with
 * {@link renderSvg}, {@link renderHtml} or {@link renderTerminal}, or turn it
 * into data with {@link portMapJson}.
 *
 * @param request The range (default 0-65535), the protocol, the candidates to mark, and where the sources come from.
 * @returns The map: each port's class, the candidates, the sources' statuses and notes.
 * @throws
 * - {@link PortSpecError} for a range outside 0-65535; {@link InvalidArgumentError} when `consult` names `bind` or `network` (the map probes nothing).
 * - {@link SourceUnavailableError}, {@link RegistryParseError}, {@link FileAccessError} as {@link loadSources}.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { mapPorts, renderSvg } from 'portpick';
 *
 * const map = await mapPorts({ range: '1024-49151', k8s: true, consult: ['iana', 'nmap', 'defaults'] });
 * writeFileSync('map.svg', renderSvg(map, { titles: false }));
 * ```
 */
export async function mapPorts(request: MapRequest = {}): Promise<PortMap> {
  const protocol = parseProtocol(request.protocol ?? 'tcp');
  const range = typeof request.range === 'string' ? parsePortRangeSpec(request.range, { min: 0 }) : request.range;
  if (request.consult !== undefined) {
    const named = parseSourceList(request.consult, { customNames: (request.customSources ?? []).map((source) => source.name) });
    const probed = named.filter((id) => id === 'bind' || id === 'network');
    if (probed.length > 0) {
      throw new InvalidArgumentError(`Expected sources the map draws (bind probes and network sweeps are not drawn), got ${probed.join(', ')}`);
    }
  }
  const loaded = await resolveSources(request);
  // The map probes nothing: bind and network are not part of it, consulted or not.
  const sources = loaded.consulted === undefined ? loaded : { ...loaded, consulted: loaded.consulted.filter((id) => id !== 'bind' && id !== 'network') };
  return buildPortMap(sources, {
    protocol,
    ...(range === undefined ? {} : { range }),
    ...(request.count === undefined ? {} : { count: request.count }),
    ...(request.name === undefined ? {} : { name: request.name }),
    http: request.http ?? false,
    k8s: request.k8s ?? false,
    browserUnsafe: browserUnsafeSet,
  });
}
