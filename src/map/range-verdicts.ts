import { checkPort } from '../pick/check.js';
import { DYNAMIC_START, USER_START } from '../pick/ranges.js';
import {
  browserUnsafeVerdict,
  ephemeralVerdict,
  ianaVerdict,
  listenersVerdict,
  nmapVerdict,
  rangeVerdict,
  reservationsVerdict,
  servicesVerdict,
} from '../pick/source-verdicts.js';
import { isConsulted, notConsultedSummary } from '../pick/source-selection.js';
import type { PortRange } from '../pick/types.js';
import type { VerdictStatus } from '../pick/verdict.js';
import { EntryIndex } from '../registry/entry-index.js';
import type { IanaRegistry, LoadedSources } from '../registry/loaded-sources.js';
import type { EphemeralRange, Protocol, RegistryState } from '../registry/types.js';
import { sampledLayers, type Judge } from './sampled-verdicts.js';

/**
 * The verdicts of every source for every port of a range at once: what
 * `check` says port by port (src/pick/source-verdicts.ts), as one status array
 * per source. Judging 65,536 ports one `checkPort` at a time takes seconds
 * (every verdict builds its sentences and evidence); here a source's statuses
 * come from one pass over its data, and the sentence for a port — the
 * library's own verdict summary — is made only when asked (`explain`).
 *
 * The sources this file names get a fast pass each, tested to agree with
 * checkPort port by port. Every other source checkPort gives a verdict for
 * (well-known defaults, the organisation's code, platform ranges, … and any
 * added later) appears too, without this file naming it: its layer is built
 * from checkPort's own verdicts at the ports the loaded data names and at the
 * edges of stretches (sampled-verdicts.ts). Bind probes and network sweeps are
 * not drawn: they probe this machine or a network, port by port.
 */

export const STATUS_CODES = ['ok', 'warning', 'conflict', 'not-checked'] as const satisfies readonly VerdictStatus[];
export const OK = 0;
export const WARNING = 1;
export const CONFLICT = 2;
export const NOT_CHECKED = 3;

export interface RangeLayer {
  /** The verdict source id (`iana`, `nmap`, … or whatever id a new source's verdicts carry). */
  readonly source: string;
  /** False when the source was not loaded: every port is then not-checked. */
  readonly available: boolean;
  /** One status code (index into STATUS_CODES) per port of the range, at `port - range.start`. */
  readonly status: Uint8Array;
  /** Sub-kinds the colour table may tell apart (IANA: its states), with one index per port in `kind`. */
  readonly kinds?: readonly string[];
  readonly kind?: Uint8Array;
  /** A strength per port (nmap: the open-frequency), 0 where none. */
  readonly heat?: Float64Array;
  /**
   * Where a port's verdict comes from a stretch of ports rather than its own
   * entry (ranges, gaps in the registry): a number shared by the ports whose
   * summaries differ only in the port number. 0: the port's own verdict.
   */
  readonly segment?: Uint32Array;
  /** The library's verdict summary for one port of the range (one sentence). */
  explain(port: number): string;
}

export interface RangeVerdictOptions {
  protocol: Protocol;
  range: PortRange;
  /** The per-port verdicts of every source (default: checkPort's); tests give their own. */
  judge?: Judge;
  /** The service speaks HTTP: a browser-unsafe layer is added. */
  http?: boolean;
  /** The service may run on Kubernetes: the NodePort range is a conflict rather than a warning. */
  k8s?: boolean;
  /** Ports browsers refuse for HTTP; used only with `http`. */
  browserUnsafe?: ReadonlySet<number>;
}

/** Properties of LoadedSources that the fast layers below read (or that are not sources). */
const KNOWN_PROPERTIES = new Set(['iana', 'nmap', 'services', 'listeners', 'reservations', 'ephemeral', 'status']);

