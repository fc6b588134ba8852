import { BROWSER_UNSAFE_PORTS } from '../registry/browser-unsafe.js';
import { probeBind } from '../registry/bind-probe.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol } from '../registry/types.js';
import type { BindProbeResult } from '../pick/types.js';
import { InvalidArgumentError, SourceUnavailableError, UncheckedSourcesError } from '../errors/index.js';
import { isConsulted, parseSourceList, SELECTABLE_SOURCES } from '../pick/source-selection.js';
import { throwIfAborted } from './abort.js';
import { loadSources, type LoadSourcesOptions } from './load-sources.js';

/** Options every port-choice call accepts: where the sources come from, or sources already loaded. */
export interface SourcesInput extends LoadSourcesOptions {
  /** Sources loaded earlier with loadSources(); skips loading (ops tooling calling many checks). */
  sources?: LoadedSources;
}

export const browserUnsafeSet: ReadonlySet<number> = new Set(BROWSER_UNSAFE_PORTS);

export async function resolveSources(input: SourcesInput): Promise<LoadedSources> {
  throwIfAborted(input.signal);
  if (input.sources === undefined) return loadSources(input);
  if (input.consult !== undefined) {
    throw new InvalidArgumentError('Expected `consult` with sources still to load, got sources loaded already (give `consult` to loadSources)');
  }
  return input.sources;
}

/** What a check or suggest probes beyond the loaded data: this machine's binds and the named networks. */
export interface ProbePlan {
  /** The sources, with `bind` left out when the caller turned the bind probe off. */
  sources: LoadedSources;
  bindProbe: boolean;
  /** The networks to sweep; null when none is to be swept. */
  networks: string[] | null;
}

/**
 * Settles the bind probe and the network sweep against the sources to consult:
 * `bindProbe: false` leaves `bind` out (naming it as well is a contradiction);
 * networks given while `network` is left out is a contradiction; `network`
 * or `bind` named but impossible (no network given; a protocol Node cannot
 * bind) is a SourceUnavailableError, as for any source named but unavailable.
 */
export function planProbes(
  request: SourcesInput & { bindProbe?: boolean; networks?: readonly string[] },
  sources: LoadedSources,
  protocols: readonly Protocol[],
): ProbePlan {
  const named =
    request.consult === undefined ? [] : parseSourceList(request.consult, { customNames: (sources.custom ?? []).map((source) => source.name) });
  let planned = sources;
  let bindProbe = isConsulted(sources, 'bind');
  if (request.bindProbe === false) {
    if (named.includes('bind')) throw new InvalidArgumentError('Expected either bind among the sources to consult or the bind probe off, got both');
    bindProbe = false;
    if (sources.consulted === undefined || sources.consulted.includes('bind')) {
      planned = { ...sources, consulted: (sources.consulted ?? allConsulted(sources)).filter((id) => id !== 'bind') };
    }
  }
  if (bindProbe && named.includes('bind')) {
    const unbindable = protocols.filter((protocol) => protocol !== 'tcp' && protocol !== 'udp');
    if (unbindable.length > 0) {
      throw new SourceUnavailableError(`Expected a protocol Node can bind (tcp, udp) with bind among the sources to consult, got ${unbindable.join(', ')}`);
    }
  }
  const networks = request.networks !== undefined && request.networks.length > 0 ? [...request.networks] : null;
  if (networks !== null && !isConsulted(sources, 'network')) {
    throw new InvalidArgumentError('Expected network among the sources to consult when networks are given to sweep, got a source list without it');
  }
  if (networks === null && named.includes('network')) {
    throw new SourceUnavailableError('Expected a network to sweep (--network CIDR) with network among the sources to consult, got none');
  }
  return { sources: planned, bindProbe, networks };
}

function allConsulted(sources: LoadedSources): string[] {
  return [...SELECTABLE_SOURCES, ...(sources.custom ?? []).map((source) => source.name)];
}

/**
 * The sources this run consults that could not be checked, each with why:
 * what `strict` refuses. The same sources `check` reports as not-checked.
 */
export function uncheckedSources(plan: ProbePlan, protocols: readonly Protocol[]): { source: string; reason: string }[] {
  const { sources } = plan;
  const unchecked: { source: string; reason: string }[] = [];
  const noteOf = (id: string): string => {
    const status = sources.status.find((entry) => entry.id === id);
    return status?.note ?? status?.origin ?? 'not loaded';
  };
  const data: [string, unknown][] = [
    ['nmap', sources.nmap],
    ['defaults', sources.defaults],
    ['services', sources.services],
    ['listeners', sources.listeners],
    ['reservations', sources.reservations],
    ['org', sources.org],
    ['os-reserved', sources.osReserved],
  ];
  for (const [id, value] of data) {
    if (isConsulted(sources, id) && (value === null || value === undefined)) unchecked.push({ source: id, reason: noteOf(id) });
  }
  if (plan.bindProbe && isConsulted(sources, 'bind')) {
    const unbindable = protocols.filter((protocol) => protocol !== 'tcp' && protocol !== 'udp');
    if (unbindable.length > 0) unchecked.push({ source: 'bind', reason: `Node cannot bind ${unbindable.join(', ')}: no bind probe is made` });
  }
  if (isConsulted(sources, 'network') && plan.networks === null) {
    unchecked.push({ source: 'network', reason: 'no network was given to sweep (--network CIDR): hosts on the network were NOT checked' });
  }
  for (const source of sources.custom ?? []) {
    if (source.available === false && isConsulted(sources, source.name)) {
      unchecked.push({ source: source.name, reason: source.note ?? 'the source says it is unavailable' });
    }
  }
  return unchecked;
}

/** `strict`: refuses (UncheckedSourcesError) when some source the run consults could not be checked. */
export function refuseUnchecked(plan: ProbePlan, protocols: readonly Protocol[]): void {
  const unchecked = uncheckedSources(plan, protocols);
  if (unchecked.length > 0) throw new UncheckedSourcesError(unchecked);
}

/**
 * Tries to bind the port on 0.0.0.0, ::, 127.0.0.1 and ::1. Only TCP and UDP
 * can be probed from Node; for SCTP/DCCP the probe is skipped (null = not made).
 */
export async function bindProbeFor(port: number, protocol: Protocol): Promise<BindProbeResult[] | null> {
  if (protocol !== 'tcp' && protocol !== 'udp') return null;
  return probeBind(port, protocol);
}
