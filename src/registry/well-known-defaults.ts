/**
 * Well-known unofficial defaults: ports that products use by default without
 * (or beside) an IANA assignment — dev servers, databases, observability,
 * infrastructure, OS services. A port one of them defaults to collides on
 * developers' machines whatever IANA says.
 *
 * The data is a curated file in the package, `data/defaults/well-known-defaults.json`
 * (its JSON Schema beside it), one cited entry per product service:
 *
 *   { "version": 1, "entries": [
 *     { "id": "vite-dev", "product": "Vite", "service": "dev server",
 *       "ports": [5173, { "from": 24678, "to": 24678 }], "protocols": ["tcp"],
 *       "category": "dev-server", "summary": "…",
 *       "citation": { "url": "https://…", "kind": "documentation", "checked": "2026-08-01" },
 *       "note": "…" } ] }
 *
 * This reader checks what the port picker relies on (ports, protocols, names,
 * a citation) and names the entry and line of anything wrong; the schema test
 * of the dataset checks the rest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FileAccessError, RegistryParseError, describeValue } from '../errors/index.js';
import { packageRoot } from '../package-root.js';
import { EntryIndex } from './entry-index.js';
import { modifiedTime } from './locate.js';
import type { SourceLoadResult } from './source-result.js';
import { PROTOCOLS, type Protocol, type RegistryEntry, type WellKnownDefault } from './types.js';

/** Where the dataset sits inside the package. */
export const WELL_KNOWN_DEFAULTS_PATH = ['data', 'defaults', 'well-known-defaults.json'] as const;

const CITATION_KINDS: ReadonlySet<string> = new Set(['documentation', 'source']);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses and checks the dataset's text. */
export function parseWellKnownDefaults(text: string, file: string): WellKnownDefault[] {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new RegistryParseError(`Expected valid JSON, got an error: ${(error as Error).message}`, file, undefined, { cause: error });
  }
  if (!isObject(data) || !Array.isArray(data.entries)) {
    throw new RegistryParseError(`Expected an object with an \`entries\` list, got ${describeValue(isObject(data) ? data.entries : data)}`, file);
  }
  if (data.version !== 1) {
    throw new RegistryParseError(`Expected \`version\` 1 (the format this portpick reads), got ${describeValue(data.version)}`, file);
  }
  const seen = new Set<string>();
  return data.entries.map((raw: unknown, position: number) => {
    const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : undefined;
    const where = `entry ${position + 1}${id === undefined ? '' : ` (\`${id}\`)`}`;
    const fail = (message: string): never => {
      throw new RegistryParseError(`${where}: ${message}`, file, id === undefined ? undefined : lineOfId(text, id));
    };
    if (!isObject(raw)) return fail(`expected an object, got ${describeValue(raw)}`);
    if (id === undefined || id.trim() === '') return fail(`expected a non-empty \`id\`, got ${describeValue(raw.id)}`);
    if (seen.has(id)) return fail('expected each `id` once, got it twice');
    seen.add(id);
    const textField = (key: string): string => {
      const value = raw[key];
      if (typeof value !== 'string' || value.trim() === '') fail(`expected \`${key}\` to be non-empty text, got ${describeValue(value)}`);
      return value as string;
    };
    const ports = parsePorts(raw.ports, fail);
    const protocols = parseProtocols(raw.protocols, fail);
    const citation = raw.citation;
    if (!isObject(citation)) return fail(`expected a \`citation\` object { url, kind, checked }, got ${describeValue(citation)}`);
    const url = citation.url;
    if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)) fail(`expected \`citation.url\` to be an http(s) address, got ${describeValue(url)}`);
    if (typeof citation.kind !== 'string' || !CITATION_KINDS.has(citation.kind)) {
      fail(`expected \`citation.kind\` to be documentation or source, got ${describeValue(citation.kind)}`);
    }
    if (typeof citation.checked !== 'string' || !ISO_DATE.test(citation.checked)) {
      fail(`expected \`citation.checked\` to be a date YYYY-MM-DD, got ${describeValue(citation.checked)}`);
    }
    const entry: WellKnownDefault = {
      id,
      product: textField('product'),
      service: textField('service'),
      ports,
      protocols,
      category: textField('category'),
      summary: textField('summary'),
      citation: { url: url as string, kind: citation.kind as 'documentation' | 'source', checked: citation.checked as string },
    };
    if (raw.note !== undefined) entry.note = textField('note');
    return entry;
  });
}

function parsePorts(value: unknown, fail: (message: string) => never): { first: number; last: number }[] {
  const expected = 'expected `ports` to list ports 1-65535 or { from, to } ranges (from ≤ to)';
  if (!Array.isArray(value) || value.length === 0) return fail(`${expected}, got ${describeValue(value)}`);
  return value.map((item: unknown) => {
    if (isPort(item)) return { first: item, last: item };
    if (isObject(item) && isPort(item.from) && isPort(item.to) && item.from <= item.to) return { first: item.from, last: item.to };
    return fail(`${expected}, got ${isObject(item) ? `{ from: ${String(item.from)}, to: ${String(item.to)} }` : describeValue(item)}`);
  });
}

function parseProtocols(value: unknown, fail: (message: string) => never): Protocol[] {
  const expected = `expected \`protocols\` to list some of ${PROTOCOLS.join(', ')}`;
  if (!Array.isArray(value) || value.length === 0) return fail(`${expected}, got ${describeValue(value)}`);
  const protocols = value.map((item: unknown) => {
    if (typeof item !== 'string' || !(PROTOCOLS as readonly string[]).includes(item)) fail(`${expected}, got ${describeValue(item)}`);
    return item as Protocol;
  });
  return [...new Set(protocols)];
}

