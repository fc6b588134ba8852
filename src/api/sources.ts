import type { SourceStatus } from '../registry/types.js';
import { loadSources, type LoadSourcesOptions } from './load-sources.js';

/** `portpick sources`: where each source came from, how fresh, how many entries. */
export async function sources(options: LoadSourcesOptions = {}): Promise<SourceStatus[]> {
  return (await loadSources(options)).status;
}
