/**
 * Digests: what portpick computed from a registry file, kept so that a command
 * need not parse the file again: the shipped IANA snapshot (made at build time
 * from data/iana, scripts/build-iana-snapshot.mjs) and, in the cache
 * directory, the digests of the IANA and nmap-services files a user's commands
 * read. docs/architecture.md gives the measurements that keep them.
 *
 * A digest holds a header (JSON), columns (typed arrays) and rows (strings read
 * back one at a time, so a lookup decodes only what it needs). One in the cache
 * belongs to one source file: its path and identity (device, inode, size,
 * modification and change times in nanoseconds), taken from the open file
 * before it was read. Any difference, damage or another format is a miss: the
 * caller parses the file and writes the digest again. Writing is best effort and
 * atomic (temporary file, rename); deleting a digest is always safe.
 *
 * Layout: one line of JSON (the frame: format, kind, source, header, columns'
 * types and lengths), then each column's bytes in this machine's order, the
 * rows' end offsets (Uint32) and the rows as UTF-8.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../node-crypto.js';
import { FileAccessError } from '../errors/file-access-error.js';
import { RecordIanaRegistry, checkPort, checkProtocol, entriesForRows, interpretRow, type IanaRecord, type InterpretedRow } from './iana-registry.js';
import { STATE_BY_RANK } from './iana-status.js';
import type { IanaRegistry } from './loaded-sources.js';
import type { NmapColumns, NmapServicesParse } from './nmap-services.js';
import { PROTOCOLS, type Protocol, type RegistryEntry, type RegistryState } from './types.js';

const FORMAT = 'portpick-digest/1';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const ARRAY_TYPES = { Uint8Array, Uint16Array, Int32Array, Uint32Array, Float64Array } as const;
type ArrayTypeName = keyof typeof ARRAY_TYPES;
export type Column = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array;

/** One version of a source file: device, inode, size, modification and change times (ns). */
export type SourceIdentity = string;

/** The file a digest was made from; null for the shipped snapshot, which belongs to the package. */
export type DigestSource = { file: string; identity: SourceIdentity } | null;

export interface DigestContent<Header> {
  header: Header;
  columns: Record<string, Column>;
  rows: readonly string[];
}

export interface Digest<Header> {
  header: Header;
  columns: Record<string, Column>;
  rowCount: number;
  row(index: number): string;
}

interface Frame<Header> {
  format: typeof FORMAT;
  kind: string;
  source: DigestSource;
  littleEndian: boolean;
  header: Header;
  columns: Array<[string, ArrayTypeName, number]>;
  rows: number;
}

