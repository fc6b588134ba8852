import { PortpickError } from './portpick-error.js';

/**
 * A data source that is required for the request but is not present (e.g. nmap-services for --top-ports).
 * Its `code` is `ERR_SOURCE_UNAVAILABLE`.
 */
export class SourceUnavailableError extends PortpickError {
  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SOURCE_UNAVAILABLE', message, options);
  }
}
