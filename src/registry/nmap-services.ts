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
import { readFile } from 'node:fs/promises';
import { FileAccessError, InvalidArgumentError, RegistryParseError, describeValue } from '../errors/index.js';
import { cachedFile } from './cache.js';
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
/** The start of a line LINE would refuse (the same pattern, negated). */
const MALFORMED_LINE = new RegExp(String.raw`^(?![ \t]*(?:#.*|${ENTRY})?$)`, 'm');
/** Every entry line, found by one scan; at each line start it matches exactly where LINE finds an entry. */
const ENTRY_LINE = new RegExp(String.raw`^[ \t]*(?!#)${ENTRY}$`, 'gm');
/**
 * Text in which `^` and `$` (multiline) would see line ends other than LF and
 * CRLF, which ENTRY_LINE cannot tell from LINE's line-by-line reading.
 */
const OTHER_LINE_BREAKS = /\r(?!\n)|[\u2028\u2029]/;
const RATIO_FRACTION = /^(\d+)\/(\d+)$/;

export interface NmapServicesParse {
  index: NmapServicesIndex;
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
 * nmap-services held in columns (typed arrays), one row per port/proto: the
 * real file has ~27,500 rows, and building that many entry objects, or even
 * their name and comment strings, up front costs more than the whole parse.
 * Each row keeps the offset of its line in the file's text; the line is read
 * again (name, comment, line number) only when its RegistryEntry is made, on the
 * first lookup of its key, and that entry is then reused. Entries added later
 * with `add` are kept by the base class and returned after the file's own row.
 */
export class NmapServicesIndex extends EntryIndex {
  readonly file: string;
  private readonly rowCount: number;
  private readonly text: string;
  private readonly ports: Uint16Array;
  private readonly protocolCodes: Uint8Array;
  private readonly frequencies: Float64Array;
  /** Offset in `text` of each row's line. */
  private readonly lineOffsets: Uint32Array;
  /** Row of each (protocol code × 65536 + port), -1 when none. */
  private readonly rowByKey: Int32Array;
  private readonly materialized: (readonly RegistryEntry[] | undefined)[];
  /** Offsets of every line start, built on the first entry made (for its line number). */
  private lineStarts: Uint32Array | undefined;

  /** @internal Built by {@link parseNmapServices}. */
  constructor(file: string, columns: NmapColumns) {
    super('nmap');
    this.file = file;
    this.rowCount = columns.rowCount;
    this.text = columns.text;
    this.ports = columns.ports;
    this.protocolCodes = columns.protocolCodes;
    this.frequencies = columns.frequencies;
    this.lineOffsets = columns.lineOffsets;
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
      const offset = this.lineOffsets[row] as number;
      // The line parsed as an entry when the file was read, so LINE matches it again.
      LINE.lastIndex = offset;
      const match = LINE.exec(this.text) as RegExpExecArray;
      const comment = match[5];
      const entry: RegistryEntry = {
        port: this.ports[row] as number,
        protocol: NMAP_PROTOCOLS[this.protocolCodes[row] as number] as Protocol,
        state: frequency > 0 ? 'assigned' : 'unknown',
        names: [match[1] as string],
        description: comment === undefined ? '' : isBlank(comment.charCodeAt(comment.length - 1)) ? comment.trimEnd() : comment,
        source: 'nmap',
        extra: { nmapFrequency: frequency, file: this.file, line: this.lineNumberAt(offset) },
      };
      entries = Object.freeze([entry]);
      this.materialized[row] = entries;
    }
    return entries;
  }

  /** 1-based line number of the line starting at `offset`. */
  private lineNumberAt(offset: number): number {
    if (this.lineStarts === undefined) {
      const text = this.text;
      let count = 1;
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
      const starts = new Uint32Array(count);
      let line = 1;
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) starts[line++] = at + 1;
      this.lineStarts = starts;
    }
    // Binary search for the last line start ≤ offset.
    const starts = this.lineStarts;
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

/** @internal The columns {@link NmapServicesIndex} is built from. */
export interface NmapColumns {
  rowCount: number;
  /** The file's text, which `lineOffsets` point into. */
  text: string;
  ports: Uint16Array;
  protocolCodes: Uint8Array;
  frequencies: Float64Array;
  lineOffsets: Uint32Array;
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
    const index = new NmapServicesIndex(file, { rowCount, text, ports, protocolCodes, frequencies, lineOffsets, rowByKey });
    return { index, entries: rowCount, withFrequency: this.withFrequency, duplicates: this.duplicates, skippedProtocols: this.skippedProtocols };
  }
}

/**
 * Parses nmap-services text. `file` names the source in errors and in `extra.file`.
 *
 * LINE defines the format, line by line. A well-formed file is read by one
 * ENTRY_LINE scan instead, which skips comment lines inside the regular
 * expression engine and leaves less work per line (startup time: `check` and
 * `suggest` read the 27,000-line file on every run). The scan is used only when
 * it must agree with the line-by-line reading: no line LINE refuses
 * (MALFORMED_LINE), no byte-order mark, no line ends but LF and CRLF; and it
 * hands over to the line-by-line reading, which then reports the error, on the
 * first field it would refuse (a port above 65535, an impossible ratio).
 */
export function parseNmapServices(text: string, file: string): NmapServicesParse {
  // Rows never outnumber lines; count them once to size the columns.
  let capacity = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) capacity += 1;
  const canScan = text.charCodeAt(0) !== 0xfeff && !OTHER_LINE_BREAKS.test(text) && !MALFORMED_LINE.test(text);
  return (canScan ? scanEntries(text, file, capacity) : null) ?? readLines(text, file, capacity);
}

/** The one-scan reading; null when a field needs the line-by-line reading's error. */
function scanEntries(text: string, file: string, capacity: number): NmapServicesParse | null {
  const columns = new ColumnBuilder(capacity);
  ENTRY_LINE.lastIndex = 0;
  for (let match = ENTRY_LINE.exec(text); match !== null; match = ENTRY_LINE.exec(text)) {
    const port = Number(match[2]);
    if (port > 65535) return null;
    const code = protocolCode(match[3] as string);
    if (code === -1) {
      columns.skippedProtocols += 1;
      continue;
    }
    if (columns.isDuplicate(code, port)) continue;
    const frequency = readRatio(match[4]);
    if (frequency === null) return null;
    columns.add(code, port, frequency, match.index);
  }
  return columns.result(text, file);
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
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FileAccessError(`Expected a readable nmap-services file at ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
  const parsed = parseNmapServices(text, file);
  const status = {
    id: 'nmap' as const,
    available: true,
    origin: file,
    entries: parsed.entries,
    ...(await modifiedTime(file)),
    ...(parsed.withFrequency === 0 ? { note: 'this file has no open frequencies: --top-ports and ranking by use are unavailable' } : {}),
  };
  return { index: parsed.index, status };
}
