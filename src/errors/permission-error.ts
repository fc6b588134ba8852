import { PortpickError } from './portpick-error.js';

/**
 * An operation that needs a privilege this process lacks (raw sockets need CAP_NET_RAW).
 * Its `code` is `ERR_PERMISSION`.
 */
export class PermissionError extends PortpickError {
  readonly errno: string | undefined;

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, errno?: string, options?: { cause?: unknown }) {
    super('ERR_PERMISSION', message, options);
    this.errno = errno;
  }
}
