/**
 * portpick's cache of downloaded registries (`portpick update`): one data file per
 * kind plus a JSON metadata file beside it. Writes are atomic (temp file in the
 * same directory, fsync, rename), so a reader sees either the old or the new
 * file, never half of one; data is renamed into place before its metadata.
 */
import { readFileSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { nodeCrypto } from '../node-crypto.js';
import { FileAccessError } from '../errors/index.js';
import { cacheDirectory, isFile, type LocateContext } from './locate.js';

export type CacheKind = 'iana' | 'nmap';
export const CACHE_KINDS: readonly CacheKind[] = ['iana', 'nmap'];

/** Official sources `portpick update` fetches. */
export const CACHE_SOURCE_URLS: Readonly<Record<CacheKind, string>> = {
  iana: 'https://www.iana.org/assignments/service-names-port-numbers/service-names-port-numbers.csv',
  nmap: 'https://raw.githubusercontent.com/nmap/nmap/master/nmap-services',
};

const FILE_NAMES: Readonly<Record<CacheKind, string>> = {
  iana: 'service-names-port-numbers.csv',
  nmap: 'nmap-services',
};

/** Stored beside each cached file as `<file>.meta.json`. */
export interface CacheMeta {
  kind: CacheKind;
  /** Where the data came from: the URL, or `file:///…` for `update --from FILE`. */
  sourceUrl: string;
  /** Validators for the next conditional request; null when the server sent none. */
  etag: string | null;
  lastModified: string | null;
  /** When these bytes were fetched (ISO 8601). */
  fetchedAt: string;
  /** When the source was last asked, including answers of 304 Not Modified (ISO 8601). */
  checkedAt: string;
  /** sha256 of the data file, hex. */
  sha256: string;
  bytes: number;
  /** Entries the validator counted in the data. */
  entries: number;
}

export interface CacheOptions extends LocateContext {
  /** Use this directory instead of PORTPICK_CACHE_DIR / the platform default. */
  cacheDir?: string;
}

export function resolveCacheDir(options: CacheOptions = {}): string {
  return options.cacheDir ?? cacheDirectory(options);
}

export function cachePaths(kind: CacheKind, options: CacheOptions = {}): { dir: string; data: string; meta: string } {
  const dir = resolveCacheDir(options);
  const data = path.join(dir, FILE_NAMES[kind]);
  return { dir, data, meta: `${data}.meta.json` };
}

export function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

/**
 * The cached file of this kind for the loaders, or null when `portpick update`
 * has not stored one. `meta` is null when the metadata file is missing or
 * unreadable (the data itself was validated before it was renamed into place).
 */
export async function cachedFile(kind: CacheKind, options: CacheOptions = {}): Promise<{ path: string; meta: CacheMeta | null } | null> {
  const paths = cachePaths(kind, options);
  if (!(await isFile(paths.data))) return null;
  return { path: paths.data, meta: await readCacheMeta(kind, options) };
}

/** The stored metadata, or null when absent or not a valid metadata object. */
export async function readCacheMeta(kind: CacheKind, options: CacheOptions = {}): Promise<CacheMeta | null> {
  let text: string;
  try {
    text = readFileSync(cachePaths(kind, options).meta, 'utf8'); // small; see locate.ts on synchronous reads
  } catch {
    return null;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isCacheMeta(value, kind) ? value : null;
  } catch {
    return null;
  }
}

function isCacheMeta(value: unknown, kind: CacheKind): value is CacheMeta {
  if (typeof value !== 'object' || value === null) return false;
  const meta = value as Record<string, unknown>;
  const optionalString = (v: unknown) => v === null || typeof v === 'string';
  return (
    meta.kind === kind &&
    typeof meta.sourceUrl === 'string' &&
    optionalString(meta.etag) &&
    optionalString(meta.lastModified) &&
    typeof meta.fetchedAt === 'string' &&
    typeof meta.checkedAt === 'string' &&
    typeof meta.sha256 === 'string' &&
    typeof meta.bytes === 'number' &&
    typeof meta.entries === 'number'
  );
}

/** Stores validated data and its metadata atomically; returns the data path. */
export async function writeCacheFile(kind: CacheKind, data: Uint8Array, meta: CacheMeta, options: CacheOptions = {}): Promise<string> {
  const paths = cachePaths(kind, options);
  await writeFileAtomic(paths.data, data);
  await writeCacheMeta(kind, meta, options);
  return paths.data;
}

/** Replaces only the metadata (after a 304, to record checkedAt and new validators). */
export async function writeCacheMeta(kind: CacheKind, meta: CacheMeta, options: CacheOptions = {}): Promise<void> {
  await writeFileAtomic(cachePaths(kind, options).meta, Buffer.from(`${JSON.stringify(meta, null, 2)}\n`, 'utf8'));
}

/**
 * Writes `data` to a temp file in the target's directory, fsyncs it and renames
 * it over `target` (atomic on POSIX and on NTFS for same-volume renames). On
 * any failure the temp file is removed and the old target is untouched.
 */
export async function writeFileAtomic(target: string, data: Uint8Array): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const handle = await open(temp, 'wx', 0o644);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new FileAccessError(`Expected to write ${target}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, target, { cause: error });
  }
  await syncDirectory(dir);
}

/** Makes the rename durable where the OS allows opening a directory (not on Windows). */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Durability of the directory entry is best effort; the data file itself is synced.
  }
}
