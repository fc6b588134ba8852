import { PortpickError } from './portpick-error.js';

/**
 * `update` could not fetch or validate new data; the previous cached data is kept.
 * Its `code` is `ERR_UPDATE`.
 */
export class UpdateError extends PortpickError {
  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UPDATE', message, options);
  }
}