/** The dataset as an index: one entry per (port, protocol) of every dataset entry. */
export function wellKnownDefaultsToIndex(defaults: readonly WellKnownDefault[], file: string): EntryIndex {
  return new WellKnownDefaultsIndex(defaults, file);
}

/**
 * An index over the dataset's port ranges: a port's entries are made when it
 * is looked up, not for every port of every range up front (the Kubernetes
 * NodePort range alone is 5,536 of the 5,982 (port, protocol) pairs; making
 * them all cost each command 15-25 ms). `forEachPort` lists the ports without
 * making entries (src/pick/port-marks.ts).
 */
class WellKnownDefaultsIndex extends EntryIndex {
  private readonly made = new Map<string, readonly RegistryEntry[]>();

  constructor(
    private readonly defaults: readonly WellKnownDefault[],
    private readonly file: string,
  ) {
    super('defaults');
  }

  override lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    const added = super.lookup(protocol, port);
    const own = this.own(protocol, port);
    return added.length === 0 ? own : [...own, ...added];
  }

  override has(protocol: Protocol, port: number): boolean {
    return this.own(protocol, port).length > 0 || super.has(protocol, port);
  }

  override get size(): number {
    let count = super.size;
    for (const wellKnown of this.defaults) {
      for (const { first, last } of wellKnown.ports) count += (last - first + 1) * wellKnown.protocols.length;
    }
    return count;
  }

  override *entries(): IterableIterator<RegistryEntry> {
    for (const wellKnown of this.defaults) {
      for (const protocol of wellKnown.protocols) {
        for (const { first, last } of wellKnown.ports) {
          for (let port = first; port <= last; port += 1) yield this.entry(wellKnown, protocol, port);
        }
      }
    }
    yield* super.entries();
  }

  forEachPort(protocol: Protocol, visit: (port: number, frequency: number) => void): void {
    for (const wellKnown of this.defaults) {
      if (!wellKnown.protocols.includes(protocol)) continue;
      for (const { first, last } of wellKnown.ports) for (let port = first; port <= last; port += 1) visit(port, 0);
    }
    for (const entry of super.entries()) if (entry.protocol === protocol) visit(entry.port, 0);
  }

  /** The dataset's entries for (protocol, port), in dataset order; made once. */
  private own(protocol: Protocol, port: number): readonly RegistryEntry[] {
    const key = `${protocol}/${port}`;
    let entries = this.made.get(key);
    if (entries === undefined) {
      entries = this.defaults
        .filter((wellKnown) => wellKnown.protocols.includes(protocol) && wellKnown.ports.some(({ first, last }) => port >= first && port <= last))
        .map((wellKnown) => this.entry(wellKnown, protocol, port));
      this.made.set(key, entries);
    }
    return entries;
  }

  private entry(wellKnown: WellKnownDefault, protocol: Protocol, port: number): RegistryEntry {
    return {
      port,
      protocol,
      state: 'assigned',
      names: [`${wellKnown.product} ${wellKnown.service}`],
      description: wellKnown.summary,
      source: 'defaults',
      extra: { wellKnown, file: this.file },
    };
  }
}

export interface LoadWellKnownDefaultsOptions {
  /** A dataset file to read instead of the one in the package (tests, a team's own list); a missing file is an error. */
  file?: string;
}

/** The dataset in the package (or `options.file`). A package without it says the check was not made. */
export async function loadWellKnownDefaults(options: LoadWellKnownDefaultsOptions = {}): Promise<SourceLoadResult & { defaults: WellKnownDefault[] }> {
  const file = options.file ?? path.join(packageRoot(), ...WELL_KNOWN_DEFAULTS_PATH);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (options.file === undefined && code === 'ENOENT') {
      return {
        index: null,
        defaults: [],
        status: {
          id: 'defaults',
          available: false,
          origin: file,
          entries: 0,
          note: `${file} is missing from this installation: well-known product defaults were NOT checked`,
        },
      };
    }
    throw new FileAccessError(`Expected a readable well-known defaults file at ${file}, got ${code ?? String(error)}`, file, { cause: error });
  }
  const defaults = parseWellKnownDefaults(text, file);
  return {
    index: wellKnownDefaultsToIndex(defaults, file),
    defaults,
    status: {
      id: 'defaults',
      available: true,
      origin: options.file === undefined ? `${WELL_KNOWN_DEFAULTS_PATH.join('/')} (shipped)` : file,
      entries: defaults.length,
      ...(await modifiedTime(file)),
      ...(defaults.length > 0 ? { updated: newestCheck(defaults) } : {}),
    },
  };
}

/** The newest `citation.checked` date: how fresh the dataset is. */
function newestCheck(defaults: readonly WellKnownDefault[]): string {
  return defaults.reduce((newest, entry) => (entry.citation.checked > newest ? entry.citation.checked : newest), '');
}

/** The 1-based line where `"id": "<id>"` is written; undefined when it cannot be found. */
function lineOfId(text: string, id: string): number | undefined {
  const match = new RegExp(`"id"\\s*:\\s*${JSON.stringify(id).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).exec(text);
  return match === null ? undefined : text.slice(0, match.index).split('\n').length;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPort(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}
