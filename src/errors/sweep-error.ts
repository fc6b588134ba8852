import type { SweepFailureHint } from '../native-boundary.js';
import { PortpickError } from './portpick-error.js';

/** What to do about a failed sweep: one of SWEEP_FAILURE_HINTS (declared in native/boundary.json). */
export { SWEEP_FAILURE_HINTS, type SweepFailureHint } from '../native-boundary.js';

/**
 * A sweep's engine stopped because of a system failure. The results found
 * before it stay delivered and counted (summary and resume state); this error
 * says what failed: `errno` (symbolic, e.g. `ENOBUFS`), `syscall` (e.g.
 * `sendmmsg`), and `hint`, what to do about it.
 * Its `code` is `ERR_SWEEP_FAILED`.
 */
export class SweepError extends PortpickError {
  /** The symbolic errno the kernel gave (`EPERM`, `ENOBUFS` …). */
  readonly errno: string;
  /** The call that failed (`socket`, `sendmmsg` …). */
  readonly syscall: string;
  /** What to do about it, for programs: a {@link SweepFailureHint}. */
  readonly hint: SweepFailureHint;
  /** The engine that failed: `syn`, `connect` or `connect-ts`. */
  readonly engine: string;

  /** @internal The library makes these errors; callers catch them. */
  constructor(
    message: string,
    details: { errno: string; syscall: string; hint: SweepFailureHint; engine: string },
    options?: { cause?: unknown },
  ) {
    super('ERR_SWEEP_FAILED', message, options);
    this.errno = details.errno;
    this.syscall = details.syscall;
    this.hint = details.hint;
    this.engine = details.engine;
  }
}
