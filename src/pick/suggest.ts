import { InvalidArgumentError, describeValue } from '../errors/index.js';
import { isKubernetesNodePort } from '../registry/kubernetes-node-ports.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { EphemeralRange, Protocol } from '../registry/types.js';
import { exclusionTable, IN_POOL, withExcluded, type ExclusionCounts, type ExclusionTable } from './exclusion.js';
import { assertPortRange, MINIMUM_PORT, parseProtocolList } from './port-input.js';
import { DYNAMIC_START, USER_START, ephemeralRangesContaining, rangeOf, type PortRangeName } from './ranges.js';
import { MARK_LISTED, portMarks } from './port-marks.js';
import { isConsulted, SELECTABLE_SOURCES } from './source-selection.js';
import { stableSequence } from './stable-sequence.js';
import type { PortRange } from './types.js';

/**
 * Candidate default ports for a new service.
 *
 * The pool is every port of the range that every available source lets pass
 * for each protocol asked for (see exclusion.ts for the rules and the order
 * in which exclusions are counted).
 *
 * Ranking inside the pool, most important first (each a 0/1 "tier" bit; a
 * bit is set when it holds for any of the protocols):
 *   1. nmap-services does not list the port at all (an entry with frequency 0
 *      — a name nmap knows but never saw open — ranks after)
 *   2. outside every OS ephemeral range (else outgoing connections can take it)
 *   3. outside the platform ranges that only warn: the Kubernetes NodePort
 *      range (without `k8s`) and this machine's ip_local_reserved_ports
 *   4. no IANA "unauthorized use" report names it
 *   5. (without `name` only) fewer assigned/reserved/unknown neighbours
 *      (port ± 1): room for a companion port, and away from the "port + 1"
 *      habits of the neighbour's service
 *   6. without `name`: lower port first; with `name`: position in the
 *      name-keyed sequence (stable-sequence.ts)
 * With `name`, only the port's own properties (1-4) rank it, so the pick stays
 * the same while that port stays free and no better-tier port comes earlier in
 * the name's sequence (which happens only when a port is de-registered).
 */

export { EXCLUSION_ORDER, type ExclusionSource, type ExclusionCounts } from './exclusion.js';

export const DEFAULT_SUGGEST_RANGE: Readonly<PortRange> = Object.freeze({ start: 1024, end: 49151 });
export const DEFAULT_SUGGEST_COUNT = 5;

export interface SuggestOptions {
  /** One protocol; or give `protocols`. */
  protocol?: Protocol;
  /** Several protocols: candidates are free in every one (a service that needs TCP and UDP). */
  protocols?: readonly Protocol[];
  /** Inclusive range to pick from; default 1024-49151 (the User range). Ports 1-65535. */
  range?: PortRange;
  /** How many candidates; default 5. */
  count?: number;
  /** The service speaks HTTP: browser-blocked ports are excluded. */
  http?: boolean;
  /** Ports browsers refuse for HTTP; used only with `http`. */
  browserUnsafe?: ReadonlySet<number>;
  /** Service name: a stable, name-keyed pick (case-insensitive). */
  name?: string;
  /** Ports to leave out, e.g. those found open on the user's networks. */
  exclude?: ReadonlySet<number>;
  /** The service may run on Kubernetes: the NodePort range is excluded rather than ranked last. */
  k8s?: boolean;
}

export interface Candidate {
  port: number;
  /** 1-based position in the result. */
  rank: number;
  range: PortRangeName;
  nmap: { checked: boolean; listed: boolean; names: string[]; frequency: number | null };
  /** OS ephemeral ranges that contain the port. */
  ephemeral: EphemeralRange[];
  /** In the Kubernetes NodePort range (30000-32767). */
  kubernetesNodePort: boolean;
  /** In this machine's Linux ip_local_reserved_ports. */
  osReserved: boolean;
  /** IANA "Unauthorized Use Reported" texts that name the port. */
  unauthorizedUse: string[];
  /** port - 1 and port + 1 when their IANA state is not `unassigned` (for some protocol). */
  assignedNeighbours: number[];
  /** Position in the name-keyed sequence (only with `name`). */
  sequencePosition?: number;
  /** Why it is a candidate and why it ranks where it does. */
  reasons: string[];
}

