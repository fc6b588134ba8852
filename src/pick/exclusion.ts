import type { LoadedSources } from '../registry/loaded-sources.js';
import { KUBERNETES_NODE_PORT_RANGE } from '../registry/kubernetes-node-ports.js';
import { STATE_BY_RANK, STATE_RANK } from '../registry/iana-status.js';
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
  const { unassigned, ianaStates } = ianaColumns(sources.iana, protocols, start, end);

  // The caller's sources come right after `org`.
  const custom = (sources.custom ?? []).filter((source) => source.available !== false && isConsulted(sources, source.name));
  const afterOrg = EXCLUSION_ORDER.indexOf('org') + 1;
  const order = [...EXCLUSION_ORDER.slice(0, afterOrg), ...custom.map((source) => source.name), ...EXCLUSION_ORDER.slice(afterOrg)];
  /** A port's reason code: 1 + its source's index in `order` (IN_POOL = 0: none). */
  const code = (source: string): number => order.indexOf(source) + 1;

  // Each loop below is a plain pass over typed arrays: a command runs this
  // once per process over ~48k ports, in V8's interpreter, where a call or an
  // iterator per port costs tens of milliseconds.
  //
  // The sources before the caller's ones, latest first, each overwriting: the
  // code left on a port is that of the earliest source that rejects it.
  const reasonOf = new Uint8Array(size);
  for (let s = MARKED_SOURCES_BEFORE_PLATFORM.length - 1; s >= 0; s -= 1) {
    const source = MARKED_SOURCES_BEFORE_PLATFORM[s] as (typeof MARKED_SOURCES_BEFORE_PLATFORM)[number];
    const index = source === 'org' ? sources.org?.index : sources[source];
    if (index === null || index === undefined || !isConsulted(sources, source)) continue;
    // nmap rejects only ports seen open; every other source any port it lists.
    const wanted = source === 'nmap' ? MARK_SEEN_OPEN : 0xff;
    const reason = code(source);
    for (const protocol of protocols) {
      const marks = portMarks(index, protocol);
      for (let i = 0; i < size; i += 1) if (((marks[start + i] as number) & wanted) !== 0) reasonOf[i] = reason;
    }
  }
  const IANA = code('iana');
  for (let i = 0; i < size; i += 1) if (unassigned[i + 1] === 0) reasonOf[i] = IANA;
  if (end >= DYNAMIC_START) reasonOf.fill(code('range'), Math.max(0, DYNAMIC_START - start));

  // The later sources take only ports still in the pool; the caller's sources
  // are asked only about those.
  const takeIfFree = (port: number, reason: number): void => {
    const i = port - start;
    if (i >= 0 && i < size && reasonOf[i] === IN_POOL) reasonOf[i] = reason;
  };
  if (custom.length > 0) {
    for (let i = 0; i < size; i += 1) {
      if (reasonOf[i] !== IN_POOL) continue;
      const port = start + i;
      const rejecting = custom.findIndex((source) => protocols.some((protocol) => customFindings(source, protocol, port).length > 0));
      if (rejecting >= 0) reasonOf[i] = afterOrg + 1 + rejecting;
    }
  }
  if (k8s) takeRange(KUBERNETES_NODE_PORT_RANGE, code('kubernetes'), takeIfFree);
  if (isConsulted(sources, 'os-reserved')) {
    for (const range of windowsExcludedRanges(sources, protocols)) takeRange(range, code('os-reserved'), takeIfFree);
  }
  if (browserUnsafe !== undefined) for (const port of browserUnsafe) takeIfFree(port, code('browser-unsafe'));

  const counts = new Uint32Array(order.length + 1);
  for (let i = 0; i < size; i += 1) {
    const reason = reasonOf[i] as number;
    counts[reason] = (counts[reason] as number) + 1;
  }
  const bySource = Object.fromEntries(order.map((source, index) => [source, counts[index + 1] as number])) as ExclusionCounts;
  const poolSize = counts[IN_POOL] as number;
  const table: ExclusionTable = { start, end, reasonOf, order, unassigned, bySource, total: size - poolSize, poolSize, ianaStates };
  return exclude === undefined ? table : withExcluded(table, exclude);
}

function takeRange(range: { start: number; end: number }, reason: number, take: (port: number, reason: number) => void): void {
  for (let port = range.start; port <= range.end; port += 1) take(port, reason);
}

/**
 * IANA's verdict on [start - 1, end + 1] (index port - start + 1): 1 where the
 * port is Unassigned for every protocol; and the state count over [start, end]
 * (a port counts under the state of the first protocol that is not Unassigned).
 */
function ianaColumns(
  iana: Sources['iana'],
  protocols: readonly Protocol[],
  start: number,
  end: number,
): { unassigned: Uint8Array; ianaStates: Record<RegistryState, number> } {
  const size = end - start + 1;
  const ranks = protocols.map((protocol) => iana.stateRanks?.(protocol) ?? ranksByLookup(iana, protocol, start - 1, end + 1));
  const UNASSIGNED = STATE_RANK.unassigned;
  const unassigned = new Uint8Array(size + 2);
  const rankCounts = new Uint32Array(STATE_BY_RANK.length);
  for (let i = 0; i < size + 2; i += 1) {
    const port = start - 1 + i;
    if (port < 0 || port > 65535) continue;
    let rank = UNASSIGNED;
    for (let p = 0; p < ranks.length && rank === UNASSIGNED; p += 1) rank = (ranks[p] as Uint8Array)[port] as number;
    if (rank === UNASSIGNED) unassigned[i] = 1;
    if (i >= 1 && i <= size) rankCounts[rank] = (rankCounts[rank] as number) + 1;
  }
  const ianaStates: Record<RegistryState, number> = { unassigned: 0, assigned: 0, reserved: 0, unknown: 0 };
  STATE_BY_RANK.forEach((state, rank) => (ianaStates[state] += rankCounts[rank] as number));
  return { unassigned, ianaStates };
}

/** State ranks from stateOf, for a registry without stateRanks (one made by hand). */
function ranksByLookup(iana: Sources['iana'], protocol: Protocol, first: number, last: number): Uint8Array {
  const ranks = new Uint8Array(65536);
  for (let port = Math.max(0, first); port <= Math.min(65535, last); port += 1) ranks[port] = STATE_RANK[iana.stateOf(protocol, port)];
  return ranks;
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
function windowsExcludedRanges(sources: Sources, protocols: readonly Protocol[]): { start: number; end: number }[] {
  const windows = sources.osReserved?.windows;
  if (windows === undefined || windows === null) return [];
  return protocols.flatMap((protocol) => (protocol === 'tcp' ? windows.tcp : protocol === 'udp' ? windows.udp : []));
}
