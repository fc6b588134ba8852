/**
 * Adapter from the native addon's Sweep (src/native.ts contract) to the engine
 * interface scan() consumes: typed arrays in, decoded batches and counters out.
 */
import { SWEEP_FAILURE_HINTS, SweepError, type SweepFailureHint } from '../errors/sweep-error.js';
import {
  RESULT_RECORD_BYTES,
  SOURCE_ADDRESS_BYTES,
  STATS,
  type NativeAddon,
  type NativeBatchCallback,
  type NativeEngineKind,
  type NativeSweepError,
  type NativeSweepReport,
} from '../native.js';
import { formatIPv4, formatIPv6, readIPv6Bytes } from './addresses.js';
import { nativeConnectOutcomes } from './connect-outcomes.js';
import { NativeRecordBatch } from './decode.js';
import type { EngineCounters, EngineSink, EngineSources, EngineTuning, RunningEngine } from './engine.js';
import type { SweepPlan } from './plan.js';

export function countersFromStats(stats: Float64Array): EngineCounters {
  const at = (i: number): number => stats[i] ?? 0;
  return {
    sent: at(STATS.sent),
    answered: at(STATS.answered),
    retried: at(STATS.retried),
    silent: at(STATS.silent),
    sendErrors: at(STATS.sendErrors),
    receiveDrops: at(STATS.receiveDrops),
    invalidReplies: at(STATS.invalidReplies),
    localDeferrals: at(STATS.localDeferrals),
    watermark: at(STATS.watermark),
    currentRate: at(STATS.currentRate),
  };
}

/** The report's source addresses as text (SOURCE_ADDRESS_BYTES each: family, 16 address bytes). */
export function sourcesFromReport(report: NativeSweepReport): EngineSources {
  const bytes = report.sourceAddresses;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const addresses: string[] = [];
  for (let offset = 0; offset + SOURCE_ADDRESS_BYTES <= bytes.byteLength; offset += SOURCE_ADDRESS_BYTES) {
    addresses.push(bytes[offset] === 4 ? formatIPv4(view.getUint32(offset + 1, false)) : formatIPv6(readIPv6Bytes(bytes, offset + 1)));
  }
  return { addresses, selfSourced: report.selfSourced };
}

/** A hint the native side sent, or `engine-failure` when it is none the library knows. */
function knownHint(hint: string | undefined): SweepFailureHint {
  return SWEEP_FAILURE_HINTS.includes(hint as SweepFailureHint) ? (hint as SweepFailureHint) : 'engine-failure';
}

/** Turns a native failure into a SweepError carrying its errno, the failed call and a hint. */
export function nativeSweepError(error: NativeSweepError, kind: NativeEngineKind): SweepError {
  return new SweepError(`The native ${kind} engine failed (${error.code}): ${error.message}${error.syscall ? ` (in ${error.syscall})` : ''}`, {
    errno: error.code,
    syscall: error.syscall || 'unknown',
    hint: knownHint(error.hint),
    engine: kind,
  });
}

export function startNativeEngine(
  addon: NativeAddon,
  kind: NativeEngineKind,
  plan: SweepPlan,
  tuning: EngineTuning,
  sink: EngineSink,
): RunningEngine {
  const sweep = new addon.Sweep({
    engine: kind,
    ipv4Ranges: plan.ipv4Ranges,
    ipv6Ranges: plan.ipv6Ranges,
    portSet: plan.portSet,
    seed: plan.seed,
    shardIndex: plan.shard.index,
    shardCount: plan.shard.count,
    startPosition: plan.startPosition,
    skipPositions: plan.skipPositions,
    rate: tuning.rate,
    timeoutMs: tuning.timeoutMs,
    retries: tuning.retries,
    window: tuning.window,
    connectOutcomes: nativeConnectOutcomes(),
    highWaterMark: tuning.highWaterMark,
  });
  let finished = false;
  const onBatch: NativeBatchCallback = (records, stats, done, error, report) => {
    if (finished) return;
    const counters = countersFromStats(stats);
    let decodeError: Error | null = null;
    const count = records.byteLength / RESULT_RECORD_BYTES;
    let released = false;
    // The consumer took (or dropped) the batch: its records no longer hold the engine back.
    const release = (): void => {
      if (released || finished) return;
      released = true;
      sweep.release(count);
    };
    try {
      sink.batch(new NativeRecordBatch(records, kind), counters, release);
    } catch (cause) {
      decodeError = cause instanceof Error ? cause : new Error(String(cause));
    }
    if (done || decodeError) {
      finished = true;
      if (decodeError && !done) sweep.stop();
      sink.done(error ? nativeSweepError(error, kind) : decodeError, counters, kind === 'syn' && report ? sourcesFromReport(report) : undefined);
    }
  };
  try {
    sweep.start(onBatch);
  } catch (cause) {
    const e = cause as Partial<NativeSweepError>;
    throw new SweepError(`The native ${kind} engine could not start: ${e.message ?? String(cause)}`, {
      errno: e.code ?? 'EAGAIN',
      syscall: e.syscall ?? 'pthread_create',
      hint: knownHint(e.hint),
      engine: kind,
    }, { cause });
  }
  return { stop: () => sweep.stop() };
}
