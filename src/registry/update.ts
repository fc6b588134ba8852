/**
 * `portpick update`: fetches the official IANA CSV and nmap-services into the
 * cache, or imports a local file (`--from FILE`).
 *
 * - Conditional requests: If-None-Match / If-Modified-Since from the stored
 *   metadata (only when the cached file still matches its recorded sha256);
 *   304 means unchanged.
 * - Every body is validated before it replaces anything: an HTML page, an empty
 *   or truncated body (no final newline, fewer bytes than Content-Length, far
 *   fewer entries than the copy it would replace) or a parse failure is refused
 *   with an UpdateError, and the previous data stays.
 * - Accepted data is written atomically (see cache.ts).
 * - Downloads go through the proxy that HTTPS_PROXY / HTTP_PROXY name (upper or
 *   lower case), except for hosts NO_PROXY lists (undici's EnvHttpProxyAgent:
 *   Node 20's own fetch ignores these variables); each file must arrive within
 *   a timeout and below a size cap, else it is refused like a truncated body.
 * Per-file failures are reported, not thrown, so one bad source does not hide
 * the other's result. Bad options, an unreadable `--from` file, or an abort do throw.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileAccessError, InvalidArgumentError, UpdateError, describeValue } from '../errors/index.js';
import {
  CACHE_KINDS,
  CACHE_SOURCE_URLS,
  cachePaths,
  readCacheMeta,
  resolveCacheDir,
  sha256Hex,
  writeCacheFile,
  writeCacheMeta,
  type CacheKind,
  type CacheMeta,
  type CacheOptions,
} from './cache.js';
import { parseNmapServices } from './nmap-services.js';

/**
 * Checks IANA CSV text and returns how many records it holds; throws when the
 * text is not a valid registry. The IANA parser provides it (the lead wires it);
 * without one a structural check is used.
 */
export type IanaValidator = (text: string) => number | { entries: number };

export interface UpdateOptions extends CacheOptions {
  /** Import this local file instead of fetching (IANA CSV or nmap-services, told apart by content). */
  from?: string;
  fetch?: typeof fetch;
  /** Clock for the metadata timestamps. */
  now?: Date;
  signal?: AbortSignal;
  /** Update only these kinds (default both). */
  only?: CacheKind[];
  validateIana?: IanaValidator;
  /** Source URLs (tests, mirrors); default CACHE_SOURCE_URLS. */
  urls?: Partial<Record<CacheKind, string>>;
  /** Milliseconds one file's download may take, headers to last byte (default DEFAULT_UPDATE_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Largest body accepted, bytes (default DEFAULT_UPDATE_MAX_BYTES). */
  maxBytes?: number;
  /** Where the proxy variables are read (default process.env). Ignored when `fetch` is given. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Extra trusted certificate authorities (PEM), e.g. a TLS-inspecting proxy's. Ignored when `fetch` is given. */
  ca?: string;
}

/** The real files take a few seconds: 1.2 MB (IANA CSV), 1 MB (nmap-services). */
export const DEFAULT_UPDATE_TIMEOUT_MS = 120_000;
/** Far above the real files (IANA XML, the largest, is ~4 MB); a body past this is not a registry. */
export const DEFAULT_UPDATE_MAX_BYTES = 32 * 1024 * 1024;

export type UpdateStatus = 'updated' | 'unchanged' | 'failed';

export interface UpdateFileResult {
  kind: CacheKind;
  status: UpdateStatus;
  /** Why it failed, or a detail (`304 Not Modified`, `same content`). */
  reason?: string;
  /** The typed error behind a failure. */
  error?: UpdateError;
  /** Entries and bytes of the data now in the cache (the previous data after a failure; null when there is none). */
  entries: number | null;
  bytes: number | null;
  path: string;
  /** The URL fetched or the file imported. */
  source: string;
}

export interface UpdateReport {
  cacheDir: string;
  files: UpdateFileResult[];
}

/** Smallest plausible registry sizes (the real files have ~14,500 and ~27,500 entries). */
export const MIN_IANA_RECORDS = 1000;
export const MIN_NMAP_ENTRIES_WITH_FREQUENCY = 1000;
/** New data with fewer entries than this share of the cached copy is taken for a truncated download. */
const SHRINK_LIMIT = 0.5;

const IANA_HEADER = /^\uFEFF?Service Name,Port Number,Transport Protocol,/;

