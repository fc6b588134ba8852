/**
 * nmap-services: nmap's port list with open frequencies (NPSL-licensed: never
 * bundled; read from a local nmap, portpick's cache after `update`, or a path
 * the user gives).
 *
 * Line format: `name<ws>port/proto[<ws>ratio][<ws># comment]`; the comment may
 * hold tabs and a second `#`. We follow nmap's own reader (services.cc):
 * - the ratio is `0.x…` or `n/d`; any other 4th field (a comment, `1.0`) means 0;
 * - the protocol is lowercased and only tcp/udp/sctp are kept (ddp, divert … are skipped);
 * - on a duplicate port/proto the first entry wins.
 * Where nmap quietly skips a line it cannot read at all (no `port/proto` field)
 * we stop with a RegistryParseError instead: such a line means the file is not
 * nmap-services (an HTML page, a truncated download), and `update` relies on that.
 *
 * Entry states: nmap-services is no authority on assignment, only on use.
 * - ratio > 0 → `assigned` (seen open in the wild; this includes the `unknown`-named
 *   rows, which are exactly the unofficial observations);
 * - ratio 0   → `unknown` (listed, typically an imported IANA name, never seen open).
 * The pick layer should rank on `extra.nmapFrequency`, which every entry carries.
 */
import { FileAccessError, InvalidArgumentError, RegistryParseError, describeValue } from '../errors/index.js';
import { cachedFile, resolveCacheDir } from './cache.js';
import { derivedPath, readSource, sourceIdentity } from './derived-cache.js';
import { NMAP_COLUMNS_KIND, readDerivedColumns, writeDerivedColumns } from './nmap-services-columns.js';
import { EntryIndex } from './entry-index.js';
import { locateNmapServices, modifiedTime, type LocateContext } from './locate.js';
import type { SourceLoadResult } from './source-result.js';
import type { Protocol, RegistryEntry } from './types.js';

/** The protocols nmap keeps from nmap-services, in the order of their codes below. */
const NMAP_PROTOCOLS: readonly Protocol[] = ['tcp', 'udp', 'sctp'];

function nmapProtocolCode(protocol: string): number {
  return protocol === 'tcp' ? 0 : protocol === 'udp' ? 1 : protocol === 'sctp' ? 2 : -1;
}

/**
 * An entry line after its leading blanks: name, port, protocol, optional
 * frequency field (not starting with `#`), and the comment (leading `#` dropped;
 * tabs and further `#` kept; trailing blanks trimmed later). Greedy groups only:
 * no backtracking per character.
 */
const ENTRY = String.raw`(\S+)[ \t]+(\d+)\/(\S+)(?:[ \t]+([^\s#]\S*))?(?:[ \t]+(?:#[ \t]*)?(.*))?`;
/** One line, matched from its start (sticky): blank, a comment, or an entry. No match = malformed. */
const LINE = new RegExp(String.raw`[ \t]*(?:#.*|${ENTRY})?$`, 'my');
const RATIO_FRACTION = /^(\d+)\/(\d+)$/;

export interface NmapServicesParse {
  index: NmapServicesIndex;
  /** The index's columns (for the derived cache). */
  columns: NmapColumns;
  /** The text and row offsets the index reads its lines from (what the derived cache stores as byte offsets). */
  lines: TextRowLines;
  /** Entries kept (first of each port/proto). */
  entries: number;
  /** Entries with an open frequency above 0. */
  withFrequency: number;
  /** Lines dropped because their port/proto was already listed (nmap keeps the first). */
  duplicates: number;
  /** Lines dropped because of a protocol nmap does not scan (ddp, divert …). */
  skippedProtocols: number;
}

/**
 * Where the line of a row is read again when its entry is made: from the file's
 * text after a parse, or from the file itself when the columns came from the
 * derived cache (nmap-services-columns.ts).
 */
export interface NmapRowLines {
  /** The row's line: `text` holds it from `start`; `lineNumber` is 1-based. */
  line(row: number): { text: string; start: number; lineNumber: number };
}

