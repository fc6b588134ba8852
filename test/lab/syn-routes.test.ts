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
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { required } from '../helpers/required.js';
import { parseIPv4 } from '../../src/scan/addresses.js';
import { scan } from '../../src/scan/scan.js';
import type { ScanResult } from '../../src/scan/types.js';

const raw = addon?.canUseRawSockets() ?? false;
const runnable =
  addon !== null && lab.available && required(raw, 'CAP_NET_RAW in the lab namespace', 'run npm test as root or where `unshare -rn` works');

const ROUTES: string[][] = [
  ['route', 'add', 'local', '203.0.113.64/26', 'dev', 'lo'],
  ['route', 'add', 'unreachable', '198.18.96.8/30'],
  ['-6', 'route', 'add', 'unreachable', '2001:db8:0:5::/64'],
  ['-6', 'route', 'add', 'local', '2001:db8:0:5::40/122', 'dev', 'lo'],
];

function ip(args: string[]): void {
  const run = spawnSync('ip', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`ip ${args.join(' ')} failed: ${run.stderr}`);
}

async function sweep(targets: string, port: number, seed: bigint): Promise<ScanResult[]> {
  const handle = scan({ targets, ports: [port], mode: 'syn', seed, retries: 1, timeoutMs: 1000 });
  const results: ScanResult[] = [];
  for await (const result of handle) results.push(result);
  await handle.summary;
  return results;
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
});
