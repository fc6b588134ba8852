import { PortpickError } from './portpick-error.js';

/**
 * A library option or command argument of the wrong shape or out of range.
 * Its `code` is `ERR_INVALID_ARGUMENT`.
 */
export class InvalidArgumentError extends PortpickError {
  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_ARGUMENT', message, options);
  }
}
