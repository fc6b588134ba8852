import { PortpickError } from './portpick-error.js';

/** A library option or command argument of the wrong shape or out of range. */
export class InvalidArgumentError extends PortpickError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_ARGUMENT', message, options);
  }
}