/**
 * nmap-services held in columns (typed arrays), one row per port/proto: the
 * real file has ~27,500 rows, and building that many entry objects, or even
 * their name and comment strings, up front costs more than the whole parse.
 * A row's line is read again (name, comment, line number) only when its
 * RegistryEntry is made, on the first lookup of its key, and that entry is then
 * reused. Entries added later with `add` are kept by the base class and
 * returned after the file's own row.
 */
export class NmapServicesIndex extends EntryIndex {
  readonly file: string;
  private readonly rowCount: number;
  private readonly lines: NmapRowLines;
  private readonly ports: Uint16Array;
  private readonly protocolCodes: Uint8Array;
  private readonly frequencies: Float64Array;
  /** Row of each (protocol code × 65536 + port), -1 when none. */
  private readonly rowByKey: Int32Array;
  private readonly materialized: (readonly RegistryEntry[] | undefined)[];

  /** @internal Built by {@link parseNmapServices} and the derived cache. */
  constructor(file: string, columns: NmapColumns, lines: NmapRowLines) {
    super('nmap');
    this.file = file;
    this.rowCount = columns.rowCount;
    this.lines = lines;
    this.ports = columns.ports;
    this.protocolCodes = columns.protocolCodes;
    this.frequencies = columns.frequencies;
    this.rowByKey = columns.rowByKey;
    this.materialized = new Array<readonly RegistryEntry[] | undefined>(columns.rowCount);
  }

  /** The open frequency of this port/proto; undefined when nmap-services does not list it. */
  frequency(protocol: Protocol, port: number): number | undefined {
    const row = this.rowOf(protocol, port);
    return row === -1 ? undefined : this.frequencies[row];
  }

  override lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    const row = this.rowOf(protocol, port);
    const added = super.lookup(protocol, port);
    if (row === -1) return added;
    const own = this.rowEntries(row);
    return added.length === 0 ? own : [...own, ...added];
  }

  override has(protocol: Protocol, port: number): boolean {
    return this.rowOf(protocol, port) !== -1 || super.has(protocol, port);
  }

  override get size(): number {
    return this.rowCount + super.size;
  }

  override *entries(): IterableIterator<RegistryEntry> {
    for (let row = 0; row < this.rowCount; row += 1) yield* this.rowEntries(row);
    yield* super.entries();
  }

  /**
   * Calls `visit` with the port and open frequency of every entry of `protocol`
   * (the file's rows, then added entries) without making entry objects: what
   * per-port tables (src/pick/port-marks.ts) need.
   */
  forEachPort(protocol: Protocol, visit: (port: number, frequency: number) => void): void {
    const code = nmapProtocolCode(protocol);
    if (code !== -1) {
      for (let row = 0; row < this.rowCount; row += 1) {
        if (this.protocolCodes[row] === code) visit(this.ports[row] as number, this.frequencies[row] as number);
      }
    }
    for (const entry of super.entries()) {
      if (entry.protocol === protocol) visit(entry.port, entry.extra.nmapFrequency ?? 0);
    }
  }

  /** Ports of `protocol` seen open (frequency > 0) with their frequencies, in file order. */
  seenOpen(protocol: Protocol): { port: number; frequency: number }[] {
    const code = nmapProtocolCode(protocol);
    const result: { port: number; frequency: number }[] = [];
    for (let row = 0; row < this.rowCount; row += 1) {
      const frequency = this.frequencies[row] as number;
      if (this.protocolCodes[row] === code && frequency > 0) result.push({ port: this.ports[row] as number, frequency });
    }
    return result;
  }

  private rowOf(protocol: Protocol, port: number): number {
    const code = nmapProtocolCode(protocol);
    if (code === -1 || !Number.isInteger(port) || port < 0 || port > 65535) return -1;
    return this.rowByKey[code * 65536 + port] as number;
  }

  private rowEntries(row: number): readonly RegistryEntry[] {
    let entries = this.materialized[row];
    if (entries === undefined) {
      const frequency = this.frequencies[row] as number;
      const port = this.ports[row] as number;
      const protocol = NMAP_PROTOCOLS[this.protocolCodes[row] as number] as Protocol;
      const { text, start, lineNumber } = this.lines.line(row);
      LINE.lastIndex = start;
      const match = LINE.exec(text);
      // The line parsed as this entry when the columns were made; anything else
      // means the file was rewritten since (the derived cache reads it again).
      if (match === null || match[1] === undefined || Number(match[2]) !== port || protocolCode(match[3] as string) !== NMAP_PROTOCOLS.indexOf(protocol)) {
        throw new RegistryParseError(`Expected the entry for ${port}/${protocol} here, got another line: the file changed while portpick read it; run the command again`, this.file, lineNumber);
      }
      const comment = match[5];
      const entry: RegistryEntry = {
        port,
        protocol,
        state: frequency > 0 ? 'assigned' : 'unknown',
        names: [match[1]],
        description: comment === undefined ? '' : isBlank(comment.charCodeAt(comment.length - 1)) ? comment.trimEnd() : comment,
        source: 'nmap',
        extra: { nmapFrequency: frequency, file: this.file, line: lineNumber },
      };
      entries = Object.freeze([entry]);
      this.materialized[row] = entries;
    }
    return entries;
  }
}