export interface SuggestResult {
  candidates: Candidate[];
  excluded: { bySource: ExclusionCounts; total: number };
  range: PortRange;
  /** Ports in the range. */
  considered: number;
  /** Ports that passed every available source (candidates are the best of these). */
  poolSize: number;
  notes: string[];
}

// Tier bits of a pool port (lower is better).
const TIER_NMAP_LISTED = 8;
const TIER_EPHEMERAL = 4;
const TIER_PLATFORM = 2;
const TIER_UNAUTHORIZED = 1;
const INTRINSIC_TIERS = 16;
const NEIGHBOUR_LEVELS = 3;
const NOT_IN_POOL = 255;

export function suggestPorts(sources: LoadedSources, options: SuggestOptions): SuggestResult {
  return suggestionRanker(sources, options)(options);
}

/** What one ranking round of suggestionRanker may change. */
export type SuggestRound = Pick<SuggestOptions, 'exclude' | 'count'>;

/**
 * suggestPorts in two steps, for a caller that narrows the pool in rounds
 * (api/suggest.ts leaves out the ports it finds bound here or open on a
 * network, then ranks again): what the sources exclude is worked out once,
 * for `options`; each round ranks that pool with its own `exclude` and `count`.
 */
export function suggestionRanker(sources: LoadedSources, options: SuggestOptions): (round: SuggestRound) => SuggestResult {
  const { protocols, http, k8s, range, browserUnsafe } = validate(options);
  const { start, end } = range;
  const size = end - start + 1;
  const sourcesTable = exclusionTable(sources, { protocols, start, end, browserUnsafe: http ? browserUnsafe : undefined, k8s });
  const nmap = isConsulted(sources, 'nmap') ? sources.nmap : null;
  const nmapTier = new Uint8Array(size);
  for (const protocol of nmap === null ? [] : protocols) {
    const marks = portMarks(nmap as NonNullable<typeof nmap>, protocol);
    for (let i = 0; i < size; i += 1) if (((marks[start + i] as number) & MARK_LISTED) !== 0) nmapTier[i] = TIER_NMAP_LISTED;
  }
  return (round) => {
    const settings = validate({ ...options, ...round });
    const table = settings.exclude === undefined ? sourcesTable : withExcluded(sourcesTable, settings.exclude);
    return rankPool(sources, settings, table, nmapTier);
  };
}

function rankPool(sources: LoadedSources, settings: Settings, table: ExclusionTable, nmapTier: Uint8Array): SuggestResult {
  const { protocols, name, count, k8s } = settings;
  const { start, end } = settings.range;
  const size = end - start + 1;
  const { iana, ephemeral } = sources;
  const { unassigned } = table;

  const linuxReserved = (isConsulted(sources, 'os-reserved') ? sources.osReserved?.linux?.ranges : undefined) ?? [];
  const { reasonOf } = table;
  const tier = nmapTier.slice();
  for (let i = 0; i < size; i += 1) if (reasonOf[i] !== IN_POOL) tier[i] = NOT_IN_POOL;

  // The other tier bits are computed only for the ports the selection walk visits
  // (it stops once the best tier holds `count` ports), so iana.lookup usually runs a few
  // dozen times, not once per pool port (all of them only when the best tier stays short).
  const tierOf = (port: number): number => {
    let bits = tier[port - start] as number;
    if (inAnyRange(port, ephemeral)) bits |= TIER_EPHEMERAL;
    if ((!k8s && isKubernetesNodePort(port)) || inAnyRange(port, linuxReserved)) bits |= TIER_PLATFORM;
    if (protocols.some((protocol) => iana.hasUnauthorizedUse?.(protocol, port) ?? hasUnauthorizedUse(iana.lookup(protocol, port)))) {
      bits |= TIER_UNAUTHORIZED;
    }
    return bits;
  };
  const picks: { port: number; position?: number }[] =
    name === undefined
      ? pickLowest(start, size, count, tier, unassigned, tierOf)
      : pickByName(name, start, end, count, tier, tierOf);

  const candidates = picks.map((pick, index) => describeCandidate(sources, settings, pick.port, index + 1, pick.position));
  return {
    candidates,
    excluded: { bySource: table.bySource, total: table.total },
    range: { start, end },
    considered: size,
    poolSize: table.poolSize,
    notes: notesFor(sources, settings, table.poolSize, candidates.length),
  };
}

