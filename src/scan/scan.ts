/**
 * The library's scan(): options → plan → engine → a stream of results and a summary.
 *
 * - scan() validates option shapes and port specs synchronously (typed errors
 *   are thrown at once); target files, exclusions and DNS are read before any
 *   probe leaves, and their errors reject `plan` and `summary` and end the iterator.
 * - The handle is an AsyncIterable<ScanResult>: results stream while the sweep
 *   runs. Leaving the loop early (break) stops the sweep (summary.interrupted).
 * - Every probe is accounted for in the summary; resumeState() at any time
 *   gives what a later run needs to finish exactly the rest.
 */
import pLimit from 'p-limit';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { chooseEngine, type EngineChoice, type EngineProbe } from './engine-choice.js';
import { zeroCounters, type EngineCounters, type EngineSink, type EngineSources, type RunningEngine } from './engine.js';
import type { NativeAddon } from '../native.js';
import { startNativeEngine } from './native-engine.js';
import { DonePositions } from './done-positions.js';
import { HostTally } from './host-tally.js';
import { SweepPlan, type Shard } from './plan.js';
import { PortSet, topPortsFromNmap } from './ports.js';
import { RESUME_FORMAT, RESUME_VERSION, type ResumeState } from './resume.js';
import { ReportedBatch } from './reported-batch.js';
import { ResultQueue } from './result-queue.js';
import { validateScanOptions, type ScanOptions, type ValidatedScanOptions } from './scan-options.js';
import { resolveTargets } from './targets.js';
import { SweepRefusedError } from '../errors/sweep-refused-error.js';
import { assessSweep, type SweepSafety } from './sweep-safety.js';
import type { ScanEngineName, ScanProgress, ScanResult, ScanSummary } from './types.js';

/**
 * The native engines' high-water mark, in records: at least NATIVE_MIN_HIGH_WATER_MARK
 * (a few engine batches), so that a consumer keeping up never makes a fast sweep
 * wait on each batch; closed and filtered records count too (an open-only sweep
 * hands them over with the open ones).
 */
export const NATIVE_MIN_HIGH_WATER_MARK = 65_536;
export function nativeHighWaterMark(highWaterMark: number): number {
  return Math.max(highWaterMark, NATIVE_MIN_HIGH_WATER_MARK);
}

/** Rough probes/s per engine for dry-run estimates when no rate is given. */
export const ESTIMATE_RATE: Record<ScanEngineName, number> = { syn: 100_000, connect: 20_000, 'connect-ts': 5_000 };

/** The sweep as planned, before any probe leaves. */
export interface ScanPlanInfo {
  /** Probes this run will send (after shard, exclusions and resume). */
  planned: number;
  /** Addresses in the plan (after exclusions), of which IPv4 and IPv6: */
  addressCount: number;
  ipv4Addresses: number;
  ipv6Addresses: number;
  /** Ports per address. */
  portCount: number;
  /** The ports swept, ascending. */
  ports: Uint16Array;
  /** The ports swept as a canonical nmap port list: `22-23,80,8000-8100`, or `-` for every port. */
  portList: string;
  /** Probes in the whole sweep (all shards). */
  total: number;
  /** Probes in this shard before resume. */
  shardTotal: number;
  /** planned / (rate, or the engine's typical rate), ms. */
  estimatedDurationMs: number;
  /** The engine chosen, and why (`auto: no CAP_NET_RAW, native connect engine` …). */
  engine: ScanEngineName;
  engineReason: string;
  /** The permutation seed, decimal. */
  seed: string;
  shard: Shard;
  /** sha256 of targets, ports, seed and shard: a resume state belongs to the plan with the same fingerprint. */
  fingerprint: string;
  /** The rate ceiling in effect, local vs non-local targets, default exclusions, and a refusal (sweep-safety.ts). */
  safety: SweepSafety;
  /** Names given as targets, by the canonical text of each address they resolved to. */
  hostnames: ReadonlyMap<string, readonly string[]>;
}

/**
 * A running sweep. Read its results one way: iterate the handle itself (one
 * result at a time) or `batches()` (an array per engine batch), not both.
 * Leaving either loop early stops the sweep, and the summary then says
 * `interrupted`.
 */
