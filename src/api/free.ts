import { freePorts as freePortsIn, type FreePortsResult } from '../pick/free.js';
import { parsePortRange, parseProtocolList, MINIMUM_PORT } from '../pick/port-input.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol } from '../registry/types.js';
import { isConsulted, parseSourceList } from '../pick/source-selection.js';
import { notConsultedSources } from '../pick/suggest.js';
import { InvalidArgumentError } from '../errors/index.js';
import { resolveSources, type SourcesInput } from './common.js';

/** The sources `free` can consult: it reads no listeners and probes nothing (ports free in the data, not on this machine now). */
export const FREE_SOURCES = ['iana', 'nmap', 'defaults', 'services', 'reservations', 'org', 'os-reserved'] as const;
/** Sources that are about this machine now or about ranking, never part of free's answer. */
const PROBED: readonly string[] = ['listeners', 'bind', 'network', 'ephemeral'];

/** What {@link freePorts} takes: the range, the protocols, and where the sources come from. */
export interface FreeRequest extends SourcesInput {
  /** First port of the range, 0-65535. */
  start: number | string;
  /** Last port of the range (inclusive), at least `start`. */
  end: number | string;
  /** `tcp` (default), or several: `tcp,udp` lists ports free in both. */
  protocol?: string;
  /** The protocols as a list (instead of `protocol`). */
  protocols?: string[];
  /** The service may run on Kubernetes: the NodePort range (30000-32767) is not free. */
  k8s?: boolean;
}

/** What {@link freePorts} gives: the free ports, and what each source took out of the range. */
export interface FreeReport extends FreePortsResult {
  start: number;
  end: number;
  /** The protocols, comma-separated (`tcp`, `tcp,udp`). */
  protocol: string;
  protocols: Protocol[];
  /** Where the IANA data came from and how new it is. */
  ianaOrigin: string;
  ianaUpdated: string | undefined;
  /** Sources that were not available: what was NOT dropped. */
  notes: string[];
  /** Sources the run left out on request (`consult`). */
  notConsulted: string[];
}

/**
 * `portpick free START END`: every port of the range that IANA lists as
 * Unassigned and no other source claims (nmap seen open, well-known defaults,
 * services file, reservations, the organisation's code, platform ranges).
 * This machine's listeners are not read and no port is probed: they come and
 * go (`check` and `suggest` read them).
 *
 * @param request The range (inclusive), the protocols (a port is free only when free in each), and where the sources come from.
 * @returns The free ports ascending, IANA's count per state, the exclusions per source, and notes on sources not loaded.
 * @throws
 * - {@link PortSpecError} for a bound outside 0-65535 or a start above the end.
 * - {@link InvalidArgumentError} when `consult` names a source `free` does not read (listeners, bind, network, ephemeral).
 * - {@link SourceUnavailableError}, {@link RegistryParseError}, {@link FileAccessError} as {@link loadSources}.
 *
 * @example
 * ```ts
 * import { freePorts } from 'portpick';
 *
 * const { ports, notes } = await freePorts({ start: 5000, end: 5100, protocol: 'tcp,udp' });
 * ```
 */
export async function freePorts(request: FreeRequest): Promise<FreeReport> {
  const { start, end } = parsePortRange(request.start, request.end, { min: MINIMUM_PORT.free });
  const protocols = parseProtocolList(request.protocols ?? request.protocol ?? 'tcp');
  if (request.consult !== undefined) {
    const named = parseSourceList(request.consult, { customNames: (request.customSources ?? []).map((source) => source.name) });
    const unread = named.filter((id) => !(FREE_SOURCES as readonly string[]).includes(id) && !(request.customSources ?? []).some((source) => source.name === id));
    if (unread.length > 0) {
      throw new InvalidArgumentError(`Expected sources that free reads (${FREE_SOURCES.join(', ')}), got ${unread.join(', ')}`);
    }
  }
  const loaded = await resolveSources({ ...request, listeners: false });
  // free probes nothing and reads no listeners: those are not part of its answer, consulted or not.
  const sources = loaded.consulted === undefined ? loaded : { ...loaded, consulted: loaded.consulted.filter((id) => !PROBED.includes(id)) };
  const notConsulted = loaded.consulted === undefined ? [] : notConsultedSources(loaded).filter((id) => !PROBED.includes(id));
  return {
    ...freePortsIn(sources, { start, end, protocols, k8s: request.k8s ?? false }),
    start,
    end,
    protocol: protocols.join(','),
    protocols,
    ianaOrigin: sources.iana.origin,
    ianaUpdated: sources.iana.updated,
    notes: [...(notConsulted.length > 0 ? [`Not consulted (left out on request): ${notConsulted.join(', ')}.`] : []), ...freeNotes(sources)],
    notConsulted,
  };
}

function freeNotes(sources: LoadedSources): string[] {
  const notes: string[] = [];
  const missing = (id: string, value: unknown): boolean => isConsulted(sources, id) && (value === null || value === undefined);
  if (missing('nmap', sources.nmap)) notes.push('nmap-services was not found: ports seen open in the wild were NOT dropped.');
  if (missing('defaults', sources.defaults)) notes.push('The well-known defaults dataset was not loaded: ports that products use by default were NOT dropped.');
  if (missing('services', sources.services)) notes.push('No services file was read: local service names were NOT dropped.');
  if (missing('reservations', sources.reservations)) notes.push('No reservations file: organisation reservations were NOT dropped.');
  if (missing('org', sources.org)) notes.push("No --org directory: ports in the organisation's own code were NOT dropped.");
  else if (sources.org && isConsulted(sources, 'org') && sources.org.problems.length > 0) {
    notes.push(`${sources.org.problems.length} file(s) of the organisation's code could not be read: see \`portpick inventory\`.`);
  }
  for (const source of sources.custom ?? []) {
    if (source.available === false && isConsulted(sources, source.name)) notes.push(`${source.name} was NOT checked: ${source.note ?? 'the source says it is unavailable'}.`);
  }
  return notes;
}
