import { PortpickError } from './portpick-error.js';

/**
 * A scan target or exclusion that cannot be parsed or resolved.
 * Its `code` is `ERR_TARGET_PARSE`.
 */
export class TargetParseError extends PortpickError {
  /** The offending text, and where it came from (`file:line`) when it came from a file. */
  readonly input: string;
  readonly location: string | undefined;

  /** @internal The library makes these errors; callers catch them. */
  constructor(message: string, input: string, location?: string, options?: { cause?: unknown }) {
    super('ERR_TARGET_PARSE', message, options);
    this.input = input;
    this.location = location;
  }
}
