/**
 * The small interface every engine adapter (native SYN, native connect,
 * TypeScript connect) presents to scan(): it is started on a plan, hands back
 * batches of decoded results with its counters, and ends exactly once.
 */
import type { RecordBatch } from './decode.js';

/** Counters an engine keeps while it runs (the native engines deliver them as the STATS vector). */
export interface EngineCounters {
  sent: number;
  answered: number;
  retried: number;
  silent: number;
  sendErrors: number;
  receiveDrops: number;
  invalidReplies: number;
  localDeferrals: number;
  /** Shard-local positions below this are all finished. */
  watermark: number;
  /** Current sending rate, probes/s (0 when unknown). */
  currentRate: number;
}

export function zeroCounters(watermark = 0): EngineCounters {
  return {
    sent: 0,
    answered: 0,
    retried: 0,
    silent: 0,
    sendErrors: 0,
    receiveDrops: 0,
    invalidReplies: 0,
    localDeferrals: 0,
    watermark,
    currentRate: 0,
  };
}

export interface EngineTuning {
  /** Probes per second ceiling; 0 = none. */
  rate: number;
  timeoutMs: number;
  retries: number;
  /** Probes in flight at most; 0 = engine default. */
  window: number;
  /** Results delivered and not yet taken by the consumer at most before a native engine holds new probes back; 0 = no mark. */
  highWaterMark: number;
}

export interface EngineSink {
  /**
   * Results decided since the last batch, with counters as of now. `release`
   * (native engines): call it once the batch's consumer has taken or dropped it;
   * until then its records count towards the engine's high-water mark, which
   * holds new probes back.
   */
  batch(records: RecordBatch, counters: EngineCounters, release?: () => void): void;
  /**
   * Backpressure for engines that can pause (TypeScript): a promise to await
   * before issuing more probes while the consumer is behind, else null.
   * `unflushed` = results the engine holds that batch() has not delivered yet.
   */
  ready(unflushed: number): Promise<void> | null;
  /** Called once, last: the engine finished or was stopped (error = why it failed). */
  done(error: Error | null, counters: EngineCounters, sources?: EngineSources): void;
}

/** The source addresses an engine chose itself (the SYN engine; connect engines leave it to the kernel). */
export interface EngineSources {
  /** Distinct sources other than the targets themselves, canonical text. */
  addresses: string[];
  /** Probes that left from their target's own address (a target on a local route). */
  selfSourced: number;
}

export interface RunningEngine {
  /** Stops issuing probes; in-flight probes are abandoned (not reported); done() follows. */
  stop(): void;
}