/** Row lines in the parsed text: each row's offset, and line numbers counted on first use. */
export class TextRowLines implements NmapRowLines {
  readonly text: string;
  /** Offset in `text` of each row's line. */
  readonly lineOffsets: Uint32Array;
  /** Offsets of every line start, built on the first entry made (for its line number). */
  private lineStarts: Uint32Array | undefined;

  constructor(text: string, lineOffsets: Uint32Array) {
    this.text = text;
    this.lineOffsets = lineOffsets;
  }

  line(row: number): { text: string; start: number; lineNumber: number } {
    const start = this.lineOffsets[row] as number;
    return { text: this.text, start, lineNumber: this.lineNumberAt(start) };
  }

  /** 1-based line number of the line starting at `offset`. */
  lineNumberAt(offset: number): number {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    // Binary search for the last line start ≤ offset.
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] as number) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }
}

function lineStartsOf(text: string): Uint32Array {
  let count = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  const starts = new Uint32Array(count);
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts[line++] = at + 1;
  return starts;
}

/** @internal The columns {@link NmapServicesIndex} is built from. */
export interface NmapColumns {
  rowCount: number;
  ports: Uint16Array;
  protocolCodes: Uint8Array;
  frequencies: Float64Array;
  rowByKey: Int32Array;
}

/** What the parse loop fills (one set of columns shared by both readings). */
class ColumnBuilder {
  readonly ports: Uint16Array;
  readonly protocolCodes: Uint8Array;
  readonly frequencies: Float64Array;
  readonly lineOffsets: Uint32Array;
  readonly rowByKey = new Int32Array(NMAP_PROTOCOLS.length * 65536).fill(-1);
  rowCount = 0;
  withFrequency = 0;
  duplicates = 0;
  skippedProtocols = 0;

  constructor(capacity: number) {
    this.ports = new Uint16Array(capacity);
    this.protocolCodes = new Uint8Array(capacity);
    this.frequencies = new Float64Array(capacity);
    this.lineOffsets = new Uint32Array(capacity);
  }

  /** Keys seen before are counted as duplicates (nmap keeps the first). False when the key was new. */
  isDuplicate(code: number, port: number): boolean {
    if (this.rowByKey[code * 65536 + port] === -1) return false;
    this.duplicates += 1;
    return true;
  }

  add(code: number, port: number, frequency: number, lineOffset: number): void {
    const row = this.rowCount;
    this.rowByKey[code * 65536 + port] = row;
    this.ports[row] = port;
    this.protocolCodes[row] = code;
    this.frequencies[row] = frequency;
    this.lineOffsets[row] = lineOffset;
    if (frequency > 0) this.withFrequency += 1;
    this.rowCount = row + 1;
  }

