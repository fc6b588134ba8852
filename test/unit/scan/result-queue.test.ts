import { describe, expect, it } from 'vitest';
import { ReportedBatch } from '../../../src/scan/reported-batch.js';
import { ResultQueue } from '../../../src/scan/result-queue.js';
import type { ScanResult } from '../../../src/scan/types.js';

const result = (port: number): ScanResult => ({
  address: '198.18.0.1', family: 4, port, protocol: 'tcp', state: 'open', reason: 'connected', rttMs: 0.1, tries: 1, engine: 'connect-ts',
});

describe('ResultQueue', () => {
  it('while nobody iterates: no backpressure, the newest highWaterMark results kept, older ones dropped, counted and released', async () => {
    const queue = new ResultQueue(2);
    const released: number[] = [];
    for (let port = 1; port <= 10; port += 1) {
      queue.push(ReportedBatch.ofResults([result(port)]), () => released.push(port));
      expect(queue.ready()).toBeNull();
    }
    expect(queue.size).toBe(2);
    expect(queue.discarded).toBe(8);
    expect(released).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    queue.end();
    const ports: number[] = [];
    for await (const r of queue.drain()) ports.push(r.port);
    expect(ports).toEqual([9, 10]);
    expect(released).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('keeps a batch larger than highWaterMark whole (the newest one), and an empty batch is released at once', () => {
    const queue = new ResultQueue(2);
    let releases = 0;
    queue.push(ReportedBatch.ofResults([result(1), result(2), result(3)]), () => (releases += 1));
    expect([queue.size, queue.discarded, releases]).toEqual([3, 0, 0]);
    queue.push(ReportedBatch.ofResults([]), () => (releases += 1));
    expect([queue.size, queue.discarded, releases]).toEqual([3, 0, 1]);
  });

  it('while a consumer iterates nothing is dropped; each batch is released when the consumer takes it', async () => {
    const queue = new ResultQueue(1);
    const released: number[] = [];
    const batches = queue.drainBatches();
    const first = batches.next();
    for (let port = 1; port <= 5; port += 1) queue.push(ReportedBatch.ofResults([result(port)]), () => released.push(port));
    expect(((await first).value as ReportedBatch).result(0).port).toBe(1);
    expect(released).toEqual([1]);
    expect(queue.discarded).toBe(0);
    expect(queue.size).toBe(4);
    expect(((await batches.next()).value as ReportedBatch).result(0).port).toBe(2);
    expect(released).toEqual([1, 2]);
    queue.end();
    const rest: number[] = [];
    for await (const batch of { [Symbol.asyncIterator]: () => batches }) rest.push(batch.result(0).port);
    expect(rest).toEqual([3, 4, 5]);
    expect(released).toEqual([1, 2, 3, 4, 5]);
  });

  it('holds the producer back while an iterating consumer is behind, releases it as it catches up', async () => {
    const queue = new ResultQueue(3);
    const iterator = queue.drain();
    const first = iterator.next(); // the consumer is now waiting
    queue.push(ReportedBatch.ofResults([result(1)]));
    expect(((await first).value as ScanResult).port).toBe(1);
    queue.push(ReportedBatch.ofResults([result(2), result(3), result(4)]));
    const gate = queue.ready();
    expect(gate).not.toBeNull();
    let released = false;
    void gate?.then(() => (released = true));
    await Promise.resolve();
    expect(released).toBe(false);
    expect(((await iterator.next()).value as ScanResult).port).toBe(2);
    await Promise.resolve();
    expect(released).toBe(true);
    queue.end(new Error('engine failed'));
    expect(((await iterator.next()).value as ScanResult).port).toBe(3);
    expect(((await iterator.next()).value as ScanResult).port).toBe(4);
    await expect(iterator.next()).rejects.toThrow('engine failed');
  });
});
