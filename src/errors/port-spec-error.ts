import { PortpickError } from './portpick-error.js';

/**
 * A port, port range or port list that is not valid (`0`, `70000`, `abc`, `90-80`).
 * Its `code` is `ERR_PORT_SPEC`.
 */
export class PortSpecError extends PortpickError {
  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_PORT_SPEC', message, options);
  }
}
