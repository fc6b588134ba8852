/**
 * Sweeps against listeners this test opens, on 127.0.0.1 (always) and in the
 * private-namespace lab (test/helpers/lab.ts; skipped visibly outside it).
 * Each scenario runs with the TypeScript engine, and with the native connect
 * and SYN engines when the addon's Sweep exists (SYN only with raw sockets).
 */
import { createServer, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import type { ScanMode } from '../../src/scan/engine-choice.js';
import { readResumeFile, writeResumeFile } from '../../src/scan/resume.js';
import { scan, scanMany } from '../../src/scan/scan.js';
import type { ScanOptions } from '../../src/scan/scan-options.js';
import type { ScanResult } from '../../src/scan/types.js';
import type { DecodedRecord } from '../../src/scan/decode.js';
import { startNativeEngine } from '../../src/scan/native-engine.js';
import { SweepPlan } from '../../src/scan/plan.js';
import { resolveTargets } from '../../src/scan/targets.js';

const nativeSweep = addon !== null && typeof addon.Sweep === 'function';
const rawSockets = nativeSweep && addon?.canUseRawSockets() === true;
const modes: ScanMode[] = ['connect-ts'];
if (nativeSweep) modes.push('connect');
if (rawSockets) modes.push('syn');
if (!nativeSweep) console.warn('[portpick tests] native Sweep not built: native engine sweep scenarios are SKIPPED.');

async function listen(host: string): Promise<Server> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: 0, ipv6Only: host === '::' ? false : undefined }, resolve);
  });
  return server;
}
const portOf = (server: Server): number => (server.address() as { port: number }).port;

