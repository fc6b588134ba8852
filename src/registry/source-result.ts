import type { EntryIndex } from './entry-index.js';
import type { SourceStatus } from './types.js';

/**
 * What every local source loader returns: the entries (null when the source is
 * absent or the OS would not tell) and the status line `portpick sources` shows.
 * A null index always comes with `status.available === false` and a note that
 * says the check was not made and how to make it.
 */
export interface SourceLoadResult {
  index: EntryIndex | null;
  status: SourceStatus;
}
