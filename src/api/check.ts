import { checkPort, type CheckReport } from '../pick/check.js';
import { MINIMUM_PORT, parsePort, parseProtocol } from '../pick/port-input.js';
import type { NetworkFinding } from '../pick/types.js';
import { bindProbeFor, browserUnsafeSet, resolveSources, type SourcesInput } from './common.js';
import { sweepNetworks, type NetworkSweepOptions } from './network-sweep.js';

export interface CheckRequest extends SourcesInput {
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
}

/**
 * `portpick check PORT`: one verdict per source. The report's `overall` is
 * `free` or `conflict` (the CLI exits 0 or 1 on it).
 */
export async function check(request: CheckRequest): Promise<CheckReport> {
  const port = parsePort(request.port, 'port', { min: MINIMUM_PORT.check });
  const protocol = parseProtocol(request.protocol ?? 'tcp');
  const sources = await resolveSources(request);
  const [bindProbe, network] = await Promise.all([
    request.bindProbe === false ? Promise.resolve(null) : bindProbeFor(port, protocol),
    sweepFor(request, [port], protocol),
  ]);
  return checkPort(sources, {
    port,
    protocol,
    http: request.http ?? false,
    k8s: request.k8s ?? false,
    browserUnsafe: browserUnsafeSet,
    bindProbe,
    network,
  });
}

async function sweepFor(request: CheckRequest, ports: number[], protocol: string): Promise<NetworkFinding | null> {
  if (!request.networks || request.networks.length === 0) return null;
  return sweepNetworks(request.networks, ports, protocol, request.sweep ?? {});
}