/** A port that was free a moment ago (bound, then released): closed unless someone else takes it. */
async function freePort(host: string): Promise<number> {
  const server = await listen(host);
  const port = portOf(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function collect(options: ScanOptions) {
  const handle = scan(options);
  const results: ScanResult[] = [];
  for await (const result of handle) results.push(result);
  return { handle, results, summary: await handle.summary };
}

const key = (r: ScanResult): string => `${r.address}|${r.port}`;

describe.each(modes)('sweep with engine mode %s', (mode) => {
  const servers: Server[] = [];
  let openPorts: number[] = [];
  let closedPort = 0;
  // Generous timeout and retries: these hosts answer, and a loaded 2-core machine can delay an answer a lot.
  const base = { mode, seed: 20_260_101, timeoutMs: 2000, retries: 2 } as const;

  beforeAll(async () => {
    for (let i = 0; i < 4; i += 1) servers.push(await listen(lab.available ? '::' : '127.0.0.1'));
    openPorts = servers.map(portOf);
    closedPort = await freePort('127.0.0.1');
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  });

  it('127.0.0.1: finds every open port and no false open', async () => {
    const { results, summary } = await collect({ ...base, targets: '127.0.0.1', ports: [...openPorts, closedPort] });
    const open = results.filter((r) => r.state === 'open').map((r) => r.port).sort((a, b) => a - b);
    expect(open).toEqual([...openPorts].sort((a, b) => a - b));
    expect(results.find((r) => r.port === closedPort)).toMatchObject({ state: 'closed' });
    expect(results.length).toBe(openPorts.length + 1);
    expect(summary).toMatchObject({ planned: 5, completed: 5, open: 4, closed: 1, interrupted: false, seed: '20260101' });
    expect(summary.engine).toBe(mode === 'connect-ts' ? 'connect-ts' : mode);
    for (const r of results) expect(r.engine).toBe(summary.engine);
  });

  describe.skipIf(!lab.available)('in the lab', () => {
    it('198.18.0.0/24 × 3 ports: open on every host, closed where nothing listens', async () => {
      const ports = [openPorts[0] as number, openPorts[1] as number, closedPort];
      const progress: number[] = [];
      const { results, summary } = await collect({
        ...base,
        targets: '198.18.0.0/24',
        ports,
        onProgress: (p) => progress.push(p.completed),
        progressIntervalMs: 10,
      });
      expect(results.length).toBe(768);
      expect(new Set(results.map(key)).size).toBe(768);
      expect(results.filter((r) => r.state === 'open').length).toBe(512);
      expect(results.filter((r) => r.state === 'closed').every((r) => r.port === closedPort)).toBe(true);
      expect(summary).toMatchObject({ planned: 768, completed: 768, open: 512, closed: 256, hostsUp: 256 });
      expect(progress.at(-1)).toBe(768);
    });

    it('openOnly: yields the open results only, and the summary still counts every probe and host', async () => {
      const ports = [openPorts[0] as number, closedPort];
      const { results, summary } = await collect({ ...base, targets: '198.18.1.0/25', ports, openOnly: true });
      expect(results.length).toBe(128);
      expect(results.every((r) => r.state === 'open' && r.port === ports[0])).toBe(true);
      expect(new Set(results.map(key)).size).toBe(128);
      // A host that answered only with a reset still counts as up.
      expect(summary).toMatchObject({ planned: 256, completed: 256, open: 128, closed: 128, hostsUp: 128 });
      // The same sweep a batch at a time.
      const handle = scan({ ...base, targets: '198.18.1.0/25', ports, openOnly: true });
      const batched: ScanResult[] = [];
      for await (const batch of handle.batches()) batched.push(...batch);
      expect(batched.map(key).sort()).toEqual(results.map(key).sort());
      expect(await handle.summary).toMatchObject({ completed: 256, open: 128, hostsUp: 128 });
      const closedOnly = await collect({ ...base, targets: '198.18.1.0/26', ports: [closedPort], openOnly: true });
      expect(closedOnly.results).toEqual([]);
      expect(closedOnly.summary).toMatchObject({ completed: 64, closed: 64, hostsUp: 64 });
    });

    it.skipIf(!lab.nft)('198.19.0.0/29: filtered (silent) after the retries', async () => {
      const { results, summary } = await collect({ ...base, targets: '198.19.0.0/29', ports: [openPorts[0] as number, closedPort], timeoutMs: 150, retries: 1 });
      expect(results.length).toBe(16);
      expect(results.every((r) => r.state === 'filtered' && r.reason === 'timeout' && r.rttMs === null)).toBe(true);
      expect(summary).toMatchObject({ filtered: 16, silent: 16, retried: 16, sent: 32 });
    });

    it('203.0.113.0/29: unreachable', async () => {
      const { results, summary } = await collect({ ...base, targets: '203.0.113.0/29', ports: [openPorts[0] as number] });
      expect(results.length).toBe(8);
      expect(results.every((r) => r.state === 'unreachable')).toBe(true);
      expect(summary.unreachable).toBe(8);
    });

    it('::1 and 2001:db8::/124 over IPv6', async () => {
      const { results, summary } = await collect({ ...base, targets: ['::1', '2001:db8::/124'], ports: [openPorts[2] as number, closedPort] });
      expect(results.length).toBe(34);
      expect(results.every((r) => r.family === 6)).toBe(true);
      expect(results.filter((r) => r.state === 'open').every((r) => r.port === openPorts[2])).toBe(true);
      expect(summary).toMatchObject({ open: 17, closed: 17 });
      expect(results.some((r) => r.address === '2001:db8::f')).toBe(true);
    });

    it('abort mid-sweep keeps results and resume state; resuming finishes exactly the rest', async () => {
      const options: ScanOptions = { ...base, targets: '198.18.4.0/22', ports: [openPorts[3] as number, closedPort], window: 16, rate: 4000 };
      const full = 2048;
      const controller = new AbortController();
      const first = scan({ ...options, signal: controller.signal });
      const firstResults: ScanResult[] = [];
      for await (const result of first) {
        firstResults.push(result);
        if (firstResults.length === 300) controller.abort();
      }
      const firstSummary = await first.summary;
      expect(firstSummary.interrupted).toBe(true);
      expect(firstSummary.completed).toBe(firstResults.length);
      expect(firstResults.length).toBeGreaterThanOrEqual(300);
      expect(firstResults.length).toBeLessThan(full);
      const path = join(mkdtempSync(join(tmpdir(), 'portpick-resume-')), 'sweep.resume.json');
      await writeResumeFile(path, first.resumeState() as NonNullable<ReturnType<typeof first.resumeState>>);
      const resume = await readResumeFile(path);
      expect(resume.completed).toBe(firstResults.length);

      const { results: rest, summary } = await collect({ ...options, resume });
      expect(summary.planned).toBe(full - firstResults.length);
      expect(summary.interrupted).toBe(false);
      const union = [...firstResults, ...rest].map(key);
      expect(union.length).toBe(full);
      expect(new Set(union).size).toBe(full);
      expect([...firstResults, ...rest].filter((r) => r.state === 'open').length).toBe(1024);
    });

    it('a slow consumer holds the TypeScript engine back; nobody iterating never stalls the sweep', async () => {
      const options: ScanOptions = { ...base, targets: '198.18.12.0/22', ports: [openPorts[0] as number], window: 4, highWaterMark: 20 };
      let completed = 0;
      let consumed = 0;
      let maxAhead = 0;
      const handle = scan({
        ...options,
        onProgress: (p) => {
          completed = p.completed;
          maxAhead = Math.max(maxAhead, completed - consumed);
        },
        progressIntervalMs: 10,
      });
      for await (const result of handle) {
        expect(result.state).toBe('open');
        consumed += 1;
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(consumed).toBe(1024);
      // Buffered (≤ high-water mark + window) plus the batch in the consumer's hands (same bound).
      if (mode === 'connect-ts') expect(maxAhead).toBeLessThanOrEqual(2 * (20 + 4) + 4);
      const unread = await scan(options).summary;
      expect(unread).toMatchObject({ completed: 1024, open: 1024, interrupted: false });
    });

    it('leaving the loop early stops the sweep and says so', async () => {
      const handle = scan({ ...base, targets: '198.18.16.0/22', ports: [openPorts[0] as number], window: 8, rate: 2000 });
      let seen = 0;
      for await (const _ of handle) {
        void _;
        seen += 1;
        if (seen === 10) break;
      }
      const summary = await handle.summary;
      expect(summary.interrupted).toBe(true);
      expect(summary.completed).toBeGreaterThanOrEqual(10);
      expect(summary.completed).toBeLessThan(1024);
    });

    it('shards 1/3, 2/3, 3/3 (masscan style; {index: 0..2} as zmap) together cover the sweep once', async () => {
      const options = { ...base, targets: '198.18.8.0/26', ports: [openPorts[0] as number, closedPort] };
      const handles = scanMany(
        [0, 1, 2].map((index) => ({ ...options, shard: index === 1 ? { index, count: 3 } : `${index + 1}/3` })),
        { concurrency: 2 },
      );
      const all: string[] = [];
      for (const handle of handles) for await (const result of handle) all.push(key(result));
      expect(all.length).toBe(128);
      expect(new Set(all).size).toBe(128);
      for (const handle of handles) expect((await handle.summary).interrupted).toBe(false);
    });
  });
});

describe.skipIf(!lab.available || !nativeSweep)('native engine positions agree with the TypeScript plan', () => {
  it.each(modes.filter((m) => m !== 'connect-ts'))('%s: every record sits at plan.probeAt(position), each position once', async (mode) => {
    const targets = await resolveTargets({ targets: ['198.18.20.0/26', '2001:db8::100/124'] });
    // Ports given out of order on purpose: the plan must order them as the native bitmap does.
    const plan = new SweepPlan(targets, [9, 7], 31n, { index: 1, count: 2 }, { startPosition: 3, skipPositions: [5, 8] });
    const records: DecodedRecord[] = [];
    await new Promise<void>((resolve, reject) => {
      startNativeEngine(addon!, mode as 'connect' | 'syn', plan, { rate: 0, timeoutMs: 2000, retries: 2, window: 0, highWaterMark: 0 }, {
        batch: (batch) => {
          for (let index = 0; index < batch.length; index += 1) {
            const record = { position: batch.position(index), result: batch.result(index) };
            // The lazy accessors agree with the whole result.
            expect([batch.state(index), batch.address(index)]).toEqual([record.result.state, record.result.address]);
            records.push(record);
          }
        },
        ready: () => null,
        done: (error) => (error ? reject(error) : resolve()),
      });
    });
    expect(records.length).toBe(plan.planned);
    expect(new Set(records.map((r) => r.position)).size).toBe(plan.planned);
    for (const { position, result } of records) {
      expect(position >= 3 && position !== 5 && position !== 8).toBe(true);
      expect(plan.probeAt(position)).toEqual({ address: result.address, family: result.family, port: result.port });
    }
  });
});