  result(text: string, file: string): NmapServicesParse {
    const { rowCount, ports, protocolCodes, frequencies, lineOffsets, rowByKey } = this;
    const lines = new TextRowLines(text, lineOffsets.subarray(0, rowCount));
    const index = new NmapServicesIndex(file, { rowCount, ports, protocolCodes, frequencies, rowByKey }, lines);
    const columns = { rowCount, ports: ports.subarray(0, rowCount), protocolCodes: protocolCodes.subarray(0, rowCount), frequencies: frequencies.subarray(0, rowCount), rowByKey };
    return { index, columns, lines, entries: rowCount, withFrequency: this.withFrequency, duplicates: this.duplicates, skippedProtocols: this.skippedProtocols };
  }
}

/**
 * Parses nmap-services text. `file` names the source in errors and in `extra.file`.
 *
 * LINE defines the format, line by line. A plain file (printable ASCII, tabs,
 * LF or CRLF line ends: every real nmap-services) is read by a character scanner
 * instead, which makes no string or match object per line (startup time: `check`
 * and `suggest` read the 27,000-line file on every run). Where the scanner meets
 * anything else (another character, a line LINE refuses, a field it would have
 * to refuse) it hands over to the line-by-line reading, which then reads the
 * whole text and reports any error; so both readings agree on every input.
 */
export function parseNmapServices(text: string, file: string): NmapServicesParse {
  // Rows never outnumber lines; count them once to size the columns.
  let capacity = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) capacity += 1;
  return scanPlainText(text, file, capacity) ?? readLines(text, file, capacity);
}

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const HASH = 0x23;
const SLASH = 0x2f;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DOT = 0x2e;
/** Exact powers of ten for the `0.ddd` fast path (10^n is exact in a double up to 10^22). */
const POWERS_OF_TEN = Array.from({ length: 16 }, (_, n) => 10 ** n);

/**
 * The character scanner; null where the line-by-line reading must decide. Within
 * its alphabet (printable ASCII and tab; CR only before LF) LINE's groups are
 * deterministic: the name is the first run of non-blanks, the port the digits up
 * to `/`, the protocol the next run of non-blanks, the ratio the next run when it
 * does not start with `#`, the comment the rest of the line after one optional `#`
 * and the blanks after it. Exported for the tests that compare both readings.
 */
export function scanPlainText(text: string, file: string, capacity = text.length + 1): NmapServicesParse | null {
  const columns = new ColumnBuilder(capacity);
  const length = text.length;
  let at = 0;
  while (at < length) {
    const lineStart = at;
    let c = text.charCodeAt(at);
    while (c === SPACE || c === TAB) c = text.charCodeAt(++at);
    if (c === HASH) {
      at = endOfComment(text, at + 1);
      if (at === -1) return null;
      at += 1;
      continue;
    }
    if (at >= length || c === LF || (c === CR && text.charCodeAt(at + 1) === LF)) {
      at += c === CR ? 2 : 1;
      continue;
    }
    // Name: a run of non-blanks, then blanks.
    at = endOfToken(text, at);
    c = text.charCodeAt(at);
    if (c !== SPACE && c !== TAB) return null;
    while (c === SPACE || c === TAB) c = text.charCodeAt(++at);
    // Port: digits, then `/`.
    let port = 0;
    const portStart = at;
    while (c >= DIGIT_0 && c <= DIGIT_9) {
      port = port * 10 + (c - DIGIT_0);
      if (port > 65535) return null;
      c = text.charCodeAt(++at);
    }
    if (at === portStart || c !== SLASH) return null;
    // Protocol: a run of non-blanks.
    const protocolStart = at + 1;
    at = endOfToken(text, protocolStart);
    if (at === protocolStart) return null;
    const code = plainProtocolCode(text, protocolStart, at);
    // Ratio: after blanks, a run of non-blanks not starting with `#`; then the
    // comment, after blanks, is the rest of the line (read when the entry is made).
    let ratioStart = -1;
    let ratioEnd = -1;
    c = text.charCodeAt(at);
    if (c === SPACE || c === TAB) {
      while (c === SPACE || c === TAB) c = text.charCodeAt(++at);
      if (c !== HASH && isPlainCharacter(c)) {
        ratioStart = at;
        ratioEnd = endOfToken(text, at);
        at = ratioEnd;
        c = text.charCodeAt(at);
      }
    }
    if (c === SPACE || c === TAB) at = endOfComment(text, at);
    else if (!(at >= length || c === LF || (c === CR && text.charCodeAt(at + 1) === LF))) return null;
    if (at === -1) return null;
    at = text.charCodeAt(at) === CR ? at + 2 : at + 1;
    if (code === -1) {
      columns.skippedProtocols += 1;
      continue;
    }
    if (columns.isDuplicate(code, port)) continue;
    const frequency = ratioStart === -1 ? 0 : plainRatio(text, ratioStart, ratioEnd);
    if (frequency === null) return null;
    columns.add(code, port, frequency, lineStart);
  }
  return columns.result(text, file);
}