export interface ScanHandle extends AsyncIterable<ScanResult> {
  /** The plan, once targets are read and resolved; rejects with the error that stopped the sweep before it began. */
  readonly plan: Promise<ScanPlanInfo>;
  /** Every probe accounted for, at the end; rejects when the sweep fails (summarySoFar() then still answers). */
  readonly summary: Promise<ScanSummary>;
  /** What a later run needs to finish exactly the rest; null before the plan exists. */
  resumeState(): ResumeState | null;
  /**
   * The summary as things stand, for a sweep that failed or is still running
   * (then `interrupted` is true); null before the plan exists.
   */
  summarySoFar(): ScanSummary | null;
  /** Stops the sweep (as the signal does). */
  abort(): void;
  /**
   * The results a batch at a time (instead of iterating the handle itself; use
   * one or the other). Leaving the loop early stops the sweep, as with the handle.
   */
  batches(): AsyncIterable<readonly ScanResult[]>;
}

/**
 * The handle inside the package: the public one plus the engine's packed
 * records, for writers that format straight from them (the CLI's reports).
 * Not part of the library's API.
 */
export interface SweepHandle extends ScanHandle {
  /**
   * As batches(), without making result objects: each batch is the engine's
   * packed records and the indexes of the reported ones. Use one iteration or
   * the other.
   */
  recordBatches(): AsyncIterable<ReportedBatch>;
}

/** What the package's own callers may set beyond ScanOptions. */
export interface SweepInternals {
  /** Engine availability (tests stand in for an addon that is missing). */
  engineProbe?: EngineProbe;
}

/** Builds the plan from validated options (reads files, resolves hostnames). */
export async function buildSweepPlan(options: ValidatedScanOptions, ports: PortSet): Promise<SweepPlan> {
  const targets = await resolveTargets(options, options.lookup);
  const plan = new SweepPlan(targets, ports, options.seed, options.shard, options.resume ?? undefined);
  if (options.resume && options.resume.fingerprint !== plan.fingerprint) {
    throw new InvalidArgumentError(
      `Expected the resume state to belong to this sweep (same targets, ports, seed and shard), got the fingerprint of another plan (${options.resume.fingerprint.slice(0, 12)}… vs ${plan.fingerprint.slice(0, 12)}…)`,
    );
  }
  if (options.resume && options.resume.shardTotal !== plan.shardTotal) {
    throw new InvalidArgumentError(`Expected the resume state's shard to hold ${plan.shardTotal} probes, got ${options.resume.shardTotal}`);
  }
  return plan;
}

function resolvePorts(options: ValidatedScanOptions): PortSet {
  switch (options.ports.kind) {
    case 'spec':
      return PortSet.ofSpec(options.ports.spec);
    case 'list':
      return PortSet.ofPorts(options.ports.ports);
    case 'top':
      return PortSet.ofPorts(topPortsFromNmap(options.nmapServices, options.ports.count));
  }
}

function planInfo(plan: SweepPlan, choice: EngineChoice, safety: SweepSafety): ScanPlanInfo {
  const rate = safety.rate;
  const perSecond = rate > 0 ? Math.min(rate, ESTIMATE_RATE[choice.engine]) : ESTIMATE_RATE[choice.engine];
  return {
    planned: plan.planned,
    addressCount: plan.addressCount,
    ports: plan.ports,
    portList: plan.portList,
    ipv4Addresses: plan.ipv4AddressCount,
    ipv6Addresses: plan.addressCount - plan.ipv4AddressCount,
    portCount: plan.portCount,
    total: plan.total,
    shardTotal: plan.shardTotal,
    estimatedDurationMs: Math.round((plan.planned / perSecond) * 1000),
    engine: choice.engine,
    engineReason: choice.reason,
    seed: plan.seed.toString(),
    shard: { ...plan.shard },
    safety,
    hostnames: plan.hostnames,
    // A getter: hashing the plan loads node:crypto, which only resumes need.
    get fingerprint() {
      return plan.fingerprint;
    },
  };
}

