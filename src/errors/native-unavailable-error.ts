import { PortpickError } from './portpick-error.js';

/**
 * The native addon is missing or stale; `tried` lists every path the loader checked.
 * Its `code` is `ERR_NATIVE_UNAVAILABLE`.
 */
export class NativeUnavailableError extends PortpickError {
  readonly tried: string[];

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, tried: string[], options?: { cause?: unknown }) {
    super('ERR_NATIVE_UNAVAILABLE', message, options);
    this.tried = tried;
  }
}
