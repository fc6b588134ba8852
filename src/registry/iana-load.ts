import { FileAccessError } from '../errors/file-access-error.js';
import { RegistryParseError } from '../errors/registry-parse-error.js';
import { DEFAULT_MIN_IANA_RECORDS, assertLooksLikeIanaCsv, parseIanaCsv, type IanaCsvCheckOptions } from './iana-csv.js';
import type { RecordIanaRegistry } from './iana-registry.js';
import { digestPath, readIanaDigest, readSameSource, readSource, sourceIdentity, writeIanaDigest } from './digest.js';
import { parseIanaXml, readIanaXmlRecords } from './iana-xml.js';
import type { IanaRegistry } from './loaded-sources.js';

export type IanaFileFormat = 'csv' | 'xml' | 'html' | 'unknown';

const CSV_HEADER_START = /^\uFEFF?Service Name,Port Number,/i;

/** Tells the IANA CSV, the IANA XML and an HTML page (a proxy's or server's error page) apart by content. */
export function detectIanaFormat(text: string): IanaFileFormat {
  if (CSV_HEADER_START.test(text)) return 'csv';
  const head = text.slice(0, 2048).replace(/^\uFEFF/, '').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /<html[\s>]/.test(head)) return 'html';
  if (head.startsWith('<?xml') || head.startsWith('<registry')) return 'xml';
  return 'unknown';
}

/** Parses registry text in either form; `file` names it in errors and in `origin`. */
export function parseIanaRegistryText(text: string, file: string): RecordIanaRegistry {
  const format = detectIanaFormat(text);
  if (format === 'csv') return parseIanaCsv(text, file);
  if (format === 'xml') return parseIanaXml(text, file);
  throw notARegistry(format, text, file);
}

export interface LoadIanaFileOptions {
  /**
   * portpick's cache directory: the file's digest is read from there when it
   * matches the file, and stored there after a parse (digest.ts). Null or
   * absent: parse every time.
   */
  derivedCacheDir?: string | null;
}

/** Reads and parses an IANA CSV or XML file; FileAccessError when it cannot be read. */
export async function loadIanaFile(path: string, options: LoadIanaFileOptions = {}): Promise<IanaRegistry> {
  const cacheDir = options.derivedCacheDir ?? null;
  const digestFile = cacheDir === null ? null : digestPath(cacheDir, 'iana-registry', path);
  const identity = digestFile === null ? null : sourceIdentity(path);
  const digested =
    digestFile === null || identity === null
      ? null
      : readIanaDigest(digestFile, { file: path, identity }, () => parseIanaRegistryText(readSameSource({ file: path, identity }).toString('utf8'), path));
  if (digested !== null) return digested;
  let source: ReturnType<typeof readSource>;
  try {
    source = readSource(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new FileAccessError(`Expected a readable IANA registry file (CSV or XML) at ${path}, got ${code}`, path, { cause: error });
  }
  const registry = parseIanaRegistryText(source.bytes.toString('utf8'), path);
  if (digestFile !== null) writeIanaDigest(digestFile, { file: path, identity: source.identity }, registry);
  return registry;
}

/**
 * Refuses text that should not replace cached registry data: an HTML page, another
 * file, a truncated or malformed CSV or XML, or one with fewer than `minRecords`
 * records (default 10,000; the registry holds about 14,500). Throws RegistryParseError.
 */
export function assertLooksLikeIanaRegistry(text: string, file: string, options: IanaCsvCheckOptions = {}): void {
  const format = detectIanaFormat(text);
  if (format === 'csv') {
    assertLooksLikeIanaCsv(text, file, options);
    return;
  }
  if (format !== 'xml') throw notARegistry(format, text, file);
  const minRecords = options.minRecords ?? DEFAULT_MIN_IANA_RECORDS;
  const { records, registryId } = readIanaXmlRecords(text, file);
  if (registryId !== 'service-names-port-numbers') {
    throw new RegistryParseError(`Expected <registry id="service-names-port-numbers">, got id ${registryId === undefined ? 'none' : `"${registryId}"`}`, file);
  }
  if (records.length < minRecords) {
    throw new RegistryParseError(`Expected at least ${minRecords} records, got ${records.length} (truncated or not the full registry)`, file);
  }
}

function notARegistry(format: IanaFileFormat, text: string, file: string): RegistryParseError {
  if (format === 'html') return new RegistryParseError('Expected the IANA registry as CSV or XML, got an HTML page', file, 1);
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const shown = firstLine.length > 60 ? `${firstLine.slice(0, 60)}…` : firstLine;
  return new RegistryParseError(
    `Expected the IANA registry as CSV (header "Service Name,Port Number,…") or XML (<registry>), got \`${shown}\``,
    file,
    1,
  );
}
