/**
 * Adapter from the native addon's Sweep (src/native.ts contract) to the engine
 * interface scan() consumes: typed arrays in, decoded batches and counters out.
 */
import { PermissionError } from '../errors/permission-error.js';
import { PortpickError } from '../errors/portpick-error.js';
import { STATS, type NativeAddon, type NativeEngineKind, type NativeSweepError, type NativeSweepReport } from '../native.js';
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

/** The report's source addresses as text (17 bytes each: family, 16 address bytes). */
export function sourcesFromReport(report: NativeSweepReport): EngineSources {
  const bytes = report.sourceAddresses;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const addresses: string[] = [];
  for (let offset = 0; offset + 17 <= bytes.byteLength; offset += 17) {
    addresses.push(bytes[offset] === 4 ? formatIPv4(view.getUint32(offset + 1, false)) : formatIPv6(readIPv6Bytes(bytes, offset + 1)));
  }
  return { addresses, selfSourced: report.selfSourced };
}

/** Turns a native failure into a typed error; EPERM/EACCES name the fixes. */
export function nativeSweepError(error: NativeSweepError, kind: NativeEngineKind): Error {
  if (kind === 'syn' && (error.code === 'EPERM' || error.code === 'EACCES')) {
    return new PermissionError(
      `The SYN engine could not open a raw socket (${error.code}: ${error.message}). Run with sudo, grant the capability with \`sudo setcap cap_net_raw+ep "$(command -v node)"\`, or use --mode connect.`,
      error.code,
    );
  }
  return new PortpickError('ERR_SWEEP_FAILED', `The native ${kind} engine failed (${error.code}): ${error.message}`);
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
  });
  let finished = false;
  sweep.start((records, stats, done, error, report) => {
    if (finished) return;
    const counters = countersFromStats(stats);
    let decodeError: Error | null = null;
    try {
      sink.batch(new NativeRecordBatch(records, kind), counters);
    } catch (cause) {
      decodeError = cause instanceof Error ? cause : new Error(String(cause));
    }
    if (done || decodeError) {
      finished = true;
      if (decodeError && !done) sweep.stop();
      sink.done(error ? nativeSweepError(error, kind) : decodeError, counters, kind === 'syn' && report ? sourcesFromReport(report) : undefined);
    }
  });
  return { stop: () => sweep.stop() };
}
