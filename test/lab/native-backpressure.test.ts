/**
 * A slow consumer holds the native engines back (issue: memory unbounded when
 * results are many and the consumer slow). The engines start no new probe while
 * NATIVE_MIN_HIGH_WATER_MARK records are delivered and not yet taken, so the
 * results found but not yet consumed stay bounded, however slow the consumer:
 * here 127.0.0.1-127.0.0.4 × every port (262,140 results, nearly all closed:
 * both engines answer them fast), read a batch every 100 ms (either engine
 * alone would finish in a few seconds).
 */
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { NATIVE_MIN_HIGH_WATER_MARK, scan, startSweep } from '../../src/scan/scan.js';
import type { ScanMode } from '../../src/scan/engine-choice.js';

const modes: ScanMode[] = [];
if (addon) modes.push('connect');
if (addon?.canUseRawSockets()) modes.push('syn');

describe.skipIf(!lab.available || modes.length === 0)('native engines wait for a slow consumer', () => {
  const servers: Server[] = [];
  let ports: number[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 8; i += 1) {
      const server = createServer((socket) => socket.on('error', () => {}).destroy());
      await new Promise<void>((resolve) => server.listen({ host: '0.0.0.0', port: 0, backlog: 4096 }, resolve));
      servers.push(server);
    }
    ports = servers.map((s) => (s.address() as { port: number }).port);
    console.info(`[native-backpressure] listeners on ${ports.join(', ')}`);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  });

  it.each(modes)('%s: results found but not consumed stay under the high-water mark plus a few batches', async (mode) => {
    let completed = 0;
    let consumed = 0;
    let maxAhead = 0;
    const handle = startSweep({
      targets: '127.0.0.1-127.0.0.4',
      ports: '1-65535',
      mode,
      seed: 11,
      retries: 2,
      timeoutMs: 2000,
      onProgress: (p) => {
        completed = p.completed;
        maxAhead = Math.max(maxAhead, completed - consumed);
      },
      progressIntervalMs: 10,
    });
    for await (const batch of handle.recordBatches()) {
      consumed += batch.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const summary = await handle.summary;
    expect(summary).toMatchObject({ completed: 4 * 65535, interrupted: false });
    expect(summary.open).toBeGreaterThanOrEqual(4 * ports.length);
    expect(summary.discarded).toBeUndefined();
    console.info(`[native-backpressure] ${mode}: at most ${maxAhead} results ahead of the consumer`);
    // The mark, the batches on their way to JavaScript, the probes in flight when the engine paused.
    expect(maxAhead).toBeLessThan(NATIVE_MIN_HIGH_WATER_MARK + 8 * 4096 + 4096);
  });

  it.each(modes)('%s: nobody iterating never stalls the sweep (results beyond the mark are dropped, counted)', async (mode) => {
    const summary = await scan({ targets: '198.18.128.0/20', ports, mode, seed: 12, retries: 2, timeoutMs: 2000, highWaterMark: 1000 }).summary;
    expect(summary).toMatchObject({ completed: 4096 * 8, open: 4096 * 8, interrupted: false });
    // Whole batches are dropped, the newest kept: some dropped, never all.
    expect(summary.discarded).toBeGreaterThan(0);
    expect(summary.discarded).toBeLessThan(4096 * 8);
  });
});
