/**
 * The pure-TypeScript connect engine: the stand-in when the native addon is not
 * built. One node:net socket per probe in flight, at most `window` of them
 * (p-limit), a per-try timeout, retries for silent probes only.
 *
 * States: what each connect outcome decides comes from the one table both
 * connect engines use (connect-outcomes.ts). Silence after all tries → filtered
 * (timeout). Deferred outcomes (local resource errors: EMFILE, EADDRNOTAVAIL …)
 * and self-connects on loopback mean "not probed yet": the probe is retried
 * later without using up a try and is never reported closed; after
 * MAX_DEFERRALS such errors it is reported filtered with reason `unknown` and
 * counted as a send error. A fatal outcome (an error the table does not know)
 * stops the sweep with a SweepError; the results so far are kept.
 *
 * Window: default 512, capped at the soft RLIMIT_NOFILE minus a reserve (read
 * from /proc/self/limits on Linux; Node cannot raise the limit itself — raise
 * it with `ulimit -n` before starting).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pLimit from 'p-limit';
import { SweepError } from '../errors/sweep-error.js';
import { CONNECTED, connectOutcome } from './connect-outcomes.js';
import { DecodedBatch, type DecodedRecord } from './decode.js';
import { zeroCounters, type EngineSink, type EngineTuning, type RunningEngine } from './engine.js';
import type { SweepPlan } from './plan.js';
import type { ScanPortState, ScanReason } from './types.js';

export const DEFAULT_TS_WINDOW = 512;
const FD_RESERVE = 64;
const MAX_DEFERRALS = 50;
const FLUSH_SIZE = 256;
const FLUSH_MS = 25;

export type Outcome =
  | { kind: 'decided'; state: ScanPortState; reason: ScanReason; rttMs: number }
  | { kind: 'timeout' }
  | { kind: 'deferred'; code: string }
  | { kind: 'error'; code: string }
  | { kind: 'aborted' };

/** The soft open-files limit from /proc/self/limits, or null where unreadable (non-Linux). */
export function softOpenFileLimit(): number | null {
  try {
    const text = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(text);
    if (!match) return null;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return null;
  }
}

/** The window actually used: the request (or the default), never above the soft fd limit minus a reserve. */
export function effectiveWindow(requested: number): number {
  const wanted = requested > 0 ? requested : DEFAULT_TS_WINDOW;
  const soft = softOpenFileLimit();
  if (soft === null) return wanted;
  return Math.max(1, Math.min(wanted, soft - FD_RESERVE));
}

