import { PortpickError } from './portpick-error.js';

/**
 * What to do about a failed sweep, for programs (the CLI turns it into advice):
 * - `raw-socket-permission`: raw sockets need CAP_NET_RAW, which the process lacks.
 * - `descriptor-limit`: no socket could be opened for long (RLIMIT_NOFILE too low, or other sweeps hold them).
 * - `local-ports-exhausted`: no local port was free for long (EADDRNOTAVAIL).
 * - `send-buffer-stall`: the kernel refused every packet for long (ENOBUFS: a full queue or a device that does not send).
 * - `out-of-memory`: the engine could not allocate memory.
 * - `thread-start`: the engine could not start a thread (process or system thread limit).
 * - `randomness-unavailable`: the kernel gave no random bytes to key the SYN cookies.
 * - `unexpected-connect-error`: connect() failed in a way no port state explains.
 * - `engine-failure`: anything else the engine could not go on from.
 */
export type SweepFailureHint =
  | 'raw-socket-permission'
  | 'descriptor-limit'
  | 'local-ports-exhausted'
  | 'send-buffer-stall'
  | 'out-of-memory'
  | 'thread-start'
  | 'randomness-unavailable'
  | 'unexpected-connect-error'
  | 'engine-failure';

export const SWEEP_FAILURE_HINTS: readonly SweepFailureHint[] = [
  'raw-socket-permission',
  'descriptor-limit',
  'local-ports-exhausted',
  'send-buffer-stall',
  'out-of-memory',
  'thread-start',
  'randomness-unavailable',
  'unexpected-connect-error',
  'engine-failure',
];

/**
 * A sweep's engine stopped because of a system failure. The results found
 * before it stay delivered and counted (summary and resume state); this error
 * says what failed: `errno` (symbolic, e.g. `ENOBUFS`), `syscall` (e.g.
 * `sendmmsg`), and `hint`, what to do about it.
 * Its `code` is `ERR_SWEEP_FAILED`.
 */
export class SweepError extends PortpickError {
  readonly errno: string;
  readonly syscall: string;
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
