import { PortpickError } from './portpick-error.js';

/**
 * `strict`: some source the run consults could not be checked, so no answer is given.
 * Its `code` is `ERR_UNCHECKED_SOURCES`.
 */
export class UncheckedSourcesError extends PortpickError {
  /** Each source that could not be checked, and why. */
  readonly unchecked: readonly { source: string; reason: string }[];

  /** @internal The library makes these errors; callers catch them. */
  constructor(unchecked: readonly { source: string; reason: string }[], options?: { cause?: unknown }) {
    super(
      'ERR_UNCHECKED_SOURCES',
      `Expected every source to be checked (strict), got ${unchecked.length} that could not be: ` +
        `${unchecked.map((item) => `${item.source} (${item.reason})`).join('; ')}. ` +
        'Make each available, or leave it out of the sources to consult (--sources).',
      options,
    );
    this.unchecked = unchecked.map((item) => ({ ...item }));
  }
}
