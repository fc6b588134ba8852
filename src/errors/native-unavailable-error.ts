import { PortpickError } from './portpick-error.js';

/** The native addon is missing or stale; `tried` lists every path the loader checked. */
export class NativeUnavailableError extends PortpickError {
  readonly tried: string[];

  constructor(message: string, tried: string[], options?: { cause?: unknown }) {
    super('ERR_NATIVE_UNAVAILABLE', message, options);
    this.tried = tried;
  }
}