/** The end of a run of printable non-blank ASCII starting at `at` (the scanner decides what the stop character means). */
function endOfToken(text: string, at: number): number {
  let c = text.charCodeAt(at);
  while (c > SPACE && c < 0x7f) c = text.charCodeAt(++at);
  return at;
}

/**
 * The line end (LF, the CR of CRLF, or the text's end) of comment text starting
 * at `at`; -1 at a lone CR or U+2028/U+2029, where LINE's `.`/`$` see a line
 * end the scanner does not.
 */
function endOfComment(text: string, at: number): number {
  const length = text.length;
  for (; at < length; at += 1) {
    const c = text.charCodeAt(at);
    if (c === LF) return at;
    if (c === CR) return text.charCodeAt(at + 1) === LF ? at : -1;
    if (c === 0x2028 || c === 0x2029) return -1;
  }
  return at;
}

/** Printable ASCII other than blanks: what a token may start with. */
function isPlainCharacter(c: number): boolean {
  return c > SPACE && c < 0x7f;
}

/**
 * protocolCode for text[start, end) without making a string. `c | 0x20` equals
 * a lowercase letter only for that letter and its capital, so this is exactly
 * "lowercase, then compare" on ASCII.
 */
function plainProtocolCode(text: string, start: number, end: number): number {
  const lower = (offset: number) => text.charCodeAt(start + offset) | 0x20;
  if (end - start === 3) {
    if (lower(0) === 0x74 && lower(1) === 0x63 && lower(2) === 0x70) return 0; // tcp
    if (lower(0) === 0x75 && lower(1) === 0x64 && lower(2) === 0x70) return 1; // udp
  } else if (end - start === 4) {
    if (lower(0) === 0x73 && lower(1) === 0x63 && lower(2) === 0x74 && lower(3) === 0x70) return 2; // sctp
  }
  return -1;
}

/** readRatio for text[start, end): `0.` and up to 15 digits exactly (a correctly rounded quotient, as Number reads it), else readRatio. */
function plainRatio(text: string, start: number, end: number): number | null {
  const digits = end - start - 2;
  if (digits >= 1 && digits <= 15 && text.charCodeAt(start) === DIGIT_0 && text.charCodeAt(start + 1) === DOT) {
    let value = 0;
    let at = start + 2;
    for (; at < end; at += 1) {
      const c = text.charCodeAt(at);
      if (c < DIGIT_0 || c > DIGIT_9) break;
      value = value * 10 + (c - DIGIT_0);
    }
    if (at === end) return value / (POWERS_OF_TEN[digits] as number);
  }
  return readRatio(text.slice(start, end));
}

