import { PortpickError } from './portpick-error.js';

/**
 * A scan output file (portpick JSON lines, read back by `merge`) that is malformed or does not fit the others.
 * Its `code` is `ERR_SCAN_OUTPUT_PARSE`.
 */
export class ScanOutputParseError extends PortpickError {
  readonly file: string;
  readonly line: number | undefined;

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, file: string, line?: number, options?: { cause?: unknown }) {
    super('ERR_SCAN_OUTPUT_PARSE', line === undefined ? `${file}: ${message}` : `${file}:${line}: ${message}`, options);
    this.file = file;
    this.line = line;
  }
}
