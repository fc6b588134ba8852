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
import { digestPath, readNmapDigest, readSameSource, readSource, sourceIdentity, writeNmapDigest } from './digest.js';
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
  /** Entries kept (first of each port/proto). */
  entries: number;
  /** Entries with an open frequency above 0. */
  withFrequency: number;
  /** Lines dropped because their port/proto was already listed (nmap keeps the first). */
  duplicates: number;
  /** Lines dropped because of a protocol nmap does not scan (ddp, divert …). */
  skippedProtocols: number;
}

/** @internal One row per port/proto kept, in file order. */
export interface NmapColumns {
  ports: Uint16Array;
  protocolCodes: Uint8Array;
  frequencies: Float64Array;
  /** 1-based line of each row in its file. */
  lineNumbers: Uint32Array;
}

/**
 * nmap-services held in columns (typed arrays), one row per port/proto: the
 * real file has ~27,500 rows, and building that many entry objects up front
 * costs more than the whole parse. A row's line is matched again (name,
 * comment) only when its RegistryEntry is made, on the first lookup of its key,
 * and that entry is then reused. Entries added later with `add` are kept by the
 * base class and returned after the file's own row.
 */
export class NmapServicesIndex extends EntryIndex {
  readonly file: string;
  /** @internal What the digest stores. */
  readonly columns: NmapColumns;
  /** @internal The text of a row's line. */
  readonly line: (row: number) => string;
  /** Row of each (protocol code × 65536 + port), -1 when none. */
  private readonly rowByKey = new Int32Array(NMAP_PROTOCOLS.length * 65536).fill(-1);
  private readonly materialized: (readonly RegistryEntry[] | undefined)[];

  /** @internal Built by {@link parseNmapServices} and the digest. */
  constructor(file: string, columns: NmapColumns, line: (row: number) => string) {
    super('nmap');
    this.file = file;
    this.columns = columns;
    this.line = line;
    for (let row = 0; row < columns.ports.length; row += 1) {
      this.rowByKey[(columns.protocolCodes[row] as number) * 65536 + (columns.ports[row] as number)] = row;
    }
    this.materialized = new Array<readonly RegistryEntry[] | undefined>(columns.ports.length);
  }

  /** The open frequency of this port/proto; undefined when nmap-services does not list it. */
  frequency(protocol: Protocol, port: number): number | undefined {
    const row = this.rowOf(protocol, port);
    return row === -1 ? undefined : this.columns.frequencies[row];
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
    return this.columns.ports.length + super.size;
  }

  override *entries(): IterableIterator<RegistryEntry> {
    for (let row = 0; row < this.columns.ports.length; row += 1) yield* this.rowEntries(row);
    yield* super.entries();
  }

  /**
   * Calls `visit` with the port and open frequency of every entry of `protocol`
   * (the file's rows, then added entries) without making entry objects: what
   * per-port tables (src/pick/port-marks.ts) need.
   */
  forEachPort(protocol: Protocol, visit: (port: number, frequency: number) => void): void {
    const { ports, protocolCodes, frequencies } = this.columns;
    const code = nmapProtocolCode(protocol);
    for (let row = 0; row < ports.length; row += 1) {
      if (protocolCodes[row] === code) visit(ports[row] as number, frequencies[row] as number);
    }
    for (const entry of super.entries()) {
      if (entry.protocol === protocol) visit(entry.port, entry.extra.nmapFrequency ?? 0);
    }
  }