/** The line-by-line reading (LINE at each line start); throws RegistryParseError at the first malformed line. */
function readLines(text: string, file: string, capacity: number): NmapServicesParse {
  const columns = new ColumnBuilder(capacity);
  let lineNumber = 0;
  let position = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (position < text.length) {
    let lineEnd = text.indexOf('\n', position);
    if (lineEnd === -1) lineEnd = text.length;
    lineNumber += 1;
    LINE.lastIndex = position;
    const match = LINE.exec(text);
    const lineStart = position;
    position = lineEnd + 1;
    if (match === null) {
      throw new RegistryParseError(
        `Expected \`name<TAB>port/protocol<TAB>frequency\`, got ${describeValue(clip(text.slice(lineStart, lineEnd).trim()))}`,
        file,
        lineNumber,
      );
    }
    if (match[1] === undefined) continue; // blank or comment
    const portText = match[2] as string;
    const port = Number(portText);
    if (port > 65535) {
      throw new RegistryParseError(`Expected a port from 0 to 65535, got \`${portText}\``, file, lineNumber);
    }
    const code = protocolCode(match[3] as string);
    if (code === -1) {
      columns.skippedProtocols += 1;
      continue;
    }
    if (columns.isDuplicate(code, port)) continue;
    const field = match[4];
    columns.add(code, port, field === undefined ? 0 : parseRatio(field, file, lineNumber), lineStart);
  }
  return columns.result(text, file);
}

/** nmap lowercases the protocol and keeps tcp, udp and sctp: their codes, else -1. */
function protocolCode(text: string): number {
  const code = nmapProtocolCode(text);
  return code === -1 ? nmapProtocolCode(text.toLowerCase()) : code;
}

/** Space, tab or CR (a CRLF file leaves the CR at the end of the line). */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d;
}

/** parseRatio without the errors: the frequency, or null where parseRatio would throw. */
function readRatio(field: string | undefined): number | null {
  if (field === undefined) return 0;
  // The common `0.xxxxxx` first: where Number reads the whole field to a finite
  // value, parseFloat reads the same (other fields go the long way below).
  if (field.charCodeAt(0) === 0x30 && field.charCodeAt(1) === 0x2e) {
    const value = Number(field);
    if (Number.isFinite(value)) return value;
  }
  const fraction = RATIO_FRACTION.exec(field);
  if (fraction !== null) {
    const numerator = Number(fraction[1]);
    const denominator = Number(fraction[2]);
    return denominator === 0 || numerator > denominator ? null : numerator / denominator;
  }
  return ratioFromText(field);
}

/** nmap's ratio rules: `n/d` (checked as nmap checks it) or `0.x…`; anything else is 0. */
function parseRatio(field: string, file: string, line: number): number {
  const fraction = RATIO_FRACTION.exec(field);
  if (fraction !== null) {
    const numerator = Number(fraction[1]);
    const denominator = Number(fraction[2]);
    if (denominator === 0) {
      throw new RegistryParseError(`Expected a ratio with a denominator above 0, got \`${field}\``, file, line);
    }
    if (numerator > denominator) {
      throw new RegistryParseError(`Expected a ratio of at most 1, got \`${field}\``, file, line);
    }
    return numerator / denominator;
  }
  return ratioFromText(field);
}

/** A field that is not `n/d`: `0.x…` as parseFloat reads it, anything else 0. */
function ratioFromText(field: string): number {
  if (field.startsWith('0.')) {
    const value = Number.parseFloat(field);
    return Number.isFinite(value) ? value : 0;
  }
  return 0;
}

function clip(line: string): string {
  return line.length > 80 ? `${line.slice(0, 77)}...` : line;
}

/**
 * The `n` ports of `protocol` with the highest open frequency (ties: lower port
 * first), as nmap's --top-ports orders them. Only ports seen open (frequency > 0)
 * count; when fewer exist, all of them are returned. Failing when the list is
 * empty or nmap-services is absent is the caller's decision.
 */