/** Without a name: best tier (with the neighbour level) first, then the lower port. */
function pickLowest(
  start: number,
  size: number,
  count: number,
  tier: Uint8Array,
  unassigned: Uint8Array,
  tierOf: (port: number) => number,
): { port: number }[] {
  const buckets: number[][] = Array.from({ length: INTRINSIC_TIERS * NEIGHBOUR_LEVELS }, () => []);
  const best = buckets[0] as number[];
  for (let i = 0; i < size && best.length < count; i += 1) {
    if (tier[i] === NOT_IN_POOL) continue;
    const bits = tierOf(start + i);
    const taken = 2 - ((unassigned[i] as number) + (unassigned[i + 2] as number));
    const bucket = buckets[bits * NEIGHBOUR_LEVELS + taken] as number[];
    if (bucket.length < count) bucket.push(start + i);
  }
  return buckets.flat().slice(0, count).map((port) => ({ port }));
}

/** With a name: best intrinsic tier first, then the position in the name's sequence. */
function pickByName(
  name: string,
  start: number,
  end: number,
  count: number,
  tier: Uint8Array,
  tierOf: (port: number) => number,
): { port: number; position: number }[] {
  const sequence = stableSequence(name, start, end);
  const buckets: { port: number; position: number }[][] = Array.from({ length: INTRINSIC_TIERS }, () => []);
  const best = buckets[0] as { port: number; position: number }[];
  for (let k = 0; k < sequence.size && best.length < count; k += 1) {
    const port = sequence.portAt(k);
    if (tier[port - start] === NOT_IN_POOL) continue;
    const bits = tierOf(port);
    const bucket = buckets[bits] as { port: number; position: number }[];
    if (bucket.length < count) bucket.push({ port, position: k });
  }
  return buckets.flat().slice(0, count);
}

