/**
 * The buffer between an engine and the consumer of scan()'s async iterator.
 *
 * Results are never dropped. While a consumer is iterating and more than
 * `highWaterMark` results wait, ready() hands the engine a promise to await
 * (the TypeScript engine pauses; the native engines cannot and keep filling
 * the buffer). While nobody iterates there is no backpressure, so a caller
 * that only awaits the summary never stalls the sweep.
 */
import type { ScanResult } from './types.js';

export class ResultQueue {
  private readonly batches: ScanResult[][] = [];
  private buffered = 0;
  private ended = false;
  private failure: Error | null = null;
  private consumerWaiting: (() => void) | null = null;
  private spaceWaiters: Array<() => void> = [];
  private iterating = 0;

  constructor(private readonly highWaterMark: number) {}

  get size(): number {
    return this.buffered;
  }

  push(results: ScanResult[]): void {
    if (results.length === 0 || this.ended) return;
    this.batches.push(results);
    this.buffered += results.length;
    this.wakeConsumer();
  }

  end(error: Error | null = null): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.wakeConsumer();
    this.releaseSpace();
  }

  /**
   * Null when the engine may go on; else a promise that resolves once the consumer has caught up.
   * `unflushed` counts results the engine holds but has not pushed yet.
   */
  ready(unflushed = 0): Promise<void> | null {
    if (this.iterating === 0 || this.ended || this.buffered + unflushed < this.highWaterMark) return null;
    return new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
  }

  /** Yields buffered and future results until end(); rethrows end()'s error after the last result. */
  async *drain(): AsyncGenerator<ScanResult, void, undefined> {
    this.iterating += 1;
    try {
      for (;;) {
        const batch = this.batches.shift();
        if (batch) {
          this.buffered -= batch.length;
          if (this.buffered < this.highWaterMark) this.releaseSpace();
          yield* batch;
          continue;
        }
        if (this.ended) {
          if (this.failure) throw this.failure;
          return;
        }
        await new Promise<void>((resolve) => (this.consumerWaiting = resolve));
      }
    } finally {
      this.iterating -= 1;
      if (this.iterating === 0) this.releaseSpace();
    }
  }

  private wakeConsumer(): void {
    const wake = this.consumerWaiting;
    this.consumerWaiting = null;
    wake?.();
  }

  private releaseSpace(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
