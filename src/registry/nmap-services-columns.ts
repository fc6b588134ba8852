/**
 * A derived cache of a parsed nmap-services: its columns (open frequency, port,
 * protocol, and each row's byte offset and line number) in one binary file in
 * portpick's cache directory, so that `check` and `suggest` do not decode and
 * scan the 1 MB file on every run (~40 ms of a ~300 ms command here).
 *
 * Contract:
 * - Keyed by the source file's path and identity (device, inode, size, and
 *   modification and change times in nanoseconds), taken from the open file
 *   before it is read. Any difference, a damaged cache file or another format
 *   version means a miss: the file is parsed as usual and the cache rewritten.
 * - The cache never answers from its own copy of the text: an entry's name and
 *   comment are read from the source file at the stored byte offset when the
 *   entry is made, and a line that no longer parses as that row is an error
 *   (NmapServicesIndex checks it).
 * - Writing is best effort and atomic (temp file, rename): a read-only or
 *   missing cache directory only costs the speed-up. Only files whose text
 *   re-encodes to exactly their bytes are cached, so byte offsets are exact.
 *
 * Layout: MAGIC, header length (uint32 LE), header JSON padded to a multiple of
 * 8 bytes, then frequencies (float64), byte offsets (uint32), line numbers
 * (uint32), ports (uint16), protocol codes (uint8), little-endian, read as
 * typed-array views; big-endian machines neither read nor write the cache.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { NmapColumns, NmapRowLines, NmapServicesParse } from './nmap-services.js';

const MAGIC = 'portpick-nmap-columns/1\n';
const PROTOCOL_COUNT = 3;

/** What identifies one version of the source file. Strings: the values are 64-bit. */
export interface SourceIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
}

interface Header {
  source: string;
  identity: SourceIdentity;
  rows: number;
  withFrequency: number;
  duplicates: number;
  skippedProtocols: number;
}

/** The source file's bytes and identity, both from one open file (throws the open or read error). */
export function readSource(file: string): { bytes: Buffer; identity: SourceIdentity } {
  const fd = openSync(file, 'r');
  try {
    return { identity: identityOf(fd), bytes: readFileSync(fd) };
  } finally {
    closeSync(fd);
  }
}

/** The identity of `file` now, or null when it cannot be opened. */
export function sourceIdentity(file: string): SourceIdentity | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    return identityOf(fd);
  } finally {
    closeSync(fd);
  }
}

function identityOf(fd: number): SourceIdentity {
  const stats = fstatSync(fd, { bigint: true });
  return { dev: String(stats.dev), ino: String(stats.ino), size: String(stats.size), mtimeNs: String(stats.mtimeNs), ctimeNs: String(stats.ctimeNs) };
}

/** Where the derived columns of `source` are kept under `cacheDir`. */
export function derivedColumnsPath(cacheDir: string, source: string): string {
  const key = createHash('sha256').update(path.resolve(source)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'derived', `nmap-services-${key}.columns`);
}

export interface DerivedColumns {
  columns: NmapColumns;
  lines: NmapRowLines;
  withFrequency: number;
  duplicates: number;
  skippedProtocols: number;
}

