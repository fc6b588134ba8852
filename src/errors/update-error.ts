import { PortpickError } from './portpick-error.js';

/** `update` could not fetch or validate new data; the previous cached data is kept. */
export class UpdateError extends PortpickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_UPDATE', message, options);
  }
}