export function topPorts(index: EntryIndex, protocol: Protocol, n: number): number[] {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`Expected a whole number of top ports of at least 1, got ${describeValue(n)}`);
  }
  let ranked: { port: number; frequency: number }[];
  if (index instanceof NmapServicesIndex) ranked = index.seenOpen(protocol);
  else {
    ranked = [];
    for (const entry of index.entries()) {
      const frequency = entry.extra.nmapFrequency ?? 0;
      if (entry.protocol === protocol && frequency > 0) ranked.push({ port: entry.port, frequency });
    }
  }
  ranked.sort((a, b) => b.frequency - a.frequency || a.port - b.port);
  const ports: number[] = [];
  const seen = new Set<number>();
  for (const { port } of ranked) {
    if (ports.length === n) break;
    if (seen.has(port)) continue;
    seen.add(port);
    ports.push(port);
  }
  return ports;
}

export interface LoadNmapServicesOptions extends LocateContext {
  /** `--nmap-services FILE`: used alone; a missing file is an error, not a silent skip. */
  file?: string;
  /** Override the cache directory (else PORTPICK_CACHE_DIR or the platform default). */
  cacheDir?: string;
  /** Use and refresh the derived columns in the cache directory (default true; see nmap-services-columns.ts). */
  derivedCache?: boolean;
}

const HOW_TO_FIX = 'install nmap, run `portpick update`, or pass --nmap-services FILE';

/**
 * Loads nmap-services from, in order: `options.file`; portpick's cache (after
 * `portpick update`); a local nmap installation. When none exists the index is
 * null and the status says the check was not made and how to make it.
 * A file that exists but is malformed throws RegistryParseError.
 */
export async function loadNmapServices(options: LoadNmapServicesOptions = {}): Promise<SourceLoadResult> {
  let file: string | null = null;
  let tried: string[] = [];
  if (options.file !== undefined) {
    file = options.file;
  } else {
    const cached = await cachedFile('nmap', options);
    if (cached !== null) file = cached.path;
    else {
      const located = await locateNmapServices(options);
      file = located.found;
      tried = located.tried;
    }
  }
  if (file === null) {
    return {
      index: null,
      status: {
        id: 'nmap',
        available: false,
        origin: 'not found',
        entries: 0,
        note: `nmap-services not found (looked in portpick's cache and ${tried.join(', ')}): the check against ports seen open in the wild was NOT made; ${HOW_TO_FIX}`,
      },
    };
  }
  const { index, entries, withFrequency } = readNmapServicesFile(file, options.derivedCache === false ? null : resolveCacheDir(options));
  const status = {
    id: 'nmap' as const,
    available: true,
    origin: file,
    entries,
    ...(await modifiedTime(file)),
    ...(withFrequency === 0 ? { note: 'this file has no open frequencies: --top-ports and ranking by use are unavailable' } : {}),
  };
  return { index, status };
}

/** The file's index: from the derived columns under `cacheDir` when they match the file, else parsed (and the columns stored). */
function readNmapServicesFile(file: string, cacheDir: string | null): { index: NmapServicesIndex; entries: number; withFrequency: number } {
  const cachePath = cacheDir === null ? null : derivedPath(cacheDir, NMAP_COLUMNS_KIND, file);
  if (cachePath !== null) {
    const identity = sourceIdentity(file);
    const derived = identity === null ? null : readDerivedColumns(cachePath, file, identity);
    if (derived !== null) {
      return { index: new NmapServicesIndex(file, derived.columns, derived.lines), entries: derived.columns.rowCount, withFrequency: derived.withFrequency };
    }
  }
  let source: ReturnType<typeof readSource>;
  try {
    // One synchronous read: for a 1 MB file it is several times cheaper than the
    // chunked promise reader with its string decoder, and nothing else waits.
    source = readSource(file);
  } catch (error) {
    throw new FileAccessError(`Expected a readable nmap-services file at ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
  const parsed = parseNmapServices(source.bytes.toString('utf8'), file);
  if (cachePath !== null) writeDerivedColumns(cachePath, file, source.identity, source.bytes, parsed);
  return { index: parsed.index, entries: parsed.entries, withFrequency: parsed.withFrequency };
}
