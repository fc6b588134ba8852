import { PortpickError } from './portpick-error.js';

/** A data source that is required for the request but is not present (e.g. nmap-services for --top-ports). */
export class SourceUnavailableError extends PortpickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SOURCE_UNAVAILABLE', message, options);
  }
}
