import { PortpickError } from './portpick-error.js';

/**
 * A file that could not be read or written (missing, permission denied…).
 * Its `code` is `ERR_FILE_ACCESS`.
 */
export class FileAccessError extends PortpickError {
  readonly path: string;

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, path: string, options?: { cause?: unknown }) {
    super('ERR_FILE_ACCESS', message, options);
    this.path = path;
  }
}