function describeCandidate(sources: LoadedSources, settings: Settings, port: number, rank: number, position: number | undefined): Candidate {
  const { iana } = sources;
  const nmap = isConsulted(sources, 'nmap') ? sources.nmap : null;
  const { protocols, name, k8s } = settings;
  const nmapEntries = nmap === null ? [] : protocols.flatMap((protocol) => [...nmap.lookup(protocol, port)]);
  const nmapNames = [...new Set(nmapEntries.flatMap((entry) => entry.names))];
  const ephemeral = ephemeralRangesContaining(port, sources.ephemeral);
  // Only the rows' unauthorized-use texts are read: a registry that can say there are none is not asked for the rows.
  const ianaRows = protocols.flatMap((protocol) => (iana.hasUnauthorizedUse?.(protocol, port) === false ? [] : [...iana.lookup(protocol, port)]));
  const unauthorizedUse = [...new Set(ianaRows.map((row) => row.extra.unauthorizedUse).filter((text): text is string => !!text))];
  const assignedNeighbours = [port - 1, port + 1].filter(
    (neighbour) => neighbour >= 0 && neighbour <= 65535 && protocols.some((protocol) => iana.stateOf(protocol, neighbour) !== 'unassigned'),
  );
  const kubernetesNodePort = isKubernetesNodePort(port);
  const osReserved = isConsulted(sources, 'os-reserved') && inAnyRange(port, sources.osReserved?.linux?.ranges ?? []);

  const reasons = [`IANA lists ${protocols.map((protocol) => `${port}/${protocol}`).join(' and ')} as Unassigned.`];
  if (nmap === null) reasons.push('nmap-services not loaded: use in the wild unknown.');
  else if (nmapEntries.length === 0) reasons.push('nmap-services does not list it.');
  else reasons.push(`nmap-services lists it (${nmapNames.join(', ')}) but never saw it open (frequency 0).`);
  if (sources.defaults && isConsulted(sources, 'defaults')) reasons.push('No well-known product defaults to it.');
  if (sources.org && isConsulted(sources, 'org')) reasons.push(`The organisation's code (${sources.org.roots.join(', ')}) does not declare it.`);
  for (const source of consultedCustom(sources)) reasons.push(`${source.name} names nothing on it.`);
  if (ephemeral.length === 0) reasons.push('Outside every known OS ephemeral range.');
  else reasons.push(`Inside the ephemeral range of ${ephemeral.map((range) => `${range.os} ${range.start}-${range.end}`).join(', ')}.`);
  if (kubernetesNodePort && !k8s) reasons.push('Inside the Kubernetes NodePort range 30000-32767 (--k8s excludes it).');
  if (osReserved) reasons.push("In this machine's net.ipv4.ip_local_reserved_ports: an administrator set it aside.");
  if (unauthorizedUse.length > 0) reasons.push(`IANA reports unauthorized use: ${unauthorizedUse.join('; ')}.`);
  if (position === undefined) {
    reasons.push(
      assignedNeighbours.length === 0
        ? 'Both neighbours are unassigned.'
        : `Next to ${assignedNeighbours.join(' and ')}, which IANA does not list as Unassigned.`,
    );
  } else {
    reasons.push(`Position ${position} in the sequence keyed by the name \`${name ?? ''}\`.`);
  }
  if (rangeOf(port).name === 'System') reasons.push('A System port: IANA assigns these only by IETF Review or IESG Approval.');

  return {
    port,
    rank,
    range: rangeOf(port).name,
    nmap: {
      checked: nmap !== null,
      listed: nmapEntries.length > 0,
      names: nmapNames,
      frequency: nmapEntries.length > 0 ? maxFrequency(nmapEntries) : null,
    },
    ephemeral,
    kubernetesNodePort,
    osReserved,
    unauthorizedUse,
    assignedNeighbours,
    ...(position === undefined ? {} : { sequencePosition: position }),
    reasons,
  };
}

function notesFor(sources: LoadedSources, settings: Settings, poolSize: number, found: number): string[] {
  const notes: string[] = [];
  const left = notConsultedSources(sources);
  if (left.length > 0) notes.push(`Not consulted (left out on request): ${left.join(', ')}.`);
  const missing = (id: string, value: unknown): boolean => isConsulted(sources, id) && (value === null || value === undefined);
  if (missing('nmap', sources.nmap)) notes.push('nmap-services was not found: ports used in the wild were NOT excluded.');
  if (missing('defaults', sources.defaults)) {
    notes.push('The well-known defaults dataset was not loaded: ports that products use by default were NOT excluded.');
  }
  if (missing('services', sources.services)) notes.push('No services file was read: local service names were NOT excluded.');
  if (missing('listeners', sources.listeners)) notes.push('The OS did not tell which sockets listen: local listeners were NOT excluded.');
  if (missing('reservations', sources.reservations)) notes.push('No reservations file: organisation reservations were NOT checked.');
  if (missing('org', sources.org)) notes.push("No --org directory: ports in the organisation's own code were NOT checked.");
  else if (sources.org && isConsulted(sources, 'org') && sources.org.problems.length > 0) {
    notes.push(`${sources.org.problems.length} file(s) of the organisation's code could not be read: see \`portpick inventory\`.`);
  }
  for (const source of sources.custom ?? []) {
    if (source.available === false && isConsulted(sources, source.name)) {
      notes.push(`${source.name} was NOT checked: ${source.note ?? 'the source says it is unavailable'}.`);
    }
  }
  if (sources.ephemeral.length === 0) notes.push('No OS ephemeral range known: overlap with outgoing connections was NOT ranked.');
  if (settings.http && settings.browserUnsafe === undefined) {
    notes.push('No browser-unsafe port list was given: browser-blocked ports were NOT excluded.');
  }
  if (settings.range.end >= DYNAMIC_START) notes.push('Dynamic ports (49152-65535) are never candidates: they MUST NOT be a service identifier.');
  if (settings.range.start < USER_START) notes.push('System ports (0-1023) are assigned only by IETF Review or IESG Approval.');
  if (settings.name === undefined) {
    notes.push('Without a name the lowest qualifying ports come first; give a name for a stable pick spread over the range.');
  }
  if (found < settings.count) {
    notes.push(`Only ${found} candidate(s) in ${settings.range.start}-${settings.range.end} (pool of ${poolSize}).`);
  }
  return notes;
}