export function rangeVerdicts(sources: LoadedSources, options: RangeVerdictOptions): RangeLayer[] {
  const { protocol, range } = options;
  const size = range.end - range.start + 1;
  // A source the run does not consult is drawn as check reports it: not checked, "Not consulted: …".
  const consulted = (source: string, layer: () => RangeLayer): RangeLayer =>
    isConsulted(sources, source) ? layer() : notChecked(source, size, () => notConsultedSummary(source));
  const layers: RangeLayer[] = [
    ianaLayer(sources, protocol, range),
    consulted('nmap', () => nmapLayer(sources, protocol, range)),
    consulted('services', () => indexLayer('services', sources.services, range, protocol, (port) => servicesVerdict(sources.services, protocol, port).summary)),
    consulted('listeners', () =>
      indexLayer('listeners', sources.listeners, range, protocol, (port) =>
        listenersVerdict(sources.listeners, protocol, port, sources.status.find((status) => status.id === 'listeners')?.note).summary,
      ),
    ),
    consulted('reservations', () =>
      indexLayer('reservations', sources.reservations, range, protocol, (port) => reservationsVerdict(sources.reservations, protocol, port).summary),
    ),
    ephemeralLayer(sources.ephemeral, range),
    rangeLayer(range),
  ];
  if (options.http === true) layers.push(browserUnsafeLayer(range, options.browserUnsafe));
  layers.push(...otherSourceLayers(sources, options));
  return layers;
}

function ianaLayer(sources: LoadedSources, protocol: Protocol, range: PortRange): RangeLayer {
  const { iana } = sources;
  const size = range.end - range.start + 1;
  const kinds: readonly RegistryState[] = ['unassigned', 'assigned', 'reserved', 'unknown'];
  const status = new Uint8Array(size);
  const kind = new Uint8Array(size);
  const segment = new Uint32Array(size);
  for (let i = 0; i < size; i += 1) {
    const port = range.start + i;
    const state = iana.stateOf(protocol, port);
    switch (state) {
      case 'unassigned': {
        const reported = iana.hasUnauthorizedUse?.(protocol, port) ?? iana.lookup(protocol, port).some((row) => !!row.extra.unauthorizedUse);
        status[i] = reported ? WARNING : OK;
        break;
      }
      case 'assigned':
        status[i] = CONFLICT;
        kind[i] = 1;
        break;
      case 'reserved':
        status[i] = CONFLICT;
        kind[i] = 2;
        break;
      case 'unknown':
        // No row: the summary depends only on whether the port is Dynamic.
        status[i] = CONFLICT;
        kind[i] = 3;
        segment[i] = port >= DYNAMIC_START ? 2 : 1;
        break;
    }
  }
  return { source: 'iana', available: true, status, kinds, kind, segment, explain: (port) => ianaVerdict(iana, protocol, port).summary };
}

function nmapLayer(sources: LoadedSources, protocol: Protocol, range: PortRange): RangeLayer {
  const { nmap } = sources;
  const explain = (port: number): string => nmapVerdict(nmap, protocol, port).summary;
  const size = range.end - range.start + 1;
  if (nmap === null) return notChecked('nmap', size, explain);
  const status = new Uint8Array(size);
  const heat = new Float64Array(size);
  forEachListedPort(nmap, protocol, (port, frequency) => {
    if (port < range.start || port > range.end) return;
    const i = port - range.start;
    if (frequency > (heat[i] as number)) heat[i] = frequency;
    status[i] = (heat[i] as number) > 0 ? CONFLICT : WARNING;
  });
  return { source: 'nmap', available: true, status, heat, explain };
}

/** A source whose every entry is a conflict at its port (services file, listeners, reservations). */
function indexLayer(
  source: string,
  index: EntryIndex | null,
  range: PortRange,
  protocol: Protocol,
  explain: (port: number) => string,
): RangeLayer {
  const size = range.end - range.start + 1;
  if (index === null) return notChecked(source, size, explain);
  const status = new Uint8Array(size);
  forEachListedPort(index, protocol, (port) => {
    if (port >= range.start && port <= range.end) status[port - range.start] = CONFLICT;
  });
  return { source, available: true, status, explain };
}