  /** Ports of `protocol` seen open (frequency > 0) with their frequencies, in file order. */
  seenOpen(protocol: Protocol): { port: number; frequency: number }[] {
    const result: { port: number; frequency: number }[] = [];
    this.forEachPort(protocol, (port, frequency) => {
      if (frequency > 0) result.push({ port, frequency });
    });
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
      const { ports, protocolCodes, frequencies, lineNumbers } = this.columns;
      const frequency = frequencies[row] as number;
      LINE.lastIndex = 0;
      const match = LINE.exec(this.line(row)) as RegExpExecArray; // the line parsed as this row
      const comment = match[5];
      const entry: RegistryEntry = {
        port: ports[row] as number,
        protocol: NMAP_PROTOCOLS[protocolCodes[row] as number] as Protocol,
        state: frequency > 0 ? 'assigned' : 'unknown',
        names: [match[1] as string],
        description: comment === undefined ? '' : comment.replace(/[ \t\r]+$/, ''),
        source: 'nmap',
        extra: { nmapFrequency: frequency, file: this.file, line: lineNumbers[row] as number },
      };
      entries = Object.freeze([entry]);
      this.materialized[row] = entries;
    }
    return entries;
  }
}

/**
 * Parses nmap-services text line by line (LINE); throws RegistryParseError at
 * the first malformed line. `file` names the source in errors and in `extra.file`.
 */
export function parseNmapServices(text: string, file: string): NmapServicesParse {
  // Rows never outnumber lines; count them once to size the columns.
  let capacity = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) capacity += 1;
  const ports = new Uint16Array(capacity);
  const protocolCodes = new Uint8Array(capacity);
  const frequencies = new Float64Array(capacity);
  const lineNumbers = new Uint32Array(capacity);
  const lineStarts = new Uint32Array(capacity);
  const seen = new Uint8Array(NMAP_PROTOCOLS.length * 65536);
  let rows = 0;
  let withFrequency = 0;
  let duplicates = 0;
  let skippedProtocols = 0;
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
      skippedProtocols += 1;
      continue;
    }
    if (seen[code * 65536 + port] === 1) {
      duplicates += 1;
      continue;
    }
    seen[code * 65536 + port] = 1;
    const field = match[4];
    const frequency = field === undefined ? 0 : parseRatio(field, file, lineNumber);
    if (frequency > 0) withFrequency += 1;
    ports[rows] = port;
    protocolCodes[rows] = code;
    frequencies[rows] = frequency;
    lineNumbers[rows] = lineNumber;
    lineStarts[rows] = lineStart;
    rows += 1;
  }
  const columns = { ports: ports.slice(0, rows), protocolCodes: protocolCodes.slice(0, rows), frequencies: frequencies.slice(0, rows), lineNumbers: lineNumbers.slice(0, rows) };
  const line = (row: number): string => {
    const start = lineStarts[row] as number;
    const end = text.indexOf('\n', start);
    return text.slice(start, end === -1 ? text.length : end);
  };
  return { index: new NmapServicesIndex(file, columns, line), entries: rows, withFrequency, duplicates, skippedProtocols };
}

/** nmap lowercases the protocol and keeps tcp, udp and sctp: their codes, else -1. */
function protocolCode(text: string): number {
  const code = nmapProtocolCode(text);
  return code === -1 ? nmapProtocolCode(text.toLowerCase()) : code;
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
  /** Use and refresh the file's digest in the cache directory (default true; see digest.ts). */
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

/** The file's parse: from its digest under `cacheDir` when that matches the file, else parsed (and the digest stored). */
function readNmapServicesFile(file: string, cacheDir: string | null): NmapServicesParse {
  const digestFile = cacheDir === null ? null : digestPath(cacheDir, 'nmap-services', file);
  const identity = digestFile === null ? null : sourceIdentity(file);
  const digested =
    digestFile === null || identity === null
      ? null
      : readNmapDigest(digestFile, { file, identity }, () => parseNmapServices(readSameSource({ file, identity }).toString('utf8'), file));
  if (digested !== null) return { ...digested.header, index: new NmapServicesIndex(file, digested.columns, digested.line) };
  let source: ReturnType<typeof readSource>;
  try {
    source = readSource(file);
  } catch (error) {
    throw new FileAccessError(`Expected a readable nmap-services file at ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
  const parsed = parseNmapServices(source.bytes.toString('utf8'), file);
  if (digestFile !== null) writeNmapDigest(digestFile, { file, identity: source.identity }, parsed);
  return parsed;
}
