/**
 * nmap-services' derived columns (see derived-cache.ts for the file's contract):
 * open frequency, port, protocol, and each row's byte offset and line number,
 * so that `check` and `suggest` do not decode and scan the 1 MB file on every
 * run (~40 ms of a ~300 ms command here).
 *
 * The columns never answer from a copy of the text: an entry's name and comment
 * are read from the source file at the stored byte offset when the entry is
 * made, and a line that no longer parses as that row is an error
 * (NmapServicesIndex checks it). Only files whose text re-encodes to exactly
 * their bytes are stored, so the byte offsets are exact.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { readDerived, view, writeDerived, type SourceIdentity } from './derived-cache.js';
import type { NmapColumns, NmapRowLines, NmapServicesParse } from './nmap-services.js';

export const NMAP_COLUMNS_KIND = 'nmap-services-columns/1';
const PROTOCOL_COUNT = 3;

interface Header {
  rows: number;
  withFrequency: number;
  duplicates: number;
  skippedProtocols: number;
}

export interface DerivedColumns {
  columns: NmapColumns;
  lines: NmapRowLines;
  withFrequency: number;
  duplicates: number;
  skippedProtocols: number;
}

/** The stored columns of `source` at `identity`; null on any miss. */
export function readDerivedColumns(file: string, source: string, identity: SourceIdentity): DerivedColumns | null {
  const stored = readDerived<Header>(file, NMAP_COLUMNS_KIND, source, identity);
  if (stored === null || stored.sections.length !== 5) return null;
  const { header } = stored;
  const rows = header.rows;
  const [frequencySection, offsetSection, lineSection, portSection, codeSection] = stored.sections as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
  const frequencies = view(Float64Array, frequencySection);
  const byteOffsets = view(Uint32Array, offsetSection);
  const lineNumbers = view(Uint32Array, lineSection);
  const ports = view(Uint16Array, portSection);
  const protocolCodes = codeSection;
  if (![frequencies, byteOffsets, lineNumbers, ports, protocolCodes].every((column) => column.length === rows)) return null;
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
 * effort: false, and nothing stored, when the text does not re-encode to the
 * same bytes or the directory cannot be written.
 */
export function writeDerivedColumns(file: string, source: string, identity: SourceIdentity, bytes: Buffer, parsed: NmapServicesParse): boolean {
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
  const header: Header = { rows, withFrequency: parsed.withFrequency, duplicates: parsed.duplicates, skippedProtocols: parsed.skippedProtocols };
  const { frequencies, ports, protocolCodes } = parsed.columns;
  return writeDerived(file, NMAP_COLUMNS_KIND, source, identity, header, [frequencies, byteOffsets, lineNumbers, ports, protocolCodes]);
}

/**
 * Reads a row's line from the source file at its byte offset (a few hundred
 * bytes per entry made). A caller that makes many entries (a picture of every
 * port) would open the file once per line: after LINES_BEFORE_WHOLE_FILE reads
 * the whole file is read once and later lines are cut from it.
 */
const LINES_BEFORE_WHOLE_FILE = 32;

class FileRowLines implements NmapRowLines {
  private readonly file: string;
  private readonly byteOffsets: Uint32Array;
  private readonly lineNumbers: Uint32Array;
  private reads = 0;
  private whole: Buffer | undefined;

  constructor(file: string, byteOffsets: Uint32Array, lineNumbers: Uint32Array) {
    this.file = file;
    this.byteOffsets = byteOffsets;
    this.lineNumbers = lineNumbers;
  }

  line(row: number): { text: string; start: number; lineNumber: number } {
    this.reads += 1;
    if (this.whole === undefined && this.reads > LINES_BEFORE_WHOLE_FILE) this.whole = readFileSync(this.file);
    if (this.whole !== undefined) {
      const start = this.byteOffsets[row] as number;
      const end = this.whole.indexOf(0x0a, start);
      return { text: this.whole.toString('utf8', start, end === -1 ? this.whole.length : end), start: 0, lineNumber: this.lineNumbers[row] as number };
    }
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
