/**
 * The SYN engine is exact when answers go missing (issue: "open ports reported
 * closed"). Two wire-level scenarios inside the private namespace, each with an
 * nftables table of its own:
 *
 * - Local routes with a silent /24: every SYN and SYN-ACK to 198.18.66.0/24 is
 *   dropped. A sweep of 198.18.64.0/22 must report that /24 filtered and every
 *   other address exact, whichever address the permutation probes first (a
 *   source address taken from the silent /24 made every answer vanish).
 * - The first SYN-ACK of every (address, port) is dropped: the retry must get
 *   its own 4-tuple (a second SYN on the same 4-tuple meets the target's
 *   half-open connection and is answered with RST), so every open port is found
 *   open on its second try.
 *
 * Listener ports and seeds are printed so a failure can be repeated.
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { NftTable } from '../helpers/nft.js';
import { required } from '../helpers/required.js';
import { SweepPlan } from '../../src/scan/plan.js';
import { scan } from '../../src/scan/scan.js';
import { resolveTargets } from '../../src/scan/targets.js';
import type { ScanResult, ScanSummary } from '../../src/scan/types.js';

const raw = addon?.canUseRawSockets() ?? false;
const runnable =
  addon !== null && lab.available && lab.nft && required(raw, 'CAP_NET_RAW in the lab namespace', 'run npm test as root or where `unshare -rn` works');

async function listenAny(): Promise<Server> {
  const server = createServer((socket) => socket.on('error', () => {}).destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '0.0.0.0', port: 0, backlog: 4096 }, resolve);
  });
  return server;
}

/** A port nothing listens on (bound on 0.0.0.0, then released). */
async function closedPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const server = await listenAny();
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (!taken.has(port)) return port;
  }
}

async function sweep(targets: string, ports: number[], seed: bigint): Promise<{ results: ScanResult[]; summary: ScanSummary }> {
  const handle = scan({ targets, ports, mode: 'syn', seed, retries: 1, timeoutMs: 300 });
  const results: ScanResult[] = [];
  for await (const result of handle) results.push(result);
  return { results, summary: await handle.summary };
}

/** Results whose state or reason differ from `expected`, as readable lines. */
function misclassified(results: ScanResult[], expected: (r: ScanResult) => [string, string]): string[] {
  const wrong: string[] = [];
  for (const r of results) {
    const [state, reason] = expected(r);
    if (r.state !== state || r.reason !== reason) wrong.push(`${r.address}:${r.port} ${r.state}/${r.reason} (tries ${r.tries}), expected ${state}/${reason}`);
  }
  return wrong;
}

