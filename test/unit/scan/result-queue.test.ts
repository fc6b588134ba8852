import { describe, expect, it } from 'vitest';
import { ReportedBatch } from '../../../src/scan/reported-batch.js';
import { ResultQueue } from '../../../src/scan/result-queue.js';
import type { ScanResult } from '../../../src/scan/types.js';

const result = (port: number): ScanResult => ({
  address: '198.18.0.1', family: 4, port, protocol: 'tcp', state: 'open', reason: 'connected', rttMs: 0.1, tries: 1, engine: 'connect-ts',
});

describe('ResultQueue', () => {
  it('applies no backpressure while nobody iterates, and drops nothing', async () => {
    const queue = new ResultQueue(2);
    for (let port = 1; port <= 10; port += 1) {
      queue.push(ReportedBatch.ofResults([result(port)]));
      expect(queue.ready()).toBeNull();
    }
    queue.end();
    const ports: number[] = [];
    for await (const r of queue.drain()) ports.push(r.port);
    expect(ports).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
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
