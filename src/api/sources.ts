import type { SourceStatus } from '../registry/types.js';
import { loadSources, type LoadSourcesOptions } from './load-sources.js';

/**
 * `portpick sources`: where each source came from, how fresh, how many
 * entries, and why a source is unavailable.
 *
 * @param options As {@link loadSources}.
 * @returns One status per source.
 * @throws as {@link loadSources}.
 *
 * @example
 * ```ts
 * import { sources } from 'portpick';
 *
 * for (const source of await sources()) console.log(source.id, source.available ? source.origin : source.note);
 * ```
 */
export async function sources(options: LoadSourcesOptions = {}): Promise<SourceStatus[]> {
  return (await loadSources(options)).status;
}