describe.skipIf(!runnable)('SYN sweeps stay exact when answers are dropped', () => {
  const servers: Server[] = [];
  let open: number[] = [];
  let closed: number[] = [];
  const table = new NftTable('inet', 'portpick_exactness');

  beforeAll(async () => {
    servers.push(await listenAny(), await listenAny());
    open = servers.map((s) => (s.address() as { port: number }).port);
    const taken = new Set(open);
    closed = [await closedPort(taken)];
    closed.push(await closedPort(new Set([...taken, ...closed])));
    console.info(`[syn-exactness] listeners on ${open.join(', ')}; closed ports ${closed.join(', ')}`);
  });
  afterAll(async () => {
    table.remove();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it('local routes with a silent /24: filtered there, exact elsewhere, for any first target', async () => {
    const block = '198.18.64.0/22';
    const silentThird = 66;
    table.install(`
      chain in {
        type filter hook input priority -10;
        ip daddr 198.18.66.0/24 tcp flags syn drop
      }`);
    const ports = [...open, ...closed];
    // Seeds whose first probe goes to the silent /24 (the case that lost every answer), and random ones.
    const plan = (seed: bigint) => new SweepPlan(targets, ports, seed, { index: 0, count: 1 });
    const targets = await resolveTargets({ targets: [block] });
    const base = BigInt(Math.floor(Math.random() * 2 ** 40));
    const seeds: bigint[] = [];
    for (let seed = base; seeds.length < 3; seed += 1n) {
      if (plan(seed).probeAt(0).address.startsWith(`198.18.${silentThird}.`)) seeds.push(seed);
    }
    seeds.push(base + 1_000_003n, base + 2_000_029n);
    console.info(`[syn-exactness] silent /24 scenario, seeds ${seeds.join(', ')}`);
    for (const seed of seeds) {
      const { results, summary } = await sweep(block, ports, seed);
      expect(results.length, `seed ${seed}`).toBe(1024 * ports.length);
      const wrong = misclassified(results, (r) => {
        if (Number(r.address.split('.')[2]) === silentThird) return ['filtered', 'timeout'];
        return open.includes(r.port) ? ['open', 'syn-ack'] : ['closed', 'reset'];
      });
      expect(wrong.slice(0, 10), `seed ${seed}: ${wrong.length} misclassified`).toEqual([]);
      expect(summary.open, `seed ${seed}`).toBe(768 * open.length);
      expect(summary.filtered, `seed ${seed}`).toBe(256 * ports.length);
      // Every target is on a local route: each is its own source, as the kernel chooses, and the summary says so.
      expect(summary.selfSourcedProbes, `seed ${seed}`).toBe(1024 * ports.length);
      expect(summary.sourceAddresses, `seed ${seed}`).toEqual([]);
    }
  });

  it('the first SYN-ACK of every open port dropped: the retry (a new 4-tuple) finds it open', async () => {
    // Drops the first SYN-ACK seen from each (address, port); later ones pass.
    table.install(`
      set answered { type ipv4_addr . inet_service; flags dynamic; timeout 5m; }
      chain in {
        type filter hook input priority -10;
        ip saddr 198.18.72.0/26 tcp flags & (syn|ack) == syn|ack ip saddr . tcp sport != @answered add @answered { ip saddr . tcp sport } counter drop
      }`);
    const seed = BigInt(Math.floor(Math.random() * 2 ** 40));
    console.info(`[syn-exactness] first-SYN-ACK-dropped scenario, seed ${seed}`);
    const { results, summary } = await sweep('198.18.72.0/26', [...open, ...closed], seed);
    expect(results.length).toBe(64 * 4);
    const wrong = misclassified(results, (r) => (open.includes(r.port) ? ['open', 'syn-ack'] : ['closed', 'reset']));
    expect(wrong.slice(0, 10), `${wrong.length} misclassified`).toEqual([]);
    for (const r of results.filter((x) => x.state === 'open')) expect(r.tries).toBe(2);
    expect(summary.open).toBe(64 * open.length);
    // Every open port's first SYN-ACK was dropped by the rule.
    expect(table.list()).toMatch(new RegExp(`counter packets ${64 * open.length} `));
  });

  it('a late SYN-ACK to the first try, after the retry went out, still decides open', async () => {
    // 198.18.80.0/26: the first SYN-ACK of every (address, port) is dropped and every
    // second SYN too, so the only answer is the target's own SYN-ACK retransmission
    // (Linux: 1 s later). 198.18.81.0/26 answers at once, which teaches the sweep
    // that round trips here take microseconds.
    table.install(`
      set answered { type ipv4_addr . inet_service; flags dynamic; timeout 5m; }
      set tried { type ipv4_addr . inet_service; flags dynamic; timeout 5m; }
      chain in {
        type filter hook input priority -10;
        ip saddr 198.18.80.0/26 tcp flags & (syn|ack) == syn|ack ip saddr . tcp sport != @answered add @answered { ip saddr . tcp sport } counter drop
        ip daddr 198.18.80.0/26 tcp flags & (syn|ack) == syn ip daddr . tcp dport @tried counter drop
        ip daddr 198.18.80.0/26 tcp flags & (syn|ack) == syn add @tried { ip daddr . tcp dport }
      }`);
    const seed = BigInt(Math.floor(Math.random() * 2 ** 40));
    console.info(`[syn-exactness] late-SYN-ACK scenario, seed ${seed}`);
    const handle = scan({ targets: ['198.18.80.0/26', '198.18.81.0/26'], ports: open, mode: 'syn', seed, retries: 1, timeoutMs: 1500 });
    const results: ScanResult[] = [];
    for await (const result of handle) results.push(result);
    expect(results.length).toBe(128 * open.length);
    const wrong = misclassified(results, () => ['open', 'syn-ack']);
    expect(wrong.slice(0, 10), `${wrong.length} misclassified`).toEqual([]);
    // The silent /26 answered only through the retransmission of the first try's SYN-ACK.
    for (const r of results.filter((x) => x.address.startsWith('198.18.80.'))) expect(r.tries).toBe(1);
    expect((await handle.summary).retried).toBeGreaterThan(0);
  });
});
