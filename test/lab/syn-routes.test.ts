/**
 * The SYN engine looks up each destination's route as the kernel would, and a
 * route lookup's answer is never stretched beyond the addresses that share the
 * route: a more specific route inside a /24 (/64), or an error for one address,
 * must not decide its neighbours. Routes are added inside the private namespace
 * for this file and removed after it.
 *
 *   203.0.113.0/24      unreachable (the lab), with 203.0.113.64/26 local (AnyIP) inside it
 *   198.18.96.8/30      unreachable, inside the local 198.18.0.0/16
 *   2001:db8:0:5::/64   unreachable, with 2001:db8:0:5::40/122 local inside it
 *   198.19.128.0/24     local with a source of its own (`src 198.19.128.9`), inside the local 198.19.0.0/16
 *
 * Sources: a local route gives each destination itself as source, unless the
 * route names one; the engine answers a whole /24 (/64) as self-sourced only
 * once two of its addresses were, so a named source is never lost.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { required } from '../helpers/required.js';
import { parseIPv4 } from '../../src/scan/addresses.js';
import { scan } from '../../src/scan/scan.js';
import type { ScanResult, ScanSummary } from '../../src/scan/types.js';

const raw = addon?.canUseRawSockets() ?? false;
const runnable =
  addon !== null && lab.available && required(raw, 'CAP_NET_RAW in the lab namespace', 'run npm test as root or where `unshare -rn` works');

const ROUTES: string[][] = [
  ['route', 'add', 'local', '203.0.113.64/26', 'dev', 'lo'],
  ['route', 'add', 'unreachable', '198.18.96.8/30'],
  ['-6', 'route', 'add', 'unreachable', '2001:db8:0:5::/64'],
  ['-6', 'route', 'add', 'local', '2001:db8:0:5::40/122', 'dev', 'lo'],
  ['route', 'add', 'local', '198.19.128.0/24', 'dev', 'lo', 'src', '198.19.128.9'],
];

function ip(args: string[]): void {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${run.stderr}`);
}

async function sweepWithSummary(targets: string, port: number, seed: bigint): Promise<{ results: ScanResult[]; summary: ScanSummary }> {
  const handle = scan({ targets, ports: [port], mode: 'syn', seed, retries: 1, timeoutMs: 1000 });
  const results: ScanResult[] = [];
  for await (const result of handle) results.push(result);
  return { results, summary: await handle.summary };
}

async function sweep(targets: string, port: number, seed: bigint): Promise<ScanResult[]> {
  return (await sweepWithSummary(targets, port, seed)).results;
}

describe.skipIf(!runnable)('SYN route lookups stay with the addresses they answer for', () => {
  let server: Server;
  let port = 0;

  beforeAll(async () => {
    for (const route of ROUTES) ip(route);
    server = createServer((socket) => socket.on('error', () => {}).destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: '::', port: 0, backlog: 1024 }, resolve);
    });
    port = (server.address() as { port: number }).port;
    console.info(`[syn-routes] listener on port ${port}`);
  });
  afterAll(async () => {
    for (const route of ROUTES) spawnSync('ip', route.map((word) => (word === 'add' ? 'del' : word)), { stdio: 'ignore' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const seeds = (): bigint[] => Array.from({ length: 3 }, () => BigInt(Math.floor(Math.random() * 2 ** 40)));

  it('a local /26 inside an unreachable /24: open there, unreachable elsewhere, in any order', async () => {
    for (const seed of seeds()) {
      const results = await sweep('203.0.113.0/24', port, seed);
      expect(results.length).toBe(256);
      const wrong = results.filter((r) => {
        const last = (parseIPv4(r.address) as number) & 0xff;
        return last >= 64 && last < 128 ? r.state !== 'open' : r.state !== 'unreachable';
      });
      expect(wrong.slice(0, 5).map((r) => `${r.address} ${r.state}`), `seed ${seed}: ${wrong.length} wrong`).toEqual([]);
    }
  });

  it('an unreachable /30 inside a local /24: unreachable there only', async () => {
    for (const seed of seeds()) {
      const results = await sweep('198.18.96.0/24', port, seed);
      const wrong = results.filter((r) => {
        const last = (parseIPv4(r.address) as number) & 0xff;
        return last >= 8 && last < 12 ? r.state !== 'unreachable' : r.state !== 'open';
      });
      expect(wrong.slice(0, 5).map((r) => `${r.address} ${r.state}`), `seed ${seed}: ${wrong.length} wrong`).toEqual([]);
    }
  });

  it('IPv6: a local /122 inside an unreachable /64', async () => {
    for (const seed of seeds()) {
      const results = await sweep('2001:db8:0:5::/120', port, seed);
      expect(results.length).toBe(256);
      const wrong = results.filter((r) => {
        const last = parseInt(r.address.split(':').pop() as string, 16);
        return last >= 0x40 && last < 0x80 ? r.state !== 'open' : r.state !== 'unreachable';
      });
      expect(wrong.slice(0, 5).map((r) => `${r.address} ${r.state}`), `seed ${seed}: ${wrong.length} wrong`).toEqual([]);
    }
  });

  it('a local route that names its source: every probe leaves from it; AnyIP beside it: each address its own source', async () => {
    for (const seed of seeds()) {
      const named = await sweepWithSummary('198.19.128.0/24', port, seed);
      expect(named.results.filter((r) => r.state !== 'open').length, `seed ${seed}`).toBe(0);
      expect(named.summary.sourceAddresses, `seed ${seed}`).toEqual(['198.19.128.9']);
      expect(named.summary.selfSourcedProbes, `seed ${seed}`).toBe(1); // 198.19.128.9 itself
      const anyIp = await sweepWithSummary('198.19.129.0/24', port, seed);
      expect(anyIp.results.filter((r) => r.state !== 'open').length, `seed ${seed}`).toBe(0);
      expect(anyIp.summary.sourceAddresses, `seed ${seed}`).toEqual([]);
      expect(anyIp.summary.selfSourcedProbes, `seed ${seed}`).toBe(256);
    }
  });
});