/** How one connect outcome (CONNECTED or an error code) decides a probe, per the shared table (exported for tests). */
export function classifyConnectError(code: string): Outcome {
  const outcome = connectOutcome(code);
  switch (outcome.kind) {
    case 'decided':
      return { kind: 'decided', state: outcome.state, reason: outcome.reason, rttMs: 0 };
    case 'silent':
      return { kind: 'timeout' };
    case 'deferred':
      return { kind: 'deferred', code };
    case 'fatal':
      return { kind: 'error', code };
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// node:net is loaded when this engine starts, not when the module is imported:
// the command line is one bundle whose static imports of Node's modules all run
// at start-up, and this engine is only the fallback.
const requireBuiltin = createRequire(import.meta.url);

export function startTsConnectEngine(plan: SweepPlan, tuning: EngineTuning, sink: EngineSink): RunningEngine {
  const { Socket } = requireBuiltin('node:net') as typeof import('node:net');
  const window = effectiveWindow(tuning.window);
  const counters = zeroCounters(plan.startPosition);
  const limit = pLimit(window);
  const aborters = new Set<() => void>();
  let stopped = false;
  let failure: Error | null = null;
  let pending: DecodedRecord[] = [];
  let flushTimer: NodeJS.Timeout | null = null;
  // Watermark bookkeeping: positions are issued ascending; finished ones are dropped from the front.
  const issued: number[] = [];
  let issuedHead = 0;
  const finished = new Set<number>();
  let nextUnissued = plan.startPosition;
  let outstanding = 0;
  let slotFreed: (() => void) | null = null;
  let allDone: (() => void) | null = null;
  // Rate ceiling: earliest time (ms) the next try may start.
  let nextSlotAt = 0;
  const interval = tuning.rate > 0 ? 1000 / tuning.rate : 0;
  const startedAt = performance.now();

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    for (const abort of [...aborters]) abort();
    slotFreed?.();
  };
  /** Stops the sweep because of `error` (the first one wins); results so far stay. */
  const fail = (error: Error): void => {
    failure ??= error;
    stop();
  };

  const watermark = (): number => (issuedHead < issued.length ? (issued[issuedHead] as number) : nextUnissued);

  const flush = (): void => {
    if (flushTimer) {
      clearTimeout(flushTimer);
      flushTimer = null;
    }
    counters.watermark = watermark();
    const elapsed = (performance.now() - startedAt) / 1000;
    counters.currentRate = elapsed > 0 ? counters.sent / elapsed : 0;
    const batch = pending;
    pending = [];
    sink.batch(new DecodedBatch(batch), { ...counters });
  };

  const awaitRate = async (): Promise<void> => {
    if (interval === 0) return;
    const now = performance.now();
    const at = Math.max(now, nextSlotAt);
    nextSlotAt = at + interval;
    if (at > now) await sleep(at - now);
  };

  const attempt = (address: string, family: 4 | 6, port: number): Promise<Outcome> =>
    new Promise<Outcome>((resolve) => {
      const started = performance.now();
      const socket = new Socket();
      let settled = false;
      const finish = (outcome: Outcome, reset: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        aborters.delete(abort);
        // RST instead of FIN: no TIME_WAIT, no ephemeral-port exhaustion on long sweeps.
        if (reset && !socket.destroyed) socket.resetAndDestroy();
        else socket.destroy();
        resolve(outcome);
      };
      const abort = (): void => finish({ kind: 'aborted' }, false);
      aborters.add(abort);
      // The timeout decides in the check phase, after this loop iteration's poll phase: an answer
      // that is already waiting (the loop was busy) wins over a timer that fired late.
      const timer = setTimeout(() => setImmediate(() => finish({ kind: 'timeout' }, false)), tuning.timeoutMs);
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const outcome = classifyConnectError(error.code ?? 'UNKNOWN');
        if (outcome.kind === 'decided') outcome.rttMs = Math.round((performance.now() - started) * 1000) / 1000;
        finish(outcome, false);
      });
      socket.once('connect', () => {
        const rttMs = Math.round((performance.now() - started) * 1000) / 1000;
        if (socket.localPort === socket.remotePort && socket.localAddress === socket.remoteAddress) {
          // A loopback self-connect (TCP simultaneous open with itself) proves nothing about a listener.
          finish({ kind: 'deferred', code: 'self-connect' }, true);
          return;
        }
        const connected = classifyConnectError(CONNECTED);
        if (connected.kind === 'decided') connected.rttMs = rttMs;
        finish(connected, true);
      });
      socket.setNoDelay(true);
      socket.connect({ host: address, port, family });
    });

  const probe = async (position: number): Promise<DecodedRecord | null> => {
    const { address, family, port } = plan.probeAt(position);
    let tries = 0;
    let deferrals = 0;
    while (!stopped) {
      await awaitRate();
      if (stopped) return null;
      tries += 1;
      const outcome = await attempt(address, family, port);
      if (outcome.kind === 'aborted') return null;
      if (outcome.kind === 'deferred') {
        tries -= 1;
        deferrals += 1;
        counters.localDeferrals += 1;
        if (deferrals > MAX_DEFERRALS) {
          counters.sendErrors += 1;
          return record(position, address, family, port, 'filtered', 'unknown', null, Math.max(tries, 1));
        }
        await sleep(Math.min(1000, 10 * deferrals));
        continue;
      }
      counters.sent += 1;
      if (tries > 1) counters.retried += 1;
      if (outcome.kind === 'decided') {
        counters.answered += 1;
        return record(position, address, family, port, outcome.state, outcome.reason, outcome.rttMs, tries);
      }
      if (outcome.kind === 'error') {
        // No port state explains it: the sweep stops (the results so far are kept).
        counters.sendErrors += 1;
        fail(
          new SweepError(`connect() to ${family === 6 ? `[${address}]` : address}:${port} failed with ${outcome.code}, which no port state explains`, {
            errno: outcome.code,
            syscall: 'connect',
            hint: 'unexpected-connect-error',
            engine: 'connect-ts',
          }),
        );
        return null;
      }
      if (tries > tuning.retries) {
        counters.silent += 1;
        return record(position, address, family, port, 'filtered', 'timeout', null, tries);
      }
    }
    return null;
  };

  const record = (
    position: number,
    address: string,
    family: 4 | 6,
    port: number,
    state: ScanPortState,
    reason: ScanReason,
    rttMs: number | null,
    tries: number,
  ): DecodedRecord => ({
    position,
    result: { address, family, port, protocol: 'tcp', state, reason, rttMs, tries, engine: 'connect-ts' },
  });

  const complete = (position: number, decided: DecodedRecord | null): void => {
    outstanding -= 1;
    if (decided) {
      finished.add(position);
      while (issuedHead < issued.length && finished.has(issued[issuedHead] as number)) {
        finished.delete(issued[issuedHead] as number);
        issuedHead += 1;
      }
      if (issuedHead > 4096 && issuedHead * 2 > issued.length) {
        issued.splice(0, issuedHead);
        issuedHead = 0;
      }
      pending.push(decided);
      if (pending.length >= FLUSH_SIZE) flush();
      else flushTimer ??= setTimeout(flush, FLUSH_MS);
    }
    const wake = slotFreed;
    slotFreed = null;
    wake?.();
    if (outstanding === 0) allDone?.();
  };

  const run = async (): Promise<void> => {
    for (const position of plan.positions()) {
      while (!stopped && outstanding >= window) await new Promise<void>((resolve) => (slotFreed = resolve));
      const backpressure = sink.ready(pending.length);
      if (backpressure) {
        // Hand over what is held back so the consumer can catch up, then wait for it.
        if (pending.length > 0) flush();
        await backpressure;
      }
      if (stopped) break;
      issued.push(position);
      nextUnissued = position + 1;
      outstanding += 1;
      void limit(probe, position).then(
        (decided) => complete(position, decided),
        () => complete(position, null),
      );
    }
    if (!stopped) nextUnissued = plan.shardTotal;
    if (outstanding > 0) await new Promise<void>((resolve) => (allDone = resolve));
  };

  run().then(
    () => {
      flush();
      sink.done(failure, { ...counters, watermark: watermark() });
    },
    (error: unknown) => {
      flush();
      sink.done(error instanceof Error ? error : new Error(String(error)), { ...counters, watermark: watermark() });
    },
  );

  return { stop };
}
