import type { LoadedSources } from '../registry/loaded-sources.js';
import { isKubernetesNodePort } from '../registry/kubernetes-node-ports.js';
import type { Protocol, RegistryState } from '../registry/types.js';
import { customFindings } from './custom-verdict.js';
import { MARK_SEEN_OPEN, portMarks } from './port-marks.js';
import { isConsulted } from './source-selection.js';
import { DYNAMIC_START } from './ranges.js';

/**
 * Which ports of a range every loaded source lets pass, for one or more
 * protocols at once (a port is in the pool only when it passes for each), and
 * which source turned each of the others away. `suggest` picks from this
 * pool; `free` lists it. A port is counted once, under the FIRST source (in
 * EXCLUSION_ORDER) that rejects it for any of the protocols:
 *
 *   range          Dynamic port (49152-65535): never a service identifier
 *   iana           IANA state other than `unassigned` (unknown is not free)
 *   nmap           nmap has seen it open (open-frequency > 0)
 *   defaults       a well-known product defaults to it
 *   services       the services file names it
 *   listeners      something listens on it now
 *   reservations   an organisation reservation holds it
 *   org            the organisation's code declares it (any confidence)
 *   (each source the caller added, by its name: it names the port)
 *   kubernetes     in the NodePort range, when the service may run on Kubernetes (`k8s`)
 *   os-reserved    in one of this machine's Windows excluded port ranges
 *   browser-unsafe browsers block it (only for an HTTP service)
 *   exclude        the caller excluded it (e.g. found open on a network)
 *
 * Sources that are not loaded (null or absent), not consulted, or that say
 * they are unavailable exclude nothing; the callers say so in their notes. Everything `check` calls a conflict is excluded here,
 * so every port of the pool passes `check` (bind probes and sweeps aside).
 */
export const EXCLUSION_ORDER = [
  'range',
  'iana',
  'nmap',
  'defaults',
  'services',
  'listeners',
  'reservations',
  'org',
  'kubernetes',
  'os-reserved',
  'browser-unsafe',
  'exclude',
] as const;
/** @useDeclaredType */
export type ExclusionSource = (typeof EXCLUSION_ORDER)[number];

/** Ports excluded per source: every EXCLUSION_ORDER source, and each source the caller added, by its name. */
export type ExclusionCounts = Record<ExclusionSource, number> & Record<string, number>;

/** `reasonOf` value of a port in the pool. */
export const IN_POOL = 0;

export interface ExclusionSettings {
  protocols: readonly Protocol[];
  start: number;
  end: number;
  /** Ports browsers refuse; given only for an HTTP service. */
  browserUnsafe?: ReadonlySet<number> | undefined;
  exclude?: ReadonlySet<number> | undefined;
  /** The NodePort range is excluded. */
  k8s: boolean;
}

export interface ExclusionTable {
  start: number;
  end: number;
  /** Per port of the range (index port - start): IN_POOL, or 1 + the `order` index of the first source that rejects it. */
  reasonOf: Uint8Array;
  /** EXCLUSION_ORDER with the names of the caller's sources after `org`. */
  order: readonly string[];
  /** Per port of [start - 1, end + 1] (index port - start + 1): 1 when IANA lists it Unassigned for every protocol. */
  unassigned: Uint8Array;
  bySource: ExclusionCounts;
  total: number;
  poolSize: number;
  /**
   * IANA's state of each port of the range: `unassigned` when Unassigned for
   * every protocol, else the state for the first protocol that is not. Sums to the range size.
   */
  ianaStates: Record<RegistryState, number>;
}

type Sources = Pick<LoadedSources, 'iana'> & Partial<Omit<LoadedSources, 'iana'>>;