export async function update(options: UpdateOptions = {}): Promise<UpdateReport> {
  const kinds = options.only ?? [...CACHE_KINDS];
  for (const kind of kinds) {
    if (!CACHE_KINDS.includes(kind)) {
      throw new InvalidArgumentError(`Expected update kinds among ${CACHE_KINDS.join(', ')}, got ${describeValue(kind)}`);
    }
  }
  const cacheDir = resolveCacheDir(options);
  const cacheOptions: CacheOptions = { ...options, cacheDir };
  if (options.from !== undefined) return { cacheDir, files: [await importFile(options.from, options, cacheOptions)] };
  for (const [name, value] of [['timeoutMs', options.timeoutMs], ['maxBytes', options.maxBytes]] as const) {
    if (value !== undefined && !(Number.isSafeInteger(value) && value > 0)) {
      throw new InvalidArgumentError(`Expected ${name} to be a positive whole number, got ${describeValue(value)}`);
    }
  }
  const client = options.fetch ? { fetch: options.fetch, close: async () => {} } : await proxyAwareFetch(options);
  try {
    const files: UpdateFileResult[] = [];
    for (const kind of kinds) files.push(await updateOne(kind, client.fetch, options, cacheOptions));
    return { cacheDir, files };
  } finally {
    await client.close();
  }
}

/**
 * undici's fetch with an EnvHttpProxyAgent built from `options.env`: HTTP_PROXY
 * for http: URLs, HTTPS_PROXY for https: URLs (CONNECT tunnel), NO_PROXY's hosts
 * (`host`, `host:port`, `.suffix`, `*`) direct. Loaded only here, on use.
 */
async function proxyAwareFetch(options: UpdateOptions): Promise<{ fetch: typeof fetch; close(): Promise<void> }> {
  const undici = await import('undici');
  const env = options.env ?? process.env;
  // Lower case first, as curl reads them; an empty value counts as unset.
  const pick = (name: string): string | undefined => env[name.toLowerCase()] || env[name] || undefined;
  const tls = options.ca === undefined ? {} : { connect: { ca: options.ca }, requestTls: { ca: options.ca }, proxyTls: { ca: options.ca } };
  const settings = {
    httpProxy: pick('HTTP_PROXY') ?? '',
    // Empty HTTPS_PROXY: https: URLs use HTTP_PROXY's agent (undici's rule).
    httpsProxy: pick('HTTPS_PROXY') ?? '',
    noProxy: pick('NO_PROXY') ?? '',
    ...tls,
  };
  // The agent announces itself as experimental through process.emitWarning, which
  // Node prints to stderr; a library does not print, so that one warning is dropped.
  const emitWarning = process.emitWarning;
  let dispatcher: InstanceType<typeof undici.EnvHttpProxyAgent>;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const code = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as { code?: string }).code : rest[1];
    if (code === 'UNDICI-EHPA') return;
    (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    dispatcher = new undici.EnvHttpProxyAgent(settings);
  } finally {
    process.emitWarning = emitWarning;
  }
  const proxied = ((input: string | URL, init?: RequestInit) =>
    undici.fetch(input, { ...(init as Parameters<typeof undici.fetch>[1]), dispatcher })) as unknown as typeof fetch;
  return { fetch: proxied, close: () => dispatcher.close() };
}

/** What is in the cache now, and whether its bytes still match the metadata. */
async function currentState(kind: CacheKind, cacheOptions: CacheOptions): Promise<{ meta: CacheMeta | null; intact: boolean }> {
  const meta = await readCacheMeta(kind, cacheOptions);
  if (meta === null) return { meta: null, intact: false };
  try {
    const data = await readFile(cachePaths(kind, cacheOptions).data);
    return { meta, intact: sha256Hex(data) === meta.sha256 };
  } catch {
    return { meta, intact: false };
  }
}