/** The sources (built-in and the caller's) this run leaves out; `ephemeral` left out still ranks by each OS's default range. */
export function notConsultedSources(sources: LoadedSources): string[] {
  if (sources.consulted === undefined) return [];
  const all = [...SELECTABLE_SOURCES, ...(sources.custom ?? []).map((source) => source.name)];
  return all.filter((id) => !isConsulted(sources, id));
}

function consultedCustom(sources: LoadedSources): NonNullable<LoadedSources['custom']> {
  return (sources.custom ?? []).filter((source) => source.available !== false && isConsulted(sources, source.name));
}

interface Settings {
  protocols: Protocol[];
  range: PortRange;
  count: number;
  http: boolean;
  browserUnsafe: ReadonlySet<number> | undefined;
  name: string | undefined;
  exclude: ReadonlySet<number> | undefined;
  k8s: boolean;
}

function validate(options: SuggestOptions): Settings {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Expected suggest options { protocol, … }, got ${describeValue(options)}`);
  }
  const protocols = parseProtocolList(options.protocols ?? (options.protocol === undefined ? undefined : [options.protocol]));
  const range = assertPortRange(options.range ?? DEFAULT_SUGGEST_RANGE, { min: MINIMUM_PORT.suggest });
  const count = options.count ?? DEFAULT_SUGGEST_COUNT;
  if (!Number.isInteger(count) || count < 1 || count > 65535) {
    throw new InvalidArgumentError(`Expected \`count\` to be a whole number from 1 to 65535, got ${describeValue(count)}`);
  }
  const http = options.http ?? false;
  if (typeof http !== 'boolean') throw new InvalidArgumentError(`Expected \`http\` to be a boolean, got ${describeValue(http)}`);
  const k8s = options.k8s ?? false;
  if (typeof k8s !== 'boolean') throw new InvalidArgumentError(`Expected \`k8s\` to be a boolean, got ${describeValue(k8s)}`);
  const name = options.name;
  if (name !== undefined && (typeof name !== 'string' || name.length === 0)) {
    throw new InvalidArgumentError(`Expected \`name\` to be a non-empty service name, got ${describeValue(name)}`);
  }
  return {
    protocols,
    range,
    count,
    http,
    browserUnsafe: checkSet(options.browserUnsafe, 'browserUnsafe'),
    name,
    exclude: checkSet(options.exclude, 'exclude'),
    k8s,
  };
}

function checkSet(value: ReadonlySet<number> | undefined, what: string): ReadonlySet<number> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof (value as { has?: unknown }).has !== 'function') {
    throw new InvalidArgumentError(`Expected \`${what}\` to be a Set of ports, got ${describeValue(value)}`);
  }
  return value;
}

function maxFrequency(entries: readonly { extra: { nmapFrequency?: number } }[]): number {
  let max = 0;
  for (const entry of entries) {
    const frequency = entry.extra.nmapFrequency ?? 0;
    if (frequency > max) max = frequency;
  }
  return max;
}

function hasUnauthorizedUse(rows: readonly { extra: { unauthorizedUse?: string } }[]): boolean {
  for (const row of rows) if (row.extra.unauthorizedUse) return true;
  return false;
}

function inAnyRange(port: number, ranges: readonly { start: number; end: number }[]): boolean {
  for (const range of ranges) if (port >= range.start && port <= range.end) return true;
  return false;
}
