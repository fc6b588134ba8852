/**
 * The buffer between an engine and the consumer of scan()'s async iterator.
 *
 * Results are never dropped. While a consumer is iterating and more than
 * `highWaterMark` results wait, ready() hands the engine a promise to await
 * (the TypeScript engine pauses; the native engines cannot and keep filling
 * the buffer). While nobody iterates there is no backpressure, so a caller
 * that only awaits the summary never stalls the sweep.
 */
import type { ReportedBatch } from './reported-batch.js';
import type { ScanResult } from './types.js';

export class ResultQueue {
  private readonly batches: ReportedBatch[] = [];
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

  push(batch: ReportedBatch): void {
    if (batch.length === 0 || this.ended) return;
    this.batches.push(batch);
    this.buffered += batch.length;
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

  /**
   * Yields buffered and future results until end(); rethrows end()'s error after the last result.
   * A hand-written iterator rather than an async generator: a generator's `yield*`
   * costs several promise turns per result, which at 10⁵–10⁶ results/s is most of
   * the consumer's time. Calls to next() are served in order, one at a time.
   */
  drain(): AsyncGenerator<ScanResult, void, undefined> {
    let batch: ReportedBatch | null = null;
    let index = 0;
    let started = false;
    let closed = false;
    let queueTail: Promise<unknown> = Promise.resolve();
    let waiting = 0; // next() calls not yet answered
    const finish = (): void => {
      if (closed) return;
      closed = true;
      batch = null;
      if (started) {
        this.iterating -= 1;
        if (this.iterating === 0) this.releaseSpace();
      }
    };
    // Answers one next() at once when a result is at hand; null when it must wait.
    const step = (): IteratorResult<ScanResult, void> | Error | null => {
      if (closed) return { value: undefined, done: true };
      if (!started) {
        started = true;
        this.iterating += 1;
      }
      for (;;) {
        if (batch !== null && index < batch.length) {
          const value = batch.result(index);
          index += 1;
          return { value, done: false };
        }
        const next = this.batches.shift();
        if (next) {
          this.buffered -= next.length;
          if (this.buffered < this.highWaterMark) this.releaseSpace();
          batch = next;
          index = 0;
          continue;
        }
        if (this.ended) {
          const failure = this.failure;
          finish();
          return failure ?? { value: undefined, done: true };
        }
        return null;
      }
    };
    const slowNext = async (): Promise<IteratorResult<ScanResult, void>> => {
      for (;;) {
        const answer = step();
        if (answer instanceof Error) throw answer;
        if (answer) return answer;
        await new Promise<void>((resolve) => (this.consumerWaiting = resolve));
      }
    };
    const iterator: AsyncGenerator<ScanResult, void, undefined> = {
      next: (): Promise<IteratorResult<ScanResult, void>> => {
        if (waiting === 0) {
          const answer = step();
          if (answer instanceof Error) return Promise.reject(answer);
          if (answer) return Promise.resolve(answer);
        }
        // Wait for results, behind any earlier next() still waiting.
        waiting += 1;
        const result = queueTail.then(slowNext).finally(() => (waiting -= 1));
        queueTail = result.catch(() => undefined);
        return result;
      },
      return: (value?: void | PromiseLike<void>): Promise<IteratorResult<ScanResult, void>> => {
        finish();
        return Promise.resolve(value).then((v) => ({ value: v, done: true }));
      },
      throw: (error?: unknown): Promise<IteratorResult<ScanResult, void>> => {
        finish();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    } as AsyncGenerator<ScanResult, void, undefined>;
    return iterator;
  }

  /**
   * Like drain(), a batch at a time, as the engine delivered them: for
   * consumers that format and write many results at once (one write per batch
   * instead of one per result). The batches are records; ReportedBatch.results()
   * makes objects of them.
   */
  async *drainBatches(): AsyncGenerator<ReportedBatch, void, undefined> {
    this.iterating += 1;
    try {
      for (;;) {
        const next = this.batches.shift();
        if (next) {
          this.buffered -= next.length;
          if (this.buffered < this.highWaterMark) this.releaseSpace();
          yield next;
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
