import type { SweepFailureHint } from '../native-boundary.js';
import { PortpickError } from './portpick-error.js';

/**
 * An operation that needs a privilege this process lacks (raw sockets need
 * CAP_NET_RAW). Its `code` is `ERR_PERMISSION`; `errno` (symbolic, e.g.
 * `EPERM`) and `syscall` say what the kernel refused; `hint` says what to do
 * about it, for programs (the command line turns it into advice).
 */
export class PermissionError extends PortpickError {
  /** The symbolic errno the kernel gave (`EPERM`, `ENOBUFS` …). */
  readonly errno: string;
  /** The call that failed (`socket`, `sendmmsg` …). */
  readonly syscall: string;
  /** What to do about it, for programs: a {@link SweepFailureHint}. */
  readonly hint: SweepFailureHint;

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, details: { errno: string; syscall: string; hint: SweepFailureHint }, options?: { cause?: unknown }) {
    super('ERR_PERMISSION', message, options);
    this.errno = details.errno;
    this.syscall = details.syscall;
    this.hint = details.hint;
  }
}
