import { PortpickError } from './portpick-error.js';

/**
 * No port of the range passes the sources: nothing to pick.
 * Its `code` is `ERR_NO_FREE_PORT`.
 */
export class NoFreePortError extends PortpickError {
  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NO_FREE_PORT', message, options);
  }
}