async function updateOne(kind: CacheKind, fetchImpl: typeof fetch, options: UpdateOptions, cacheOptions: CacheOptions): Promise<UpdateFileResult> {
  const url = options.urls?.[kind] ?? CACHE_SOURCE_URLS[kind];
  const target = cachePaths(kind, cacheOptions).data;
  const now = (options.now ?? new Date()).toISOString();
  const { meta, intact } = await currentState(kind, cacheOptions);
  const kept = { entries: intact && meta ? meta.entries : null, bytes: intact && meta ? meta.bytes : null };
  const failed = (reason: string, cause?: unknown): UpdateFileResult => ({
    kind,
    status: 'failed',
    reason,
    error: new UpdateError(`${kind} update from ${url} failed: ${reason}${kept.entries === null ? '' : '; the previous data is kept'}`, { cause }),
    ...kept,
    path: target,
    source: url,
  });

  const headers: Record<string, string> = { 'user-agent': 'portpick (https://www.npmjs.com/package/portpick)' };
  if (intact && meta) {
    if (meta.etag !== null) headers['if-none-match'] = meta.etag;
    if (meta.lastModified !== null) headers['if-modified-since'] = meta.lastModified;
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_UPDATE_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_UPDATE_MAX_BYTES;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  let body: string;
  try {
    response = await fetchImpl(url, { headers, signal, redirect: 'follow' });
    if (response.status === 304) {
      await response.body?.cancel();
      if (!(intact && meta)) return failed('the server answered 304 Not Modified, but there is no cached copy to keep');
      await writeCacheMeta(kind, { ...meta, checkedAt: now, etag: response.headers.get('etag') ?? meta.etag }, cacheOptions);
      return { kind, status: 'unchanged', reason: '304 Not Modified', ...kept, path: target, source: url };
    }
    if (!response.ok) {
      await response.body?.cancel();
      return failed(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
    }
    body = await readCapped(response, maxBytes);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    if (error instanceof UpdateError) return failed(error.message, error);
    if (timeout.aborted) return failed(`no complete answer within ${timeoutMs / 1000} s (timeout)`, error);
    return failed(`the download failed (${errorText(error)})`, error);
  }

  const bytes = Buffer.byteLength(body, 'utf8');
  let entries: number;
  try {
    checkCompleteness(body, bytes, response.headers);
    entries = validate(kind, body, options);
    checkShrink(entries, intact ? meta : null);
  } catch (error) {
    if (error instanceof UpdateError) return failed(error.message, error);
    throw error;
  }
  const sha256 = sha256Hex(body);
  const newMeta: CacheMeta = {
    kind,
    sourceUrl: url,
    etag: response.headers.get('etag'),
    lastModified: response.headers.get('last-modified'),
    fetchedAt: now,
    checkedAt: now,
    sha256,
    bytes,
    entries,
  };
  if (intact && meta && meta.sha256 === sha256) {
    await writeCacheMeta(kind, { ...newMeta, fetchedAt: meta.fetchedAt }, cacheOptions);
    return { kind, status: 'unchanged', reason: 'same content', entries, bytes, path: target, source: url };
  }
  await writeCacheFile(kind, Buffer.from(body, 'utf8'), newMeta, cacheOptions);
  return { kind, status: 'updated', entries, bytes, path: target, source: url };
}

async function importFile(file: string, options: UpdateOptions, cacheOptions: CacheOptions): Promise<UpdateFileResult> {
  const absolute = path.resolve(file);
  let body: string;
  try {
    body = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new FileAccessError(`Expected a readable file to import at ${absolute}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, absolute, { cause: error });
  }
  const kind = detectKind(body);
  if (kind === null) {
    throw new UpdateError(
      `Expected ${absolute} to be the IANA CSV (header \`Service Name,Port Number,Transport Protocol,…\`) or nmap-services (\`name<TAB>port/proto<TAB>frequency\` lines), got neither`,
    );
  }
  if (options.only !== undefined && !options.only.includes(kind)) {
    throw new UpdateError(`Expected a file of kind ${options.only.join(' or ')}, got ${kind} (${absolute})`);
  }
  const source = pathToFileURL(absolute).href;
  const target = cachePaths(kind, cacheOptions).data;
  const { meta, intact } = await currentState(kind, cacheOptions);
  const bytes = Buffer.byteLength(body, 'utf8');
  let entries: number;
  try {
    checkCompleteness(body, bytes, new Headers());
    entries = validate(kind, body, options);
  } catch (error) {
    if (!(error instanceof UpdateError)) throw error;
    return {
      kind,
      status: 'failed',
      reason: error.message,
      error,
      entries: intact && meta ? meta.entries : null,
      bytes: intact && meta ? meta.bytes : null,
      path: target,
      source,
    };
  }
  const now = (options.now ?? new Date()).toISOString();
  const sha256 = sha256Hex(body);
  const newMeta: CacheMeta = { kind, sourceUrl: source, etag: null, lastModified: null, fetchedAt: now, checkedAt: now, sha256, bytes, entries };
  if (intact && meta && meta.sha256 === sha256) {
    return { kind, status: 'unchanged', reason: 'same content', entries, bytes, path: target, source };
  }
  await writeCacheFile(kind, Buffer.from(body, 'utf8'), newMeta, cacheOptions);
  return { kind, status: 'updated', entries, bytes, path: target, source };
}

/** The body as UTF-8 text; an UpdateError (and the rest left unread) once it passes `maxBytes`. */
async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const tooLarge = (got: string) => new UpdateError(`Expected at most ${maxBytes} bytes, got ${got}: not a registry file`);
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge(`a Content-Length of ${declared}`);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const parts: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel();
      throw tooLarge(`more (${received} bytes so far)`);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** IANA CSV by its header; nmap-services when it parses with frequencies; else null. */
export function detectKind(text: string): CacheKind | null {
  if (IANA_HEADER.test(text)) return 'iana';
  try {
    return parseNmapServices(text, 'import').withFrequency > 0 ? 'nmap' : null;
  } catch {
    return null;
  }
}

function checkCompleteness(body: string, bytes: number, headers: Headers): void {
  if (body.trim() === '') throw new UpdateError('Expected registry data, got an empty body');
  if (looksLikeHtml(body, headers.get('content-type'))) {
    throw new UpdateError(`Expected registry data, got an HTML page (${describeValue(body.trim().slice(0, 40))})`);
  }
  const declared = headers.get('content-length');
  if (declared !== null && headers.get('content-encoding') === null && /^\d+$/.test(declared) && Number(declared) !== bytes) {
    throw new UpdateError(`Expected ${declared} bytes (Content-Length), got ${bytes}: the download is truncated`);
  }
  if (!body.endsWith('\n')) {
    throw new UpdateError(`Expected the data to end with a line break, got ${describeValue(body.slice(-30))}: the download looks truncated`);
  }
}

function looksLikeHtml(body: string, contentType: string | null): boolean {
  if (contentType !== null && /\bhtml\b/i.test(contentType)) return true;
  return /^\s*<(!doctype|html|head|body|\?xml)/i.test(body);
}

/** Validates the body of one kind; returns its entry count or throws UpdateError. */
function validate(kind: CacheKind, body: string, options: UpdateOptions): number {
  if (kind === 'nmap') {
    let parsed;
    try {
      parsed = parseNmapServices(body, 'nmap-services (download)');
    } catch (error) {
      throw new UpdateError(`Expected valid nmap-services, got a parse error: ${errorText(error)}`, { cause: error });
    }
    if (parsed.withFrequency < MIN_NMAP_ENTRIES_WITH_FREQUENCY) {
      throw new UpdateError(
        `Expected at least ${MIN_NMAP_ENTRIES_WITH_FREQUENCY} nmap-services entries with open frequencies, got ${parsed.withFrequency}`,
      );
    }
    return parsed.entries;
  }
  if (!IANA_HEADER.test(body)) {
    throw new UpdateError(`Expected the IANA CSV header \`Service Name,Port Number,Transport Protocol,…\`, got ${describeValue(body.slice(0, 60).split('\n')[0])}`);
  }
  let entries: number;
  if (options.validateIana !== undefined) {
    try {
      const result = options.validateIana(body);
      entries = typeof result === 'number' ? result : result.entries;
    } catch (error) {
      throw new UpdateError(`Expected a valid IANA CSV, got: ${errorText(error)}`, { cause: error });
    }
  } else {
    entries = countIanaRecords(body);
  }
  if (entries < MIN_IANA_RECORDS) {
    throw new UpdateError(`Expected at least ${MIN_IANA_RECORDS} IANA records, got ${entries}`);
  }
  return entries;
}

/** A structural count of CSV records: lines that begin `name,port-or-range,protocol,`. */
function countIanaRecords(body: string): number {
  return body.match(/^[^,"\r\n]*,(?:\d+(?:-\d+)?)?,(?:tcp|udp|sctp|dccp)?,/gm)?.length ?? 0;
}

function checkShrink(entries: number, previous: CacheMeta | null): void {
  if (previous !== null && entries < previous.entries * SHRINK_LIMIT) {
    throw new UpdateError(`Expected about ${previous.entries} entries like the cached copy, got ${entries}: the download looks truncated`);
  }
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}
