import { assertLooksLikeIanaRegistry, parseIanaRegistryText } from '../registry/iana-load.js';
import { update as updateCache, type UpdateOptions, type UpdateReport } from '../registry/update.js';

/**
 * `portpick update [--from FILE]`: fetches the official IANA CSV and nmap-services
 * into the cache (conditional requests, validated before an atomic replace; a
 * failure keeps the previous data), or imports a file offline.
 */
export async function update(options: Omit<UpdateOptions, 'validateIana'> = {}): Promise<UpdateReport> {
  return updateCache({
    ...options,
    validateIana: (text: string) => {
      assertLooksLikeIanaRegistry(text, 'downloaded IANA registry');
      return { entries: parseIanaRegistryText(text, 'downloaded IANA registry').entryCount };
    },
  });
}