/** The source file's bytes and identity, both from one open file (throws the open or read error). */
export function readSource(file: string): { bytes: Buffer; identity: SourceIdentity } {
  const fd = openSync(file, 'r');
  try {
    return { identity: identityOf(fstatSync(fd, { bigint: true })), bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}

/**
 * The source file's bytes again, for rows its digest can no longer give
 * (readDigest's `reread`): a FileAccessError when the file cannot be read or
 * is no longer the version the digest was made from.
 */
export function readSameSource(source: { file: string; identity: SourceIdentity }): Buffer {
  let read: ReturnType<typeof readSource>;
  try {
    read = readSource(source.file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new FileAccessError(`Expected ${source.file} to be readable again (its cached digest has gone), got ${code}`, source.file, { cause: error });
  }
  if (read.identity !== source.identity) {
    throw new FileAccessError(`Expected ${source.file} as it was when the sources were loaded, got a changed file: load the sources again`, source.file);
  }
  return read.bytes;
}

/** The identity of `file` now, or null when it cannot be read. */
export function sourceIdentity(file: string): SourceIdentity | null {
  try {
    return identityOf(statSync(file, { bigint: true }));
  } catch {
    return null;
  }
}

function identityOf(stats: BigIntStats): SourceIdentity {
  return [stats.dev, stats.ino, stats.size, stats.mtimeNs, stats.ctimeNs].join(':');
}

/** Where the digest of `kind` for `file` lives under `cacheDir`. */
export function digestPath(cacheDir: string, kind: string, file: string): string {
  const key = nodeCrypto().createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'derived', `${kind}-${key}.bin`);
}

/** Stores a digest at `target`. Best effort: false when nothing was stored. */
export function writeDigest<Header>(target: string, kind: string, source: DigestSource, content: DigestContent<Header>): boolean {
  const rowEnds = new Uint32Array(content.rows.length);
  let end = 0;
  content.rows.forEach((row, index) => (rowEnds[index] = end += Buffer.byteLength(row, 'utf8')));
  const columns = Object.entries(content.columns);
  const frame: Frame<Header> = {
    format: FORMAT,
    kind,
    source,
    littleEndian: LITTLE_ENDIAN,
    header: content.header,
    columns: columns.map(([name, column]) => [name, column.constructor.name as ArrayTypeName, column.length]),
    rows: content.rows.length,
  };
  const bytes = (column: Column) => new Uint8Array(column.buffer, column.byteOffset, column.byteLength);
  const parts = [Buffer.from(`${JSON.stringify(frame)}\n`, 'utf8'), ...columns.map(([, column]) => bytes(column)), bytes(rowEnds), Buffer.from(content.rows.join(''), 'utf8')];
  const temporary = `${target}.${nodeCrypto().randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(path.dirname(target), { recursive: true });
  } catch {
    return false;
  }
  try {
    const fd = openSync(temporary, 'wx', 0o644);
    try {
      for (const part of parts) for (let at = 0; at < part.length; ) at += writeSync(fd, part, at);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
    return true;
  } catch {
    rmSync(temporary, { force: true });
    return false;
  }
}

/**
 * The digest of `kind` stored at `file` for `source`; null on any miss or damage.
 *
 * Only the frame, the columns and the rows' offsets are read here: the rows
 * (2.6 of the official IANA CSV digest's 3.1 MB) are read when asked for, one
 * at a time, since a command decodes a handful of the thousands; a caller that
 * asks for more than SINGLE_ROW_READS gets the rest from one read of them all.
 * Each read checks that `file` is still the one read here (device, inode,
 * size, times: digests are replaced, never rewritten in place). When it has
 * gone or changed (a cache directory emptied, a digest replaced), the rows come
 * from `reread`: the caller's way to make them again from the source, which
 * throws when the source itself has changed since.
 */
export function readDigest<Header>(file: string, kind: string, source: DigestSource, reread: () => readonly string[]): Digest<Header> | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const stats = fstatSync(fd, { bigint: true });
    const size = Number(stats.size);
    const start = readAt(fd, 0, Math.min(size, FRAME_READ));
    const frameEnd = start.indexOf(0x0a);
    if (frameEnd < 0) return null;
    const frame = JSON.parse(start.toString('utf8', 0, frameEnd)) as Frame<Header>;
    if (frame.format !== FORMAT || frame.kind !== kind || frame.littleEndian !== LITTLE_ENDIAN || !sameSource(frame.source, source)) return null;
    let headEnd = frameEnd + 1 + frame.rows * Uint32Array.BYTES_PER_ELEMENT;
    for (const [, typeName, length] of frame.columns) headEnd += ARRAY_TYPES[typeName].BYTES_PER_ELEMENT * length;
    if (headEnd > size) return null;
    const head = headEnd <= start.length ? start : readAt(fd, 0, headEnd);
    let at = frameEnd + 1;
    const take = (type: new (length: number) => Column, length: number): Column => {
      const column = new type(length);
      new Uint8Array(column.buffer).set(head.subarray(at, at + column.byteLength));
      at += column.byteLength;
      return column;
    };
    const columns: Record<string, Column> = {};
    for (const [name, typeName, length] of frame.columns) columns[name] = take(ARRAY_TYPES[typeName], length);
    const rowEnds = take(Uint32Array, frame.rows) as Uint32Array;
    if (headEnd + (rowEnds[frame.rows - 1] ?? 0) !== size) return null;
    const row = rowReader({ file, identity: identityOf(stats), rowsStart: headEnd, rowEnds, reread });
    return { header: frame.header, columns, rowCount: frame.rows, row };
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The first read of a digest: its frame, and the whole head of a small one. */
const FRAME_READ = 64 * 1024;
/** Rows read one at a time before the rest are read at once. */
const SINGLE_ROW_READS = 32;

interface StoredRows {
  file: string;
  identity: SourceIdentity;
  rowsStart: number;
  rowEnds: Uint32Array;
  reread: () => readonly string[];
}

function rowReader(stored: StoredRows): (index: number) => string {
  const { rowEnds } = stored;
  const offset = (index: number): number => (index === 0 ? 0 : (rowEnds[index - 1] as number));
  let singleReads = 0;
  let all: readonly string[] | undefined;
  return (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= rowEnds.length) throw new RangeError(`no row ${index} in a digest of ${rowEnds.length}`);
    if (all === undefined && singleReads < SINGLE_ROW_READS) {
      singleReads += 1;
      const bytes = readRows(stored, offset(index), rowEnds[index] as number);
      if (bytes !== null) return bytes.toString('utf8');
    }
    if (all === undefined) {
      const bytes = readRows(stored, 0, rowEnds[rowEnds.length - 1] ?? 0);
      all = bytes === null ? stored.reread() : Array.from(rowEnds, (end, at) => bytes.toString('utf8', offset(at), end));
      if (all.length !== rowEnds.length) throw new RangeError(`expected ${rowEnds.length} rows from the source again, got ${all.length}`);
    }
    return all[index] as string;
  };
}

/** Bytes [from, to) of the rows, when the digest file is still the one read; null when it has gone or changed. */
function readRows(stored: StoredRows, from: number, to: number): Buffer | null {
  let fd: number | undefined;
  try {
    fd = openSync(stored.file, 'r');
    if (identityOf(fstatSync(fd, { bigint: true })) !== stored.identity) return null;
    return readAt(fd, stored.rowsStart + from, to - from);
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** `length` bytes at `position` (RangeError when the file ends first). */
function readAt(fd: number, position: number, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let at = 0; at < length; ) {
    const got = readSync(fd, bytes, at, length - at, position + at);
    if (got === 0) throw new RangeError('truncated');
    at += got;
  }
  return bytes;
}

function sameSource(stored: DigestSource, wanted: DigestSource): boolean {
  return stored === null || wanted === null ? stored === wanted : stored.file === wanted.file && stored.identity === wanted.identity;
}

// The IANA registry: each protocol's aggregated state ranks; each record's
// ports, protocol and whether it carries unauthorized-use text; the records as JSON.

const IANA_KIND = 'iana-registry';
const PROTOCOL_CODE: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2, dccp: 3 };
/** Protocol code of a record without a protocol (it covers every transport). */
const EVERY_PROTOCOL = 4;

interface IanaHeader {
  origin: string;
  updated: string | null;
  /** The file entries name in extra.file (with their line); null for the snapshot. */
  file: string | null;
  entryCount: number;
}

interface IanaColumns {
  ranks: Record<Protocol, Uint8Array>;
  /** Per record: first and last port, -1 for records that only register a name. */
  starts: Int32Array;
  ends: Int32Array;
  protocols: Uint8Array;
  /** Per record: 1 when it carries unauthorized-use text. */
  unauthorized: Uint8Array;
  /** Records of one port, by port then file order; records of a range of ports, in file order. */
  singles: Uint32Array;
  ranges: Uint32Array;
}

/** Digests a registry parsed from `source` (its entries then name the file) or the snapshot's CSV. Best effort: false when nothing was stored. */
export function writeIanaDigest(target: string, source: DigestSource, registry: RecordIanaRegistry): boolean {
  const records = registry.records;
  const start = (id: number) => records[id]?.ports?.start ?? -1;
  const end = (id: number) => records[id]?.ports?.end ?? -1;
  const ids = [...records.keys()];
  const columns: Record<string, Column> = {
    starts: Int32Array.from(ids, start),
    ends: Int32Array.from(ids, end),
    protocols: Uint8Array.from(records, (record) => (record.protocol === null ? EVERY_PROTOCOL : PROTOCOL_CODE[record.protocol])),
    unauthorized: Uint8Array.from(records, (record) => (record.unauthorizedUse ? 1 : 0)),
    singles: Uint32Array.from(ids.filter((id) => start(id) >= 0 && start(id) === end(id)).sort((a, b) => start(a) - start(b) || a - b)),
    ranges: Uint32Array.from(ids.filter((id) => start(id) !== end(id))),
  };
  for (const protocol of PROTOCOLS) columns[protocol] = registry.stateRanks(protocol);
  const header: IanaHeader = { origin: registry.origin, updated: registry.updated ?? null, file: source?.file ?? null, entryCount: registry.entryCount };
  return writeDigest(target, IANA_KIND, source, { header, columns, rows: ianaRows(registry) });
}

function ianaRows(registry: RecordIanaRegistry): string[] {
  return registry.records.map((record) => JSON.stringify(record));
}

/**
 * The registry a digest holds; null on any miss. `reparse` parses the source
 * again, for rows the digest file can no longer give (see readDigest).
 */
export function readIanaDigest(file: string, source: DigestSource, reparse: () => RecordIanaRegistry): IanaRegistry | null {
  const digest = readDigest<IanaHeader>(file, IANA_KIND, source, () => ianaRows(reparse()));
  if (digest === null) return null;
  const { starts, ends, protocols, unauthorized, singles, ranges } = digest.columns;
  const ranks = Object.fromEntries(PROTOCOLS.map((protocol) => [protocol, digest.columns[protocol]])) as Record<Protocol, Uint8Array>;
  const columns = { ranks, starts, ends, protocols, unauthorized, singles, ranges } as IanaColumns;
  const whole = [starts, ends, protocols, unauthorized].every((column) => column?.length === digest.rowCount) && Object.values(ranks).every((table) => table?.length === 65536);
  return whole && singles?.every((id) => id < digest.rowCount) && ranges?.every((id) => id < digest.rowCount) ? new DigestIanaRegistry(digest, columns) : null;
}

/** IanaRegistry answered from a digest: states from the stored ranks, and only the records a lookup needs decoded. */
class DigestIanaRegistry implements IanaRegistry {
  readonly origin: string;
  readonly updated: string | undefined;
  readonly entryCount: number;
  private readonly file: string | undefined;
  private readonly decoded = new Map<number, IanaRecord>();
  private readonly lookups = new Map<number, readonly RegistryEntry[]>();
  /** Per protocol: 1 on the ports of records that carry unauthorized-use text. */
  private readonly unauthorizedMasks = new Map<Protocol, Uint8Array>();
  private whole: RecordIanaRegistry | undefined;

  constructor(
    private readonly digest: Digest<IanaHeader>,
    private readonly columns: IanaColumns,
  ) {
    this.origin = digest.header.origin;
    this.updated = digest.header.updated ?? undefined;
    this.entryCount = digest.header.entryCount;
    this.file = digest.header.file ?? undefined;
  }

  stateOf(protocol: Protocol, port: number): RegistryState {
    checkProtocol(protocol);
    checkPort(port);
    return STATE_BY_RANK[this.columns.ranks[protocol][port] as number] ?? 'unknown';
  }

  stateRanks(protocol: Protocol): Uint8Array {
    checkProtocol(protocol);
    return this.columns.ranks[protocol];
  }

  lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    checkProtocol(protocol);
    checkPort(port);
    const key = PROTOCOL_CODE[protocol] * 65536 + port;
    let entries = this.lookups.get(key);
    if (entries === undefined) {
      const rows = this.coveringIds(protocol, port).map((id) => interpretRow(this.record(id)));
      entries = entriesForRows(rows, protocol, port, this.file);
      this.lookups.set(key, entries);
    }
    return entries;
  }

  /** Outside the mask no covering record has the text; inside, lookup decides (a range's text may name only some of its ports). */
  hasUnauthorizedUse(protocol: Protocol, port: number): boolean {
    checkProtocol(protocol);
    checkPort(port);
    let mask = this.unauthorizedMasks.get(protocol);
    if (mask === undefined) {
      mask = new Uint8Array(65536);
      const { starts, ends, unauthorized } = this.columns;
      for (let id = 0; id < unauthorized.length; id += 1) {
        if (unauthorized[id] === 1 && (starts[id] as number) >= 0 && this.applies(id, protocol)) mask.fill(1, starts[id], (ends[id] as number) + 1);
      }
      this.unauthorizedMasks.set(protocol, mask);
    }
    return mask[port] === 1 && this.lookup(protocol, port).some((entry) => entry.extra.unauthorizedUse);
  }

  /** Decodes every record once (names are not indexed in the digest). */
  byName(name: string): readonly RegistryEntry[] {
    this.whole ??= new RecordIanaRegistry(
      Array.from({ length: this.digest.rowCount }, (_, id) => this.record(id)),
      { origin: this.origin, updated: this.updated, ...(this.file === undefined ? {} : { file: this.file }) },
    );
    return this.whole.byName(name);
  }

  /** Records covering (protocol, port), in file order. */
  private coveringIds(protocol: Protocol, port: number): number[] {
    const { starts, ends, singles, ranges } = this.columns;
    const ids: number[] = [];
    let low = 0;
    let high = singles.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((starts[singles[middle] as number] as number) < port) low = middle + 1;
      else high = middle;
    }
    for (let at = low; at < singles.length && starts[singles[at] as number] === port; at += 1) ids.push(singles[at] as number);
    for (const id of ranges) if ((starts[id] as number) <= port && port <= (ends[id] as number)) ids.push(id);
    return ids.filter((id) => this.applies(id, protocol)).sort((a, b) => a - b);
  }

  /** Record `id` is of `protocol` or of every protocol. */
  private applies(id: number, protocol: Protocol): boolean {
    const code = this.columns.protocols[id];
    return code === PROTOCOL_CODE[protocol] || code === EVERY_PROTOCOL;
  }

  private record(id: number): IanaRecord {
    let record = this.decoded.get(id);
    if (record === undefined) {
      record = JSON.parse(this.digest.row(id)) as IanaRecord;
      this.decoded.set(id, record);
    }
    return record;
  }
}

// nmap-services: the index's columns and each row's line.

const NMAP_KIND = 'nmap-services';

type NmapHeader = Omit<NmapServicesParse, 'index'>;

/** Digests a parse of nmap-services. Best effort: false when nothing was stored. */
export function writeNmapDigest(target: string, source: DigestSource, parsed: NmapServicesParse): boolean {
  const { index, ...header } = parsed;
  return writeDigest(target, NMAP_KIND, source, { header, columns: { ...index.columns }, rows: nmapRows(parsed) });
}

function nmapRows({ index }: NmapServicesParse): string[] {
  return Array.from({ length: index.columns.ports.length }, (_, row) => index.line(row));
}

/**
 * What a digest of nmap-services holds (NmapServicesIndex is built from it);
 * null on any miss. `reparse` parses the source again, for rows the digest
 * file can no longer give (see readDigest).
 */
export function readNmapDigest(
  file: string,
  source: DigestSource,
  reparse: () => NmapServicesParse,
): { header: NmapHeader; columns: NmapColumns; line: (row: number) => string } | null {
  const digest = readDigest<NmapHeader>(file, NMAP_KIND, source, () => nmapRows(reparse()));
  if (digest === null) return null;
  const { ports, protocolCodes, frequencies, lineNumbers } = digest.columns;
  const columns = { ports, protocolCodes, frequencies, lineNumbers } as NmapColumns;
  return Object.values(columns).every((column) => column?.length === digest.rowCount) ? { header: digest.header, columns, line: digest.row } : null;
}