export function exclusionTable(sources: Sources, settings: ExclusionSettings): ExclusionTable {
  const { protocols, start, end, browserUnsafe, exclude, k8s } = settings;
  const size = end - start + 1;
  const { iana } = sources;

  const unassigned = new Uint8Array(size + 2);
  const ianaStates: Record<RegistryState, number> = { unassigned: 0, assigned: 0, reserved: 0, unknown: 0 };
  for (let i = 0; i < size + 2; i += 1) {
    const port = start - 1 + i;
    if (port < 0 || port > 65535) continue;
    let state: RegistryState = 'unassigned';
    for (const protocol of protocols) {
      state = iana.stateOf(protocol, port);
      if (state !== 'unassigned') break;
    }
    unassigned[i] = state === 'unassigned' ? 1 : 0;
    if (i >= 1 && i <= size) ianaStates[state] += 1;
  }

  // One 65536-entry table per source: a port is marked when the source rejects it for any protocol.
  const union = (index: Parameters<typeof portMarks>[0] | null | undefined, seenOpenOnly = false): Uint8Array | undefined => {
    if (index === null || index === undefined) return undefined;
    const marks = new Uint8Array(65536);
    for (const protocol of protocols) {
      const one = portMarks(index, protocol);
      for (let port = start; port <= end; port += 1) {
        const mark = one[port] as number;
        if (seenOpenOnly ? (mark & MARK_SEEN_OPEN) !== 0 : mark !== 0) marks[port] = 1;
      }
    }
    return marks;
  };
  const bySourceMarks: Partial<Record<ExclusionSource, Uint8Array>> = {};
  const set = (source: ExclusionSource, marks: Uint8Array | undefined): void => {
    if (marks !== undefined) bySourceMarks[source] = marks;
  };
  const consulted = <T>(source: ExclusionSource, value: T): T | undefined => (isConsulted(sources, source) ? value : undefined);
  set('nmap', union(consulted('nmap', sources.nmap), true));
  set('defaults', union(consulted('defaults', sources.defaults)));
  set('services', union(consulted('services', sources.services)));
  set('listeners', union(consulted('listeners', sources.listeners)));
  set('reservations', union(consulted('reservations', sources.reservations)));
  set('org', union(consulted('org', sources.org?.index)));
  set('os-reserved', consulted('os-reserved', windowsExcludedMarks(sources, protocols)));

  // The caller's sources are asked only about ports no earlier source rejects.
  const custom = (sources.custom ?? []).filter((source) => source.available !== false && isConsulted(sources, source.name));
  const afterOrg = EXCLUSION_ORDER.indexOf('org') + 1;
  const order = [...EXCLUSION_ORDER.slice(0, afterOrg), ...custom.map((source) => source.name), ...EXCLUSION_ORDER.slice(afterOrg)];
  const bySource = Object.fromEntries(order.map((source) => [source, 0])) as ExclusionCounts;
  const reasonOf = new Uint8Array(size);
  let poolSize = 0;
  for (let i = 0; i < size; i += 1) {
    const port = start + i;
    let reason: string | undefined;
    if (port >= DYNAMIC_START) reason = 'range';
    else if (unassigned[i + 1] === 0) reason = 'iana';
    else {
      for (const source of MARKED_SOURCES_BEFORE_PLATFORM) {
        if (bySourceMarks[source]?.[port] === 1) {
          reason = source;
          break;
        }
      }
      if (reason === undefined) {
        for (const source of custom) {
          if (protocols.some((protocol) => customFindings(source, protocol, port).length > 0)) {
            reason = source.name;
            break;
          }
        }
      }
      if (reason === undefined) {
        if (k8s && isKubernetesNodePort(port)) reason = 'kubernetes';
        else if (bySourceMarks['os-reserved']?.[port] === 1) reason = 'os-reserved';
        else if (browserUnsafe !== undefined && browserUnsafe.has(port)) reason = 'browser-unsafe';
        else if (exclude !== undefined && exclude.has(port)) reason = 'exclude';
      }
    }
    if (reason === undefined) {
      poolSize += 1;
      continue;
    }
    bySource[reason] = (bySource[reason] ?? 0) + 1;
    reasonOf[i] = 1 + order.indexOf(reason);
  }
  const total = order.reduce((sum, source) => sum + (bySource[source] ?? 0), 0);
  return { start, end, reasonOf, order, unassigned, bySource, total, poolSize, ianaStates };
}

const MARKED_SOURCES_BEFORE_PLATFORM = ['nmap', 'defaults', 'services', 'listeners', 'reservations', 'org'] as const satisfies readonly ExclusionSource[];

/** This machine's Windows excluded ranges for any of the protocols (TCP and UDP have their own lists). */
function windowsExcludedMarks(sources: Sources, protocols: readonly Protocol[]): Uint8Array | undefined {
  const windows = sources.osReserved?.windows;
  if (windows === undefined || windows === null) return undefined;
  const marks = new Uint8Array(65536);
  for (const protocol of protocols) {
    const ranges = protocol === 'tcp' ? windows.tcp : protocol === 'udp' ? windows.udp : [];
    for (const range of ranges) marks.fill(1, range.start, range.end + 1);
  }
  return marks;
}
