/**
 * services(5) files: /etc/services on Linux and macOS,
 * %windir%\System32\drivers\etc\services on Windows, or `--services FILE`.
 *
 * Line format: `name port/protocol [aliases…] [# comment]`. Rules, chosen to
 * read every real variant (Debian netbase, macOS/FreeBSD, Windows):
 * - a UTF-8 BOM and CRLF line ends are accepted;
 * - the line is cut at its first `#` and split on whitespace;
 * - the port token matches `^\d+/[A-Za-z]+$` and may come first (macOS has lines
 *   with no name); a port above 65535 is an error;
 * - the protocol is lowercased; tcp, udp, sctp and dccp are kept, others (ddp) skipped;
 * - aliases are kept as extra names; lines repeating a port/protocol/name are
 *   merged into one entry (Windows repeats lines), their aliases united.
 * Entry state: `assigned` for a named line; `reserved` for a nameless one (the
 * file sets the port aside without naming a service).
 */
import { readFileSync } from 'node:fs';
import { FileAccessError, RegistryParseError, describeValue } from '../errors/index.js';
import { EntryIndex } from './entry-index.js';
import { isFile, modifiedTime, systemServicesFile, type LocateContext } from './locate.js';
import type { SourceLoadResult } from './source-result.js';
import { PROTOCOLS, type Protocol, type RegistryEntry } from './types.js';

const PORT_TOKEN = /^(\d+)\/([A-Za-z]+)$/;
const KEPT_PROTOCOLS: ReadonlySet<string> = new Set<string>(PROTOCOLS);

export interface ServicesFileParse {
  index: EntryIndex;
  entries: number;
  /** Lines whose protocol is not kept (ddp …). */
  skippedProtocols: number;
  /** Lines folded into an earlier line with the same port, protocol and name. */
  mergedDuplicates: number;
}

/** Parses services(5) text. `file` names the source in errors and in `extra.file`. */
export function parseServicesFile(text: string, file: string): ServicesFileParse {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  const byKey = new Map<string, RegistryEntry>();
  const entries: RegistryEntry[] = [];
  let skippedProtocols = 0;
  let mergedDuplicates = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const lineNumber = i + 1;
    let line = lines[i] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const hash = line.indexOf('#');
    const content = hash === -1 ? line : line.slice(0, hash);
    const comment = hash === -1 ? '' : line.slice(hash + 1).trim();
    const tokens = content.trim().split(/\s+/).filter((token) => token !== '');
    if (tokens.length === 0) continue;

    let name: string | undefined;
    let portToken: RegExpExecArray | null = PORT_TOKEN.exec(tokens[0] as string);
    let aliases: string[];
    if (portToken !== null) {
      aliases = tokens.slice(1);
    } else {
      name = tokens[0];
      portToken = tokens.length > 1 ? PORT_TOKEN.exec(tokens[1] as string) : null;
      if (portToken === null) {
        throw new RegistryParseError(
          `Expected \`name port/protocol [aliases] [# comment]\`, got ${describeValue(content.trim())}`,
          file,
          lineNumber,
        );
      }
      aliases = tokens.slice(2);
    }
    const portText = portToken[1] as string;
    const port = Number(portText);
    if (port > 65535) {
      throw new RegistryParseError(`Expected a port from 0 to 65535, got \`${portText}\``, file, lineNumber);
    }
    const protocol = (portToken[2] as string).toLowerCase();
    if (!KEPT_PROTOCOLS.has(protocol)) {
      skippedProtocols += 1;
      continue;
    }
    const names = name === undefined ? aliases : [name, ...aliases];
    const key = `${protocol}/${port}/${(name ?? '').toLowerCase()}`;
    const earlier = byKey.get(key);
    if (earlier !== undefined) {
      mergedDuplicates += 1;
      for (const alias of names) {
        if (!earlier.names.some((known) => known.toLowerCase() === alias.toLowerCase())) earlier.names.push(alias);
      }
      if (earlier.description === '' && comment !== '') earlier.description = comment;
      continue;
    }
    const entry: RegistryEntry = {
      port,
      protocol: protocol as Protocol,
      state: name === undefined ? 'reserved' : 'assigned',
      names: uniqueCaseInsensitive(names),
      description: comment,
      source: 'services',
      extra: { file, line: lineNumber },
    };
    byKey.set(key, entry);
    entries.push(entry);
  }
  return { index: new EntryIndex('services', entries), entries: entries.length, skippedProtocols, mergedDuplicates };
}

function uniqueCaseInsensitive(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const lower = name.toLowerCase();
    if (seen.has(lower)) return false;
    seen.add(lower);
    return true;
  });
}

export interface LoadServicesFileOptions extends LocateContext {
  /** `--services FILE`: used instead of the system file; a missing file is an error. */
  file?: string;
}

/**
 * Loads the system services file (or `options.file`). When the system file is
 * absent the index is null and the status says the check was not made.
 */
export async function loadServicesFile(options: LoadServicesFileOptions = {}): Promise<SourceLoadResult> {
  const file = options.file ?? systemServicesFile(options);
  if (options.file === undefined && !(await isFile(file))) {
    return {
      index: null,
      status: {
        id: 'services',
        available: false,
        origin: file,
        entries: 0,
        note: `${file} not found: the check against the system services file was NOT made; pass --services FILE to use another file`,
      },
    };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8'); // small; see locate.ts on synchronous reads
  } catch (error) {
    throw new FileAccessError(`Expected a readable services file at ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
  const parsed = parseServicesFile(text, file);
  return {
    index: parsed.index,
    status: { id: 'services', available: true, origin: file, entries: parsed.entries, ...(await modifiedTime(file)) },
  };
}
