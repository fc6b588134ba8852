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

  // Indexed loops throughout: a cold process runs each of these once over ~48k
  // ports, in V8's interpreter, where a for-of (an iterator per port) or a
  // string-keyed count per port costs milliseconds.
  const unassigned = new Uint8Array(size + 2);
  const ianaStates: Record<RegistryState, number> = { unassigned: 0, assigned: 0, reserved: 0, unknown: 0 };
  for (let i = 0; i < size + 2; i += 1) {
    const port = start - 1 + i;
    if (port < 0 || port > 65535) continue;
    let state: RegistryState = 'unassigned';
    for (let p = 0; p < protocols.length && state === 'unassigned'; p += 1) state = iana.stateOf(protocols[p] as Protocol, port);
    unassigned[i] = state === 'unassigned' ? 1 : 0;
    if (i >= 1 && i <= size) ianaStates[state] += 1;
  }

  // The first of the marked sources (MARKED_SOURCES_BEFORE_PLATFORM order) that rejects
  // each port of the range, as 1 + its index (0: none). Filled from the last source to the
  // first, so the earliest wins.
  const firstMarked = new Uint8Array(size);
  const marksOf: Record<(typeof MARKED_SOURCES_BEFORE_PLATFORM)[number], Parameters<typeof portMarks>[0] | null | undefined> = {
    nmap: sources.nmap,
    defaults: sources.defaults,
    services: sources.services,
    listeners: sources.listeners,
    reservations: sources.reservations,
    org: sources.org?.index,
  };
  for (let s = MARKED_SOURCES_BEFORE_PLATFORM.length - 1; s >= 0; s -= 1) {
    const source = MARKED_SOURCES_BEFORE_PLATFORM[s] as (typeof MARKED_SOURCES_BEFORE_PLATFORM)[number];
    const index = marksOf[source];
    if (index === null || index === undefined || !isConsulted(sources, source)) continue;
    // nmap rejects only ports seen open; every other source any port it lists.
    const wanted = source === 'nmap' ? MARK_SEEN_OPEN : 0xff;
    for (const protocol of protocols) {
      const marks = portMarks(index, protocol);
      for (let i = 0; i < size; i += 1) {
        if (((marks[start + i] as number) & wanted) !== 0) firstMarked[i] = s + 1;
      }
    }
  }
  const osReservedMarks = isConsulted(sources, 'os-reserved') ? windowsExcludedMarks(sources, protocols) : undefined;

  // The caller's sources are asked only about ports no earlier source rejects.
  const custom = (sources.custom ?? []).filter((source) => source.available !== false && isConsulted(sources, source.name));
  const afterOrg = EXCLUSION_ORDER.indexOf('org') + 1;
  const order = [...EXCLUSION_ORDER.slice(0, afterOrg), ...custom.map((source) => source.name), ...EXCLUSION_ORDER.slice(afterOrg)];
  // Reason codes: 1 + the source's index in `order`.
  const code = (source: string): number => order.indexOf(source) + 1;
  const markedCodes = MARKED_SOURCES_BEFORE_PLATFORM.map(code);
  const [RANGE, IANA, KUBERNETES, OS_RESERVED, BROWSER_UNSAFE] = ['range', 'iana', 'kubernetes', 'os-reserved', 'browser-unsafe'].map(code) as [number, number, number, number, number];
  const firstCustom = afterOrg + 1;
  const counts = new Uint32Array(order.length + 1);
  const reasonOf = new Uint8Array(size);
  for (let i = 0; i < size; i += 1) {
    const port = start + i;
    let reason = IN_POOL;
    if (port >= DYNAMIC_START) reason = RANGE;
    else if (unassigned[i + 1] === 0) reason = IANA;
    else if (firstMarked[i] !== 0) reason = markedCodes[(firstMarked[i] as number) - 1] as number;
    else {
      for (let c = 0; c < custom.length && reason === IN_POOL; c += 1) {
        const source = custom[c] as NonNullable<Sources['custom']>[number];
        if (protocols.some((protocol) => customFindings(source, protocol, port).length > 0)) reason = firstCustom + c;
      }
      if (reason === IN_POOL) {
        if (k8s && isKubernetesNodePort(port)) reason = KUBERNETES;
        else if (osReservedMarks?.[port] === 1) reason = OS_RESERVED;
        else if (browserUnsafe !== undefined && browserUnsafe.has(port)) reason = BROWSER_UNSAFE;
      }
    }
    reasonOf[i] = reason;
    counts[reason] = (counts[reason] as number) + 1;
  }
  const bySource = Object.fromEntries(order.map((source, index) => [source, counts[index + 1] as number])) as ExclusionCounts;
  const total = size - (counts[IN_POOL] as number);
  const table: ExclusionTable = { start, end, reasonOf, order, unassigned, bySource, total, poolSize: counts[IN_POOL] as number, ianaStates };
  return exclude === undefined ? table : withExcluded(table, exclude);
}

/**
 * The table with the caller's `exclude` ports taken out of the pool as well.
 * `exclude` is the last source of EXCLUSION_ORDER, so this is the table
 * exclusionTable builds with it; a caller that narrows the pool in rounds
 * (suggest drops ports it finds bound or open) builds the sources' table once.
 */
export function withExcluded(table: ExclusionTable, exclude: ReadonlySet<number>): ExclusionTable {
  const EXCLUDE = table.order.indexOf('exclude') + 1;
  const reasonOf = table.reasonOf.slice();
  let excluded = 0;
  for (const port of exclude) {
    const i = port - table.start;
    if (i >= 0 && i < reasonOf.length && reasonOf[i] === IN_POOL) {
      reasonOf[i] = EXCLUDE;
      excluded += 1;
    }
  }
  return {
    ...table,
    reasonOf,
    bySource: { ...table.bySource, exclude: table.bySource.exclude + excluded },
    total: table.total + excluded,
    poolSize: table.poolSize - excluded,
  };
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
