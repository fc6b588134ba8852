/**
 * The buffer between an engine and the consumer of scan()'s async iterator.
 *
 * Memory stays bounded whatever the consumer does:
 * - While a consumer iterates, results are never dropped. Each batch's
 *   `release` runs when the consumer takes the batch: until then the batch
 *   counts towards the native engine's high-water mark, which holds new probes
 *   back (native engines), and while more than `highWaterMark` results wait,
 *   ready() hands the TypeScript engine a promise to await. A consumer that
 *   waits for its output to drain before taking the next batch therefore holds
 *   the sweep to its own pace.
 * - While nobody iterates (a caller that only awaits the summary), there is no
 *   backpressure, so the sweep never stalls; the newest batches, up to
 *   `highWaterMark` results (at least the newest batch), are kept for an
 *   iterator that starts later, and older ones are dropped and counted (`discarded`).
 */
import type { ReportedBatch } from './reported-batch.js';
import type { ScanResult } from './types.js';

interface QueuedBatch {
  batch: ReportedBatch;
  release: (() => void) | undefined;
}

export class ResultQueue {
  private readonly batches: QueuedBatch[] = [];
  private buffered = 0;
  private dropped = 0;
  private ended = false;
  private failure: Error | null = null;
  private consumerWaiting: (() => void) | null = null;
  private spaceWaiters: Array<() => void> = [];
  private iterating = 0;

  constructor(private readonly highWaterMark: number) {}

  get size(): number {
    return this.buffered;
  }

  /** Results dropped because nobody iterated while more than highWaterMark waited. */
  get discarded(): number {
    return this.dropped;
  }

  /** Queues `batch`; `release` runs once it is taken by a consumer or dropped. */
  push(batch: ReportedBatch, release?: () => void): void {
    if (batch.length === 0 || this.ended) {
      release?.();
      return;
    }
    this.batches.push({ batch, release });
    this.buffered += batch.length;
    if (this.iterating === 0) this.dropUnread();
    this.wakeConsumer();
  }

  /** Takes the oldest batch (and releases it), or null. */
  private take(): ReportedBatch | null {
    const next = this.batches.shift();
    if (!next) return null;
    this.buffered -= next.batch.length;
    next.release?.();
    if (this.buffered < this.highWaterMark) this.releaseSpace();
    return next.batch;
  }

  /** Nobody iterates: keep the newest highWaterMark results (at least the newest batch), drop older ones. */
  private dropUnread(): void {
    while (this.batches.length > 1 && this.buffered > this.highWaterMark) {
      const oldest = this.batches[0] as QueuedBatch;
      this.take();
      this.dropped += oldest.batch.length;
    }
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
        const next = this.take();
        if (next) {
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
        const next = this.take();
        if (next) {
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
