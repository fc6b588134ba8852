import { checkPort, type CheckReport } from '../pick/check.js';
import { MINIMUM_PORT, parsePort, parseProtocol } from '../pick/port-input.js';
import type { NetworkFinding } from '../pick/types.js';
import type { OverallVerdict } from '../pick/verdict.js';
import type { Protocol } from '../registry/types.js';
import { InvalidArgumentError, describeValue } from '../errors/index.js';
import { abortable, throwIfAborted } from './abort.js';
import { bindProbeFor, browserUnsafeSet, planProbes, resolveSources, type ProbePlan, type SourcesInput } from './common.js';
import { sweepNetworks, type NetworkSweepOptions } from './network-sweep.js';

/** What {@link check} takes: the port, how the service will run, and where the sources come from. */
export interface CheckRequest extends SourcesInput {
  /** The port, 1-65535 (a number, or its decimal text). */
  port: number | string;
  /** Default tcp. */
  protocol?: string;
  /** The service speaks HTTP: ports browsers refuse conflict. */
  http?: boolean;
  /** The service may run on Kubernetes: the NodePort range (30000-32767) conflicts. */
  k8s?: boolean;
  /** Try binding the port on this machine (default true). */
  bindProbe?: boolean;
  /** Networks to sweep for hosts that have the port open (CIDR, ranges, hostnames). */
  networks?: string[];
  /** Tuning of that sweep (engine, rate, timeout, retries, exclusions, signal). */
  sweep?: NetworkSweepOptions;
  /**
   * A source the run consults that could not be checked (nmap-services absent,
   * no reservations, no network swept …) makes the port `unchecked`.
   */
  strict?: boolean;
}

export interface CheckPortsRequest extends Omit<CheckRequest, 'port'> {
  /** The ports to check, each once. */
  ports: readonly (number | string)[];
}

/** `portpick check PORT PORT…`: one report per port, and their combination. */
export interface CheckPortsReport {
  /** `conflict` when any port conflicts; else `unchecked` when any is (strict); else `free`. */
  overall: OverallVerdict;
  /** One report per port, in the order given. */
  reports: CheckReport[];
}

/**
 * `portpick check PORT`: judges one port against every source (IANA,
 * nmap-services, well-known defaults, the services file, this machine's
 * listeners and a bind probe, reservations, the organisation's code, the OS
 * and platform ranges, and the networks given to sweep), one verdict each.
 * The report's `overall` is `free` when no source objects, `conflict` when
 * one does, and with `strict` `unchecked` when nothing objects but a source
 * the run consults could not be checked. A source that is missing is never a
 * pass: its verdict is `not-checked` and the report lists it.
 *
 * @param request The port, and where the sources come from (or `sources` loaded already).
 * @returns One verdict per source, the combination, and where the port sits in the RFC 6335 ranges.
 * @throws
 * - {@link PortSpecError} when the port is not 1-65535.
 * - {@link InvalidArgumentError} for an option of the wrong shape or a contradiction (`bindProbe: false` with `bind` among the sources to consult).
 * - {@link SourceUnavailableError} when a source named in `consult` is unavailable.
 * - {@link RegistryParseError} / {@link FileAccessError} for a source file that is malformed or unreadable.
 * - the signal's reason when `signal` aborts; the errors of {@link scan} when `networks` are swept.
 *
 * @example
 * ```ts
 * import { check } from 'portpick';
 *
 * const report = await check({ port: 8080, k8s: true });
 * if (report.overall === 'conflict') {
 *   for (const verdict of report.verdicts.filter((v) => v.status === 'conflict')) console.log(`${verdict.source}: ${verdict.summary}`);
 * }
 * ```
 */
export async function check(request: CheckRequest): Promise<CheckReport> {
  const { port, ...rest } = request;
  const { reports } = await checkPorts({ ...rest, ports: [port] });
  return reports[0] as CheckReport;
}

/**
 * `portpick check PORT PORT…`: several ports against sources loaded once,
 * with one network sweep for all of them. `signal` (or `sweep.signal`) stops
 * the call: it rejects with the signal's reason.
 *
 * @param request The ports (each once), and the options of {@link check}.
 * @returns One report per port in the order given, and their combination.
 * @throws as {@link check}; {@link InvalidArgumentError} also for an empty list or a port given twice.
 *
 * @example
 * ```ts
 * import { checkPorts } from 'portpick';
 *
 * // A CI gate: the ports a repository uses, against the sources that are the same on every machine.
 * const { overall, reports } = await checkPorts({ ports: [7400, 7401], strict: true, consult: 'iana,nmap,defaults,reservations' });
 * if (overall !== 'free') process.exitCode = 1;
 * for (const report of reports) console.log(report.port, report.overall, report.conflicts.join(', '));
 * ```
 */
export async function checkPorts(request: CheckPortsRequest): Promise<CheckPortsReport> {
  throwIfAborted(request.signal);
  if (!Array.isArray(request.ports) || request.ports.length === 0) {
    throw new InvalidArgumentError(`Expected at least one port to check, got ${describeValue(request.ports)}`);
  }
  const ports = request.ports.map((port) => parsePort(port, 'port', { min: MINIMUM_PORT.check }));
  const repeated = ports.find((port, index) => ports.indexOf(port) !== index);
  if (repeated !== undefined) throw new InvalidArgumentError(`Expected each port once, got ${repeated} twice`);
  const protocol = parseProtocol(request.protocol ?? 'tcp');
  const plan = planProbes(request, await resolveSources(request), [protocol]);
  const { signal } = request;
  const [bindProbes, network] = await Promise.all([
    abortable(signal, Promise.all(ports.map((port) => (plan.bindProbe ? bindProbeFor(port, protocol) : Promise.resolve(null))))),
    abortable(signal, sweepFor(plan, request, ports, protocol)),
  ]);
  throwIfAborted(signal);
  const reports = ports.map((port, index) =>
    checkPort(plan.sources, {
      port,
      protocol,
      http: request.http ?? false,
      k8s: request.k8s ?? false,
      strict: request.strict ?? false,
      browserUnsafe: browserUnsafeSet,
      bindProbe: bindProbes[index] ?? null,
      network,
    }),
  );
  const overall: OverallVerdict = reports.some((report) => report.overall === 'conflict')
    ? 'conflict'
    : reports.some((report) => report.overall === 'unchecked')
      ? 'unchecked'
      : 'free';
  return { overall, reports };
}

async function sweepFor(plan: ProbePlan, request: CheckPortsRequest, ports: number[], protocol: Protocol): Promise<NetworkFinding | null> {
  if (plan.networks === null) return null;
  const sweep = request.sweep ?? {};
  const signal = sweep.signal ?? request.signal;
  return sweepNetworks(plan.networks, ports, protocol, { ...sweep, ...(signal === undefined ? {} : { signal }) });
}