function ephemeralLayer(ephemeral: readonly EphemeralRange[], range: PortRange): RangeLayer {
  const size = range.end - range.start + 1;
  const explain = (port: number): string => ephemeralVerdict(ephemeral, port).summary;
  if (ephemeral.length === 0) return notChecked('ephemeral', size, explain);
  const status = new Uint8Array(size);
  const segment = new Uint32Array(size);
  markRanges(ephemeral, range, status, segment, WARNING);
  // This machine's own range is told apart: the other OSes' ranges matter only where the service will run.
  const kind = new Uint8Array(size);
  const own = ephemeral.filter((r) => r.os === 'this machine');
  for (const r of own) {
    const from = Math.max(r.start, range.start);
    const to = Math.min(r.end, range.end);
    if (from <= to) kind.fill(1, from - range.start, to - range.start + 1);
  }
  return { source: 'ephemeral', available: true, status, segment, kinds: ['other-os', 'this-machine'], kind, explain };
}

function rangeLayer(range: PortRange): RangeLayer {
  const size = range.end - range.start + 1;
  const status = new Uint8Array(size);
  const segment = new Uint32Array(size);
  for (let i = 0; i < size; i += 1) {
    const port = range.start + i;
    if (port < USER_START) {
      status[i] = WARNING;
      segment[i] = 1;
    } else if (port >= DYNAMIC_START) {
      status[i] = CONFLICT;
      segment[i] = 3;
    }
  }
  return { source: 'range', available: true, status, segment, explain: (port) => rangeVerdict(port).summary };
}

function browserUnsafeLayer(range: PortRange, browserUnsafe: ReadonlySet<number> | undefined): RangeLayer {
  const size = range.end - range.start + 1;
  const explain = (port: number): string => browserUnsafeVerdict(port, true, browserUnsafe).summary;
  if (browserUnsafe === undefined) return notChecked('browser-unsafe', size, explain);
  const status = new Uint8Array(size);
  for (const port of browserUnsafe) {
    if (port >= range.start && port <= range.end) status[port - range.start] = CONFLICT;
  }
  return { source: 'browser-unsafe', available: true, status, explain };
}

/** An IANA registry with no rows, standing in where IANA's verdict is not read. */
const UNCONSULTED_IANA: IanaRegistry = {
  origin: 'not consulted',
  updated: undefined,
  entryCount: 0,
  lookup: () => [],
  stateOf: () => 'unknown',
  byName: () => [],
};

/** Verdict sources with a fast pass above. */
const FAST_SOURCES = new Set(['iana', 'nmap', 'services', 'listeners', 'reservations', 'ephemeral', 'range', 'browser-unsafe']);
/** Verdicts the map never draws: they need probes of this machine or of a network, made for chosen ports by check and suggest. */
const NOT_DRAWN = new Set(['bind', 'network']);

/** Layers for every other verdict source checkPort gives (see the header and sampled-verdicts.ts). */
function otherSourceLayers(sources: LoadedSources, options: RangeVerdictOptions): RangeLayer[] {
  const { protocol, range } = options;
  // checkPort over the sources without the data the fast passes read: a source's verdict depends on its
  // own data, and the verdicts of the left-out sources are not read here (judging IANA, nmap-services and
  // the services file is most of checkPort's time, and this asks at thousands of ports).
  const light: LoadedSources = { ...sources, iana: UNCONSULTED_IANA, nmap: null, services: null, listeners: null, reservations: null };
  const judge: Judge =
    options.judge ??
    ((port) =>
      port === 0 ? [] : checkPort(light, { port, protocol, http: options.http ?? false, k8s: options.k8s ?? false, ...browserUnsafeOption(options) }).verdicts);
  // Every port gets a verdict from every source: one port tells which sources there are.
  const ids = judge(Math.max(range.start, 1))
    .map((verdict) => verdict.source)
    .filter((id) => !FAST_SOURCES.has(id) && !NOT_DRAWN.has(id));
  if (ids.length === 0) return [];
  const { pointPorts, breakpoints } = portsNamedByData(sources, protocol);
  // The caller's sources hold no index to read: their lookup is asked at every port of the range.
  for (const source of sources.custom ?? []) {
    if (source.available === false) continue;
    for (let port = range.start; port <= range.end; port += 1) if (source.lookup(protocol, port).length > 0) pointPorts.add(port);
  }
  return sampledLayers({ range, sources: ids, judge, pointPorts, breakpoints });
}

