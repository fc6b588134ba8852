import { NoFreePortError, InvalidArgumentError, describeValue } from '../errors/index.js';
import type { Candidate } from '../pick/suggest.js';
import type { PortRange } from '../pick/types.js';
import type { ExclusionCounts } from '../pick/exclusion.js';
import type { NetworkFinding } from '../pick/types.js';
import type { Protocol } from '../registry/types.js';
import { suggest, type SuggestRequest } from './suggest.js';

/** What {@link pickPort} takes: the service name, and the options of {@link suggest} but `count`. */
export interface PickRequest extends Omit<SuggestRequest, 'name' | 'count'> {
  /** The service name: the same name gives the same port while that port stays free. */
  name: string;
}

/** `portpick pick NAME`: the one stable port for a service name, and how it was chosen. */
export interface PickReport {
  /** The service name, as given. */
  name: string;
  /** The port picked. */
  port: number;
  /** The protocols, comma-separated (`tcp`, `tcp,udp`). */
  protocol: string;
  protocols: Protocol[];
  /** The range the port was picked from. */
  range: PortRange;
  /** The candidate as `suggest --name NAME --count 1` describes it (reasons, nmap, ephemeral …). */
  candidate: Candidate;
  /** Ports of the range that pass every source consulted. */
  poolSize: number;
  /** Ports of the range taken out, per source (the first source that claims each) and in all. */
  excluded: { bySource: ExclusionCounts; total: number };
  /** What the network sweep found (null when no networks were named). */
  network: NetworkFinding | null;
  /** Sources the run left out on request (`consult`, no listeners, no bind probe). */
  notConsulted: string[];
  /** Sources that were not available, and what that means for the pick. */
  notes: string[];
}

/**
 * `portpick pick NAME`: the stable port for a service name, which is
 * `suggest({ name, count: 1 })`'s one candidate, so `pick NAME` and
 * `suggest --name NAME --count 1` always agree. The same name gives the same
 * port on every machine that has the same sources, while that port stays free.
 *
 * @param request The service name, and the options of {@link suggest} but `count`.
 * @returns The port, the candidate's evidence, and what was excluded.
 * @throws
 * - {@link NoFreePortError} when no port of the range passes every source consulted.
 * - {@link InvalidArgumentError} without a service name; otherwise as {@link suggest}.
 *
 * @example
 * ```ts
 * import { pickPort } from 'portpick';
 *
 * // The sources that are the same everywhere: every developer and CI gets the same port.
 * const { port } = await pickPort({ name: 'billing-api', consult: ['iana', 'nmap', 'defaults'] });
 * ```
 */
export async function pickPort(request: PickRequest): Promise<PickReport> {
  if (request === null || typeof request !== 'object' || typeof request.name !== 'string' || request.name.trim() === '') {
    throw new InvalidArgumentError(`Expected a service name to pick a port for, got ${describeValue(request?.name)}`);
  }
  const report = await suggest({ ...request, count: 1 });
  const candidate = report.candidates[0];
  if (candidate === undefined) {
    const excluded = Object.entries(report.excluded.bySource)
      .filter(([, count]) => count > 0)
      .map(([source, count]) => `${source} ${count}`)
      .join(', ');
    throw new NoFreePortError(
      `Expected a port in ${report.range.start}-${report.range.end}/${report.protocol} that passes every source consulted, ` +
        `got none (excluded: ${excluded || 'none'}); widen the range (--range A-B)`,
    );
  }
  return {
    name: request.name,
    port: candidate.port,
    protocol: report.protocol,
    protocols: report.protocols,
    range: report.range,
    candidate,
    poolSize: report.poolSize,
    excluded: report.excluded,
    network: report.network,
    notConsulted: report.notConsulted,
    notes: report.notes,
  };
}
