import { assertLooksLikeIanaRegistry, parseIanaRegistryText } from '../registry/iana-load.js';
import type { CacheKind } from '../registry/cache.js';
import { update as updateCache, type UpdateReport } from '../registry/update.js';

/** What update() takes: where the data comes from and where it goes. */
export interface UpdateRequest {
  /** Import this local file instead of fetching (an IANA CSV or XML, or nmap-services; told apart by content). */
  from?: string;
  /** Update only these kinds (default both). */
  only?: CacheKind[];
  /** portpick's cache directory (default: PORTPICK_CACHE_DIR or the platform's cache directory). */
  cacheDir?: string;
  /** Where to fetch each kind from instead of its official address (a mirror). */
  urls?: Partial<Record<CacheKind, string>>;
  /** Milliseconds one file's download may take, headers to last byte (default 120,000). */
  timeoutMs?: number;
  /** Largest body accepted, bytes (default 32 MiB). */
  maxBytes?: number;
  /** Extra trusted certificate authorities (PEM), e.g. a TLS-inspecting proxy's. */
  ca?: string;
  /** Stops the downloads; the previous data stays. */
  signal?: AbortSignal;
}

/**
 * `portpick update [--from FILE]`: fetches the official IANA CSV and nmap-services
 * into the cache (conditional requests, validated before an atomic replace; a
 * failure keeps the previous data), or imports a file offline. Downloads go
 * through the proxy HTTPS_PROXY / HTTP_PROXY name, except for NO_PROXY hosts.
 *
 * @param request What to update and from where.
 * @returns One result per file: `updated`, `unchanged` or `failed` (with its {@link UpdateError}); a failed download is reported, not thrown.
 * @throws
 * - {@link InvalidArgumentError} for an unknown kind or a bad `timeoutMs` / `maxBytes`.
 * - {@link FileAccessError} when `from` cannot be read; {@link UpdateError} when it is neither an IANA registry nor nmap-services.
 *
 * @example
 * ```ts
 * import { update } from 'portpick';
 *
 * const { files } = await update({ only: ['iana'] });
 * const failed = files.filter((file) => file.status === 'failed');
 * if (failed.length > 0) console.error(failed.map((file) => file.reason).join('\n'));
 * ```
 */
export async function update(request: UpdateRequest = {}): Promise<UpdateReport> {
  return updateCache({
    ...request,
    validateIana: (text: string) => {
      assertLooksLikeIanaRegistry(text, 'downloaded IANA registry');
      return { entries: parseIanaRegistryText(text, 'downloaded IANA registry').entryCount };
    },
  });
}