/**
 * `portpick scan`: starts a TCP sweep of the targets' ports (SYN with raw
 * sockets when this process may open them, else connect) and streams the
 * results while it runs. Only targets you are allowed to probe: sweeps beyond
 * this host's links get a rate ceiling, and wide ones need an explicit `rate`.
 *
 * Bad option shapes and port specs throw at once; target files, exclusions and
 * hostnames are read before any probe leaves, and their errors reject `plan`
 * and `summary` and end the iteration.
 *
 * @param options The targets, the ports (or `topPorts`), and the sweep's tuning.
 * @returns A handle: iterate it for the results (or use `batches()`), await `summary` for the counts.
 * @throws
 * - {@link InvalidArgumentError} for an option of the wrong shape; {@link PortSpecError} for a bad port spec; {@link SourceUnavailableError} for `topPorts` without `nmapServices`.
 * - (through `plan` and `summary`) {@link TargetParseError} for a target or exclusion that cannot be parsed or resolved, {@link FileAccessError} for an unreadable target file, {@link SweepRefusedError} for a wide sweep beyond this host's links without a rate, {@link PermissionError} / {@link NativeUnavailableError} for `mode: 'syn'` without raw sockets or without the addon, {@link SweepError} when the engine stops on a system failure (with `errno`, `syscall` and a `hint`; the results found before it stay delivered and counted).
 *
 * @example
 * ```ts
 * import { scan } from 'portpick';
 *
 * const handle = scan({ targets: ['198.51.100.0/24'], ports: '22,80,443,8000-8100', rate: 5000, openOnly: true });
 * for await (const result of handle) console.log(`${result.address}:${result.port} ${result.state} (${result.rttMs} ms)`);
 * const summary = await handle.summary;
 * console.log(`${summary.completed} of ${summary.planned} probes, ${summary.open} open`);
 * ```
 */
export function scan(options: ScanOptions): ScanHandle {
  return publicHandle(startScan(options, null, {}));
}

/** scan() for the package's own callers: the handle with its record batches, and the internals. */
export function startSweep(options: ScanOptions, internals: SweepInternals = {}): SweepHandle {
  return startScan(options, null, internals);
}

/** The handle without what the library does not promise. */
function publicHandle(handle: SweepHandle): ScanHandle {
  const { recordBatches: _records, ...rest } = handle;
  return rest;
}

/**
 * Starts several sweeps, at most `concurrency` (default 2) running at once;
 * the others wait their turn, and their time waiting is not sweep time.
 *
 * @param optionsList One {@link ScanOptions} per sweep.
 * @param settings How many sweeps run at once.
 * @returns One handle per sweep, in the order given.
 * @throws {@link InvalidArgumentError} for a `concurrency` that is not a whole number of at least 1; otherwise as {@link scan}.
 *
 * @example
 * ```ts
 * import { scanMany } from 'portpick';
 *
 * const shards = [1, 2, 3, 4].map((i) => ({ targets: ['198.51.100.0/24'], ports: '1-1024', seed: 7, shard: `${i}/4` }));
 * const summaries = await Promise.all(scanMany(shards, { concurrency: 2 }).map((handle) => handle.summary));
 * ```
 */
export function scanMany(optionsList: readonly ScanOptions[], settings: { concurrency?: number } = {}): ScanHandle[] {
  const concurrency = settings.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError(`Expected \`concurrency\` to be an integer of at least 1, got \`${concurrency}\``);
  }
  const limit = pLimit(concurrency);
  return optionsList.map((options) => {
    let turnGranted!: () => void;
    let finished!: () => void;
    const turn = new Promise<void>((resolve) => (turnGranted = resolve));
    const done = new Promise<void>((resolve) => (finished = resolve));
    void limit(() => {
      turnGranted();
      return done;
    });
    const handle = startScan(options, turn, {});
    handle.summary.then(finished, finished);
    return publicHandle(handle);
  });
}