/** The cached columns of `source` at `identity`; null on any miss (absent, other version, damaged). */
export function readDerivedColumns(cachePath: string, source: string, identity: SourceIdentity): DerivedColumns | null {
  if (!LITTLE_ENDIAN) return null;
  let data: Buffer;
  try {
    data = readFileSync(cachePath);
  } catch {
    return null;
  }
  if (data.length < MAGIC.length + 4 || data.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  const headerLength = data.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  let header: Header;
  try {
    header = JSON.parse(data.toString('utf8', headerStart, headerStart + headerLength)) as Header;
  } catch {
    return null;
  }
  if (header.source !== source || !sameIdentity(header.identity, identity)) return null;
  const rows = header.rows;
  const columnsStart = headerStart + headerLength;
  if (!Number.isInteger(rows) || rows < 0 || columnsStart % 8 !== 0 || data.length !== columnsStart + rows * 19) return null;
  // Views need aligned offsets: a pooled or sliced Buffer may not give them, so copy then.
  const buffer = data.byteOffset % 8 === 0 ? data : Buffer.from(data);
  const at = buffer.byteOffset + columnsStart;
  const frequencies = new Float64Array(buffer.buffer, at, rows);
  const byteOffsets = new Uint32Array(buffer.buffer, at + rows * 8, rows);
  const lineNumbers = new Uint32Array(buffer.buffer, at + rows * 12, rows);
  const ports = new Uint16Array(buffer.buffer, at + rows * 16, rows);
  const protocolCodes = new Uint8Array(buffer.buffer, at + rows * 18, rows);
  const rowByKey = new Int32Array(PROTOCOL_COUNT * 65536).fill(-1);
  for (let row = 0; row < rows; row += 1) {
    const code = protocolCodes[row] as number;
    if (code >= PROTOCOL_COUNT) return null;
    rowByKey[code * 65536 + (ports[row] as number)] = row;
  }
  return {
    columns: { rowCount: rows, ports, protocolCodes, frequencies, rowByKey },
    lines: new FileRowLines(source, byteOffsets, lineNumbers),
    withFrequency: header.withFrequency,
    duplicates: header.duplicates,
    skippedProtocols: header.skippedProtocols,
  };
}

/**
 * Stores the columns of a parse of `bytes` (the file at `identity`). Best
 * effort: returns false, and leaves nothing behind, when the text does not
 * re-encode to the same bytes or the directory cannot be written.
 */
export function writeDerivedColumns(cachePath: string, source: string, identity: SourceIdentity, bytes: Buffer, parsed: NmapServicesParse): boolean {
  if (!LITTLE_ENDIAN) return false;
  const { text, lineOffsets } = parsed.lines;
  // Invalid UTF-8 decodes to U+FFFD, which would shift every later byte offset.
  const ascii = text.length === bytes.length;
  if (!ascii && !Buffer.from(text, 'utf8').equals(bytes)) return false;
  const rows = parsed.entries;
  const byteOffsets = new Uint32Array(rows);
  const lineNumbers = new Uint32Array(rows);
  let charAt = 0;
  let byteAt = 0;
  for (let row = 0; row < rows; row += 1) {
    const offset = lineOffsets[row] as number;
    if (!ascii) {
      // Rows are in file order, so the offsets only grow.
      byteAt += Buffer.byteLength(text.slice(charAt, offset), 'utf8');
      charAt = offset;
    }
    byteOffsets[row] = ascii ? offset : byteAt;
    lineNumbers[row] = parsed.lines.lineNumberAt(offset);
  }
  const header: Header = {
    source,
    identity,
    rows,
    withFrequency: parsed.withFrequency,
    duplicates: parsed.duplicates,
    skippedProtocols: parsed.skippedProtocols,
  };
  let headerText = JSON.stringify(header);
  while ((MAGIC.length + 4 + Buffer.byteLength(headerText)) % 8 !== 0) headerText += ' ';
  const headerBytes = Buffer.from(headerText, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(headerBytes.length);
  const { frequencies, ports, protocolCodes } = parsed.columns;
  const data = Buffer.concat([
    Buffer.from(MAGIC, 'latin1'),
    length,
    headerBytes,
    littleEndianBytes(frequencies.subarray(0, rows)),
    littleEndianBytes(byteOffsets),
    littleEndianBytes(lineNumbers),
    littleEndianBytes(ports.subarray(0, rows)),
    Buffer.from(protocolCodes.buffer, protocolCodes.byteOffset, rows),
  ]);
  const temp = `${cachePath}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(path.dirname(cachePath), { recursive: true });
    writeFileSync(temp, data, { mode: 0o644, flag: 'wx' });
    renameSync(temp, cachePath);
    return true;
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was created (the directory itself is unusable).
    }
    return false;
  }
}

function sameIdentity(a: SourceIdentity | undefined, b: SourceIdentity): boolean {
  return a !== undefined && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The array's bytes as they are in memory (little-endian: the only order the cache is used in). */
function littleEndianBytes(array: Float64Array | Uint32Array | Uint16Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/** Reads a row's line from the source file at its byte offset (a few hundred bytes per entry made). */
class FileRowLines implements NmapRowLines {
  private readonly file: string;
  private readonly byteOffsets: Uint32Array;
  private readonly lineNumbers: Uint32Array;

  constructor(file: string, byteOffsets: Uint32Array, lineNumbers: Uint32Array) {
    this.file = file;
    this.byteOffsets = byteOffsets;
    this.lineNumbers = lineNumbers;
  }

  line(row: number): { text: string; start: number; lineNumber: number } {
    const fd = openSync(this.file, 'r');
    try {
      let size = 512;
      for (;;) {
        const buffer = Buffer.alloc(size);
        const read = readSync(fd, buffer, 0, size, this.byteOffsets[row] as number);
        const end = buffer.subarray(0, read).indexOf(0x0a);
        if (end !== -1 || read < size) {
          return { text: buffer.toString('utf8', 0, end === -1 ? read : end), start: 0, lineNumber: this.lineNumbers[row] as number };
        }
        size *= 4;
      }
    } finally {
      closeSync(fd);
    }
  }
}
