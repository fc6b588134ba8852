/**
 * Derived files: what portpick computes from a registry file (nmap-services, an
 * IANA CSV or XML) kept in its cache directory, so that `check` and `suggest` do
 * not decode and parse a megabyte of text on every run.
 *
 * Contract:
 * - A derived file belongs to one source file: its absolute path and identity
 *   (device, inode, size, and modification and change times in nanoseconds),
 *   taken from the open file before it is read. Any difference, a damaged
 *   file, another kind or format version is a miss: the caller parses the
 *   source as usual and writes the derived file again.
 * - Writing is best effort and atomic (temp file, rename): a read-only or
 *   missing cache directory only costs the speed-up.
 * - Sections are raw typed-array bytes in this machine's order, each starting
 *   at a multiple of 8 so they can be viewed without copying; big-endian
 *   machines neither read nor write derived files.
 *
 * Layout: MAGIC, header length (uint32 LE), header JSON padded so the first
 * section starts at a multiple of 8, then the sections, each padded to 8.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MAGIC = 'portpick-derived/1\n';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** What identifies one version of a source file. Strings: the values are 64-bit. */
export interface SourceIdentity {
  dev: string;
  ino: string;
  size: string;
  mtimeNs: string;
  ctimeNs: string;
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

/** Where the derived file of `kind` for `source` lives under `cacheDir`. */
export function derivedPath(cacheDir: string, kind: string, source: string): string {
  const key = createHash('sha256').update(path.resolve(source)).digest('hex').slice(0, 16);
  return path.join(cacheDir, 'derived', `${kind.replace(/[^a-z0-9-]+/gi, '-')}-${key}.bin`);
}

interface Frame<Header> {
  kind: string;
  source: string;
  identity: SourceIdentity;
  sections: number[];
  header: Header;
}

/**
 * The header and sections stored for `source` at `identity`, or null on any
 * miss. Each section is a Uint8Array whose byteOffset is a multiple of 8.
 */
export function readDerived<Header>(file: string, kind: string, source: string, identity: SourceIdentity): { header: Header; sections: Uint8Array[] } | null {
  if (!LITTLE_ENDIAN) return null;
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return null;
  }
  if (data.length < MAGIC.length + 4 || data.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  const headerLength = data.readUInt32LE(MAGIC.length);
  const headerStart = MAGIC.length + 4;
  let frame: Frame<Header>;
  try {
    frame = JSON.parse(data.toString('utf8', headerStart, headerStart + headerLength)) as Frame<Header>;
  } catch {
    return null;
  }
  if (frame.kind !== kind || frame.source !== source || !sameIdentity(frame.identity, identity) || !Array.isArray(frame.sections)) return null;
  // Views need aligned offsets; a Buffer that does not start at one is copied.
  const aligned = data.byteOffset % 8 === 0 ? data : Buffer.from(data);
  const sections: Uint8Array[] = [];
  let at = headerStart + headerLength;
  for (const length of frame.sections) {
    if (!Number.isInteger(length) || length < 0 || at % 8 !== 0 || at + length > aligned.length) return null;
    sections.push(new Uint8Array(aligned.buffer, aligned.byteOffset + at, length));
    at += padded(length);
  }
  if (at !== aligned.length) return null;
  return { header: frame.header, sections };
}

/** Stores `header` and `sections` for `source` at `identity`. Best effort: false when nothing was stored. */
export function writeDerived<Header>(file: string, kind: string, source: string, identity: SourceIdentity, header: Header, sections: readonly ArrayBufferView[]): boolean {
  if (!LITTLE_ENDIAN) return false;
  const frame: Frame<Header> = { kind, source, identity, sections: sections.map((section) => section.byteLength), header };
  let frameText = JSON.stringify(frame);
  while ((MAGIC.length + 4 + Buffer.byteLength(frameText)) % 8 !== 0) frameText += ' ';
  const frameBytes = Buffer.from(frameText, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32LE(frameBytes.length);
  const parts: Uint8Array[] = [Buffer.from(MAGIC, 'latin1'), length, frameBytes];
  for (const section of sections) {
    parts.push(new Uint8Array(section.buffer, section.byteOffset, section.byteLength));
    const padding = padded(section.byteLength) - section.byteLength;
    if (padding > 0) parts.push(new Uint8Array(padding));
  }
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(temp, Buffer.concat(parts), { mode: 0o644, flag: 'wx' });
    renameSync(temp, file);
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

/**
 * A typed view of a section read back (its byteOffset is a multiple of 8, so every
 * element size fits). Whole elements only: a damaged length gives a shorter view,
 * which the caller's size checks then refuse.
 */
export function view<T extends Float64Array | Int32Array | Uint32Array | Uint16Array | Uint8Array>(
  type: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T; BYTES_PER_ELEMENT: number },
  section: Uint8Array,
): T {
  return new type(section.buffer, section.byteOffset, Math.floor(section.byteLength / type.BYTES_PER_ELEMENT));
}

function padded(length: number): number {
  return Math.ceil(length / 8) * 8;
}

function sameIdentity(a: SourceIdentity | undefined, b: SourceIdentity): boolean {
  return a !== undefined && a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}
