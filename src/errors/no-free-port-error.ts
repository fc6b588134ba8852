import { PortpickError } from './portpick-error.js';

/** No port of the range passes the sources: nothing to pick. */
export class NoFreePortError extends PortpickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_NO_FREE_PORT', message, options);
  }
}
