import { InvalidArgumentError } from '../errors/index.js';
import type { NetworkFinding } from '../pick/types.js';
import type { ScanOptions } from '../scan/scan-options.js';

/** Sweep tuning that check / suggest / request pass through to scan(). */
export type NetworkSweepOptions = Pick<
  ScanOptions,
  | 'mode'
  | 'rate'
  | 'minRate'
  | 'defaultExcludes'
  | 'timeoutMs'
  | 'retries'
  | 'window'
  | 'exclude'
  | 'excludeFiles'
  | 'signal'
  | 'onProgress'
  | 'seed'
>;

/**
 * Sweeps the named networks for the given ports only and returns every
 * (address, port) found open. The sweep is TCP: other protocols are refused
 * rather than silently reported as "nothing open".
 */
export async function sweepNetworks(
  networks: readonly string[],
  ports: readonly number[],
  protocol: string,
  options: NetworkSweepOptions,
): Promise<NetworkFinding> {
  if (protocol !== 'tcp') {
    throw new InvalidArgumentError(
      `Expected --proto tcp with --network (portpick sweeps TCP; UDP/SCTP/DCCP sweeps are not supported), got \`${protocol}\``,
    );
  }
  if (ports.length === 0) return { networks: [...networks], openOn: [], probes: 0, complete: true };
  // The scanner is loaded only when a sweep runs: check and suggest without --network never need it.
  const { scan } = await import('../scan/scan.js');
  const handle = scan({ ...options, targets: [...networks], ports: [...ports] });
  const openOn: NetworkFinding['openOn'] = [];
  for await (const result of handle) {
    if (result.state === 'open') openOn.push({ address: result.address, port: result.port });
  }
  const summary = await handle.summary;
  return {
    networks: [...networks],
    openOn,
    probes: summary.sent,
    complete: !summary.interrupted && summary.completed === summary.planned,
  };
}