function startScan(rawOptions: ScanOptions, turn: Promise<void> | null, internals: SweepInternals): SweepHandle {
  const options = validateScanOptions(rawOptions);
  const ports = resolvePorts(options);
  const queue = new ResultQueue(options.highWaterMark);
  // Set again when the sweep's turn comes (scanMany): waiting is not sweep time.
  let startedAt = new Date();
  let startedMs = performance.now();
  let plan: SweepPlan | null = null;
  let engine: RunningEngine | null = null;
  let stopRequested = false;
  let counters: EngineCounters = zeroCounters();
  let sources: EngineSources | undefined;
  const tally = { completed: 0, open: 0, closed: 0, filtered: 0, unreachable: 0 };
  const openOnly = options.openOnly;
  let hostsUp: HostTally | null = null;
  // Shard-local positions at or above the watermark that are done (resume bookkeeping).
  let doneAbove = new DonePositions();

  const abort = (): void => {
    stopRequested = true;
    engine?.stop();
  };
  const onAbort = (): void => abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stopRequested = true;

  const progress = (): ScanProgress => {
    const elapsed = (performance.now() - startedMs) / 1000;
    const rate = elapsed > 0 ? tally.completed / elapsed : 0;
    const planned = plan?.planned ?? 0;
    return {
      completed: tally.completed,
      planned,
      open: tally.open,
      ratePerSecond: Math.round(rate * 10) / 10,
      etaSeconds: rate > 0 ? Math.max(0, (planned - tally.completed) / rate) : null,
    };
  };

  let resolvePlan!: (info: ScanPlanInfo) => void;
  let rejectPlan!: (error: unknown) => void;
  const planPromise = new Promise<ScanPlanInfo>((resolve, reject) => {
    resolvePlan = resolve;
    rejectPlan = reject;
  });

  const run = async (): Promise<ScanSummary> => {
    if (turn) {
      await turn;
      startedAt = new Date();
      startedMs = performance.now();
    }
    const choice = chooseEngine(options.mode, internals.engineProbe);
    // The TypeScript engine (and node:net with it) is loaded only when chosen.
    const tsEngine = choice.engine === 'connect-ts' || !choice.addon ? await import('./ts-connect-engine.js') : null;
    plan = await buildSweepPlan(options, ports);
    hostsUp = new HostTally(plan);
    // The safety rules (sweep-safety.ts): a refusal stops the sweep before any probe; a dry run reports it.
    const safety = assessSweep(plan, options.rateRequest);
    if (safety.refusal && !options.dryRun) throw new SweepRefusedError(safety.refusal);
    const info = planInfo(plan, choice, safety);
    resolvePlan(info);
    doneAbove = new DonePositions(plan.startPosition);
    for (const skip of plan.skipPositions) doneAbove.add(skip);
    counters = zeroCounters(plan.startPosition);
    chosen = choice;
    const notes: string[] = [];
    runNotes = notes;
    if (options.dryRun) notes.push('dry run: nothing was sent');
    if (!options.seedGiven) notes.push(`seed ${plan.seed} was drawn at random; pass it as seed to repeat this order`);
    notes.push(...safety.notes);
    let failure: Error | null = null;
    if (!options.dryRun && !stopRequested && plan.planned > 0) {
      failure = await runEngine(plan, choice, tsEngine, safety.rate);
    }
    queue.end(failure);
    if (failure) throw failure;
    return summaryNow() as ScanSummary;
  };

  // The summary as things stand: at the end, or (summarySoFar) after a failure or mid-sweep.
  let chosen: EngineChoice | null = null;
  let runNotes: string[] = [];
  const summaryNow = (): ScanSummary | null => {
    if (!plan || !chosen) return null;
    const durationMs = performance.now() - startedMs;
    const summary: ScanSummary = {
      engine: chosen.engine,
      engineReason: chosen.reason,
      planned: plan.planned,
      sent: counters.sent,
      answered: counters.answered,
      retried: counters.retried,
      silent: counters.silent,
      sendErrors: counters.sendErrors,
      receiveDrops: counters.receiveDrops,
      invalidReplies: counters.invalidReplies,
      localDeferrals: counters.localDeferrals,
      completed: tally.completed,
      open: tally.open,
      closed: tally.closed,
      filtered: tally.filtered,
      unreachable: tally.unreachable,
      hostsUp: hostsUp?.size ?? 0,
      startedAt: startedAt.toISOString(),
      durationMs: Math.round(durationMs),
      ratePerSecond: durationMs > 0 ? Math.round((tally.completed / durationMs) * 1000 * 10) / 10 : 0,
      interrupted: !options.dryRun && tally.completed < plan.planned,
      seed: plan.seed.toString(),
      shard: { ...plan.shard },
      notes: [...runNotes],
    };
    if (chosen.engine === 'syn') summary.finalRate = counters.currentRate;
    if (queue.discarded > 0) {
      summary.discarded = queue.discarded;
      summary.notes.push(`${queue.discarded} result(s) were not kept: nobody iterated the scan while more than ${options.highWaterMark} waited (the counts above include them)`);
    }
    if (sources) {
      summary.sourceAddresses = sources.addresses;
      summary.selfSourcedProbes = sources.selfSourced;
      if (sources.selfSourced > 0) {
        summary.notes.push(`${sources.selfSourced} probe(s) went to targets on a local route (loopback, AnyIP or this host's own addresses) and left from the target address itself, as the kernel chooses`);
      }
    }
    return summary;
  };

  const runEngine = (
    sweep: SweepPlan,
    choice: EngineChoice,
    tsEngine: typeof import('./ts-connect-engine.js') | null,
    rate: number,
  ): Promise<Error | null> =>
    new Promise<Error | null>((resolve) => {
      let ticker: NodeJS.Timeout | null = null;
      let progressError: Error | null = null;
      const report = (): void => {
        if (!options.onProgress) return;
        try {
          options.onProgress(progress());
        } catch (error) {
          progressError = error instanceof Error ? error : new Error(String(error));
          abort();
        }
      };
      const sink: EngineSink = {
        batch(records, latest, release) {
          counters = latest;
          const reported = new Uint32Array(records.length);
          let reportedCount = 0;
          for (let index = 0; index < records.length; index += 1) {
            const state = records.state(index);
            const position = records.position(index);
            tally.completed += 1;
            tally[state] += 1;
            if (state === 'open' || state === 'closed') hostsUp?.answeredRecord(records, index, position);
            doneAbove.add(position);
            if (!openOnly || state === 'open') reported[reportedCount++] = index;
          }
          doneAbove.advance(latest.watermark);
          queue.push(new ReportedBatch(records, reportedCount === records.length ? reported : reported.slice(0, reportedCount)), release);
        },
        ready: (unflushed) => queue.ready(unflushed),
        done(error, latest, chosen) {
          counters = latest;
          sources = chosen;
          if (ticker) clearInterval(ticker);
          report();
          resolve(progressError ?? error);
        },
      };
      const tuning = {
        rate,
        timeoutMs: options.timeoutMs,
        retries: options.retries,
        window: options.window,
        highWaterMark: nativeHighWaterMark(options.highWaterMark),
      };
      if (options.onProgress) {
        ticker = setInterval(report, options.progressIntervalMs);
        ticker.unref();
      }
      try {
        // tsEngine is loaded whenever the addon is not (run() above).
        engine = tsEngine
          ? tsEngine.startTsConnectEngine(sweep, tuning, sink)
          : startNativeEngine(choice.addon as NativeAddon, choice.engine === 'syn' ? 'syn' : 'connect', sweep, tuning, sink);
      } catch (error) {
        if (ticker) clearInterval(ticker);
        resolve(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (stopRequested) engine.stop();
    });

  const summary = run().finally(() => options.signal?.removeEventListener('abort', onAbort));
  summary.catch((error: unknown) => {
    rejectPlan(error);
    queue.end(error instanceof Error ? error : new Error(String(error)));
  });
  // Callers may use only the iterator or only the summary: neither promise may crash the process unhandled.
  planPromise.catch(() => undefined);
  summary.catch(() => undefined);

  return {
    plan: planPromise,
    summary,
    abort,
    summarySoFar: summaryNow,
    resumeState(): ResumeState | null {
      if (!plan) return null;
      const watermark = counters.watermark;
      const skipPositions = doneAbove.positionsFrom(watermark);
      return {
        format: RESUME_FORMAT,
        version: RESUME_VERSION,
        fingerprint: plan.fingerprint,
        seed: plan.seed.toString(),
        shard: { ...plan.shard },
        startPosition: watermark,
        skipPositions,
        completed: plan.shardTotal - plan.planned + tally.completed,
        shardTotal: plan.shardTotal,
      };
    },
    batches(): AsyncIterable<readonly ScanResult[]> {
      return { [Symbol.asyncIterator]: () => stoppingEarly(mapped(queue.drainBatches(), (batch) => batch.results()), abort) };
    },
    recordBatches(): AsyncIterable<ReportedBatch> {
      return { [Symbol.asyncIterator]: () => stoppingEarly(queue.drainBatches(), abort) };
    },
    [Symbol.asyncIterator](): AsyncIterator<ScanResult> {
      return stoppingEarly(queue.drain(), abort);
    },
  };
}

/** Each value of `inner` passed through `map`; returning or throwing reaches `inner`. */
async function* mapped<T, U>(inner: AsyncGenerator<T, void, undefined>, map: (value: T) => U): AsyncGenerator<U, void, undefined> {
  try {
    for (;;) {
      const next = await inner.next();
      if (next.done) return;
      yield map(next.value);
    }
  } finally {
    await inner.return(undefined);
  }
}

/** `inner`, except that leaving the loop early stops the sweep (results found so far stay counted). */
function stoppingEarly<T>(inner: AsyncGenerator<T, void, undefined>, abort: () => void): AsyncIterator<T> {
  return {
    next: () => inner.next(),
    return: async (value?: unknown) => {
      abort();
      return inner.return(value as undefined);
    },
    throw: (error?: unknown) => inner.throw(error),
  };
}
