import { parsePortRangeSpec, parseProtocolList } from '../pick/port-input.js';
import { notConsultedSources, suggestionRanker, type SuggestResult } from '../pick/suggest.js';
import type { NetworkFinding } from '../pick/types.js';
import type { Protocol } from '../registry/types.js';
import { InvalidArgumentError, describeValue } from '../errors/index.js';
import { abortable, throwIfAborted } from './abort.js';
import { bindProbeFor, browserUnsafeSet, planProbes, refuseUnchecked, resolveSources, type SourcesInput } from './common.js';
import { sweepNetworks, type NetworkSweepOptions } from './network-sweep.js';

/** What {@link suggest} takes: where to look, how many, how the service will run, and where the sources come from. */
export interface SuggestRequest extends SourcesInput {
  /** `A-B`, default 1024-49151. */
  range?: string | { start: number; end: number };
  /** How many candidates, 1-1000 (default 5). */
  count?: number;
  /** `tcp` (default), or several: `tcp,udp` gives ports free in both. */
  protocol?: string;
  /** The protocols as a list (instead of `protocol`). */
  protocols?: string[];
  /** The service speaks HTTP: ports browsers refuse are excluded. */
  http?: boolean;
  /** The service may run on Kubernetes: the NodePort range (30000-32767) is excluded. */
  k8s?: boolean;
  /** A stable pick: the same name gives the same port while that port stays free. */
  name?: string;
  /** Sweep these networks for the candidate ports and exclude any found open. */
  networks?: string[];
  /** Tuning of that sweep (engine, rate, timeout, retries, exclusions, signal). */
  sweep?: NetworkSweepOptions;
  /** Bind-probe the final candidates on this machine (default true). */
  bindProbe?: boolean;
  /**
   * Refuse (UncheckedSourcesError, naming each) when a source the run
   * consults could not be checked, rather than pick from less.
   */
  strict?: boolean;
}

/** What {@link suggest} gives: the candidates, what each source excluded, and what was not checked. */
export interface SuggestReport extends SuggestResult {
  /** The protocols, comma-separated (`tcp`, `tcp,udp`). */
  protocol: string;
  protocols: Protocol[];
  /** What the network sweep found (null when no networks were named). */
  network: NetworkFinding | null;
  /** Sources the run left out on request (`consult`, no listeners, no bind probe). */
  notConsulted: string[];
}

/**
 * `portpick suggest`: candidates that pass every available source, ranked, each
 * with its evidence, and how many ports each source excluded. Bind probes and
 * network sweeps run on a shortlist, then the ranking is recomputed without the
 * ports they found taken, until `count` candidates survive. With `name` the
 * pick is stable: the same name gives the same port while that port stays free.
 *
 * @param request The range (default 1024-49151), how many candidates (default 5), and where the sources come from.
 * @returns The candidates best first, each with its reasons; the exclusions per source; notes on sources not checked.
 * @throws
 * - {@link PortSpecError} for a range that is not `A-B` within 1-65535.
 * - {@link InvalidArgumentError} for an option of the wrong shape (`count` outside 1-1000).
 * - {@link UncheckedSourcesError} with `strict` when a source the run consults could not be checked.
 * - {@link SourceUnavailableError}, {@link RegistryParseError}, {@link FileAccessError} as {@link loadSources}.
 * - the signal's reason when `signal` aborts; the errors of {@link scan} when `networks` are swept.
 *
 * @example
 * ```ts
 * import { suggest } from 'portpick';
 *
 * const { candidates, excluded } = await suggest({ range: '7000-7999', count: 3, protocols: ['tcp', 'udp'] });
 * console.log(candidates.map((c) => c.port), `${excluded.total} ports excluded`);
 * ```
 */
export async function suggest(request: SuggestRequest = {}): Promise<SuggestReport> {
  const protocols = parseProtocolList(request.protocols ?? request.protocol ?? 'tcp');
  const protocol = protocols.join(',');
  const range =
    request.range === undefined
      ? undefined
      : typeof request.range === 'string'
        ? parsePortRangeSpec(request.range, { min: 1 })
        : request.range;
  const count = request.count ?? 5;
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new InvalidArgumentError(`Expected --count to be a whole number from 1 to 1000, got ${describeValue(count)}`);
  }
  throwIfAborted(request.signal);
  const plan = planProbes(request, await resolveSources(request), protocols);
  if (request.strict === true) refuseUnchecked(plan, protocols);
  else if (request.strict !== undefined && request.strict !== false) {
    throw new InvalidArgumentError(`Expected \`strict\` to be a boolean, got ${describeValue(request.strict)}`);
  }
  const { sources, networks } = plan;
  const { signal } = request;
  const sweep = request.sweep ?? {};
  const sweepSignal = sweep.signal ?? signal;
  const exclude = new Set<number>();
  const base = {
    protocols,
    count,
    k8s: request.k8s ?? false,
    http: request.http ?? false,
    browserUnsafe: browserUnsafeSet,
    ...(range === undefined ? {} : { range }),
    ...(request.name === undefined ? {} : { name: request.name }),
  };

  // Shortlist: a few more than asked, so ports taken locally or on the network can drop out.
  const rank = suggestionRanker(sources, base);
  let network: NetworkFinding | null = null;
  for (let round = 0; round < 8; round += 1) {
    const shortlist = rank({ count: count * 2 + 8, exclude });
    const ports = shortlist.candidates.map((candidate) => candidate.port);
    let removed = 0;
    if (plan.bindProbe) {
      // Different ports: the probes are independent, so they run together.
      const probes = await abortable(
        signal,
        Promise.all(ports.map(async (port) => (await Promise.all(protocols.map((one) => bindProbeFor(port, one)))).flatMap((probe) => probe ?? []))),
      );
      probes.forEach((probe, index) => {
        if (probe.some((result) => result.outcome !== 'free' && result.outcome !== 'unsupported')) {
          exclude.add(ports[index] as number);
          removed += 1;
        }
      });
    }
    if (networks !== null) {
      const unchecked = ports.filter((port) => !exclude.has(port));
      const finding = await abortable(
        signal,
        sweepNetworks(networks, unchecked, protocol, { ...sweep, ...(sweepSignal === undefined ? {} : { signal: sweepSignal }) }),
      );
      throwIfAborted(signal);
      network = mergeFindings(network, finding);
      for (const open of finding.openOn) {
        if (!exclude.has(open.port)) {
          exclude.add(open.port);
          removed += 1;
        }
      }
    }
    if (removed === 0) break;
  }
  throwIfAborted(signal);
  const result = rank({ count, exclude });
  return { ...result, protocol, protocols, network, notConsulted: notConsultedSources(sources) };
}

function mergeFindings(previous: NetworkFinding | null, next: NetworkFinding): NetworkFinding {
  if (previous === null) return next;
  return {
    networks: previous.networks,
    openOn: [...previous.openOn, ...next.openOn],
    probes: previous.probes + next.probes,
    complete: previous.complete && next.complete,
  };
}