/**
 * Where the loaded data of sources without a fast pass can change a verdict:
 * every port an index among them lists, and the edges of every range
 * (`{ start, end }`) they hold, looked for a few levels deep.
 */
function portsNamedByData(sources: LoadedSources, protocol: Protocol): { pointPorts: Set<number>; breakpoints: Set<number> } {
  const pointPorts = new Set<number>();
  const breakpoints = new Set<number>();
  const seen = new Set<object>();
  const visit = (value: unknown, depth: number): void => {
    if (value === null || typeof value !== 'object' || seen.has(value) || depth > 3) return;
    seen.add(value);
    if (value instanceof EntryIndex) {
      forEachListedPort(value, protocol, (port) => pointPorts.add(port));
      return;
    }
    if (isPortRange(value)) {
      breakpoints.add(value.start);
      breakpoints.add(value.end + 1);
    }
    const children = Array.isArray(value) ? value : Object.values(value);
    if (children.length > 100_000) return;
    for (const child of children) visit(child, depth + 1);
  };
  for (const [property, value] of Object.entries(sources)) if (!KNOWN_PROPERTIES.has(property)) visit(value, 0);
  return { pointPorts, breakpoints };
}

/**
 * Marks the ports of `range` inside any of `ranges` with `code`, and gives each
 * stretch inside the same set of ranges its own segment number (1 + a bit per
 * range for up to 31 ranges; beyond that, the set's position among those seen).
 */
function markRanges(
  ranges: readonly { start: number; end: number }[],
  range: PortRange,
  status: Uint8Array,
  segment: Uint32Array,
  code: number,
): void {
  const size = range.end - range.start + 1;
  const setNumbers = new Map<string, number>();
  for (let i = 0; i < size; i += 1) {
    const port = range.start + i;
    let bits = 0;
    let key = '';
    for (let index = 0; index < ranges.length; index += 1) {
      const r = ranges[index] as { start: number; end: number };
      if (port < r.start || port > r.end) continue;
      if (index < 31) bits |= 1 << index;
      else key += `,${index}`;
    }
    if (bits === 0 && key === '') continue;
    status[i] = code;
    if (key === '') segment[i] = bits + 1;
    else {
      const full = `${bits}${key}`;
      let number = setNumbers.get(full);
      if (number === undefined) {
        number = 2 ** 31 + setNumbers.size;
        setNumbers.set(full, number);
      }
      segment[i] = number;
    }
  }
}

function notChecked(source: string, size: number, explain: (port: number) => string): RangeLayer {
  return { source, available: false, status: new Uint8Array(size).fill(NOT_CHECKED), explain };
}

function browserUnsafeOption(options: RangeVerdictOptions): { browserUnsafe?: ReadonlySet<number> } {
  return options.browserUnsafe === undefined ? {} : { browserUnsafe: options.browserUnsafe };
}

function isPortRange(value: unknown): value is PortRange {
  if (value === null || typeof value !== 'object') return false;
  const { start, end } = value as { start?: unknown; end?: unknown };
  return Number.isInteger(start) && Number.isInteger(end);
}

/** Every (port, frequency) an index lists for `protocol`, without building entries where the index can (see port-marks.ts). */
function forEachListedPort(index: EntryIndex, protocol: Protocol, visit: (port: number, frequency: number) => void): void {
  const visitor = index as EntryIndex & { forEachPort?: (protocol: Protocol, visit: (port: number, frequency: number) => void) => void };
  if (typeof visitor.forEachPort === 'function') {
    visitor.forEachPort(protocol, visit);
    return;
  }
  for (const entry of index.entries()) if (entry.protocol === protocol) visit(entry.port, entry.extra.nmapFrequency ?? 0);
}
