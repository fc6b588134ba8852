/**
 * Organisation reservations: ports a team has set aside for its own services,
 * kept in a JSON or YAML file so that a new service never picks them.
 *
 * Schema (JSON shown; YAML is the same structure):
 *
 *   {
 *     "reservations": [
 *       { "port": 7400, "protocol": "tcp", "service": "billing", "owner": "payments-team", "note": "prod + staging" },
 *       { "ports": "7410-7419", "protocol": ["tcp", "udp"], "service": "billing-workers" }
 *     ]
 *   }
 *
 * Each reservation has:
 * - exactly one of `port` (an integer 1-65535) or `ports` (`"first-last"` with
 *   first ≤ last, a single `"7400"`, or an integer);
 * - `protocol`: tcp, udp, sctp or dccp, or a list of them. **Optional; defaults to tcp**;
 * - `service`: required, non-empty text (the name the reservation is for);
 * - `owner`, `note`: optional text.
 * Any other key in a reservation is an error (a typo must not silently drop a
 * reservation). Top-level keys other than `reservations` are ignored: the file
 * may carry other portpick settings (`$schema` for editors, `org` for the
 * directories of the organisation's code). A file with `org` and no
 * `reservations` holds no reservations.
 *
 * Found by flag, else as `.portpick.json`, `.portpick.yaml`, `.portpick.yml` or
 * `portpick.config.json` in the current directory or its parents. A found
 * `portpick.config.json` without a `reservations` key holds no reservations;
 * every other file must have one.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'yaml';
import { FileAccessError, RegistryParseError, describeValue } from '../errors/index.js';
import { EntryIndex } from './entry-index.js';
import { yamlPackage as yaml } from './yaml-module.js';
import { findReservationFile, modifiedTime } from './locate.js';
import type { SourceLoadResult } from './source-result.js';
import { PROTOCOLS, type Protocol, type RegistryEntry } from './types.js';

/** One reservation as written in the file, after validation. */
export interface Reservation {
  first: number;
  last: number;
  protocols: Protocol[];
  service: string;
  owner?: string;
  note?: string;
  /** 1-based line of the reservation in its file, when known. */
  line?: number;
}

export const RESERVATION_KEYS: ReadonlySet<string> = new Set(['port', 'ports', 'protocol', 'service', 'owner', 'note']);
const DEFAULT_PROTOCOLS: Protocol[] = ['tcp'];
const RANGE = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/;

export interface ParseReservationsOptions {
  /** `json` uses a strict JSON parse first; `yaml` accepts any YAML 1.2 (JSON included). Default: by extension. */
  format?: 'json' | 'yaml';
  /** True when a missing `reservations` key means "none" rather than an error (portpick.config.json). */
  reservationsKeyOptional?: boolean;
}

/** Parses and validates a reservation file's text. Returns null only when the key is optional and absent. */
export function parseReservations(text: string, file: string, options: ParseReservationsOptions = {}): Reservation[] | null {
  const format = options.format ?? (/\.ya?ml$/i.test(file) ? 'yaml' : 'json');
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new (yaml().LineCounter)();
  if (format === 'json') checkJsonSyntax(source, file);
  const doc = yaml().parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntaxError = doc.errors[0];
  if (syntaxError !== undefined) {
    throw new RegistryParseError(
      `Expected valid ${format === 'json' ? 'JSON' : 'YAML'}, got an error: ${firstLine(syntaxError.message)}`,
      file,
      lines.linePos(syntaxError.pos[0]).line,
    );
  }
  const at = (node: Node | null | undefined): number | undefined =>
    node?.range ? lines.linePos(node.range[0]).line : undefined;
  const fail = (message: string, node: Node | null | undefined): never => {
    throw new RegistryParseError(message, file, at(node));
  };

  const root = doc.contents;
  if (!yaml().isMap(root)) {
    return fail(`Expected a mapping with a \`reservations\` list at the top, got ${describeNode(root)}`, root);
  }
  const listPair = root.items.find((pair) => yaml().isScalar(pair.key) && pair.key.value === 'reservations');
  if (listPair === undefined) {
    if (options.reservationsKeyOptional === true) return null;
    if (root.items.some((pair) => yaml().isScalar(pair.key) && pair.key.value === 'org')) return [];
    return fail('Expected a `reservations` key at the top, got none', root);
  }
  const list = listPair.value as Node | null;
  // `reservations:` with nothing after it: a list not started yet.
  if (list === null || (yaml().isScalar(list) && list.value === null)) return [];
  if (!yaml().isSeq(list)) return fail(`Expected \`reservations\` to be a list, got ${describeNode(list)}`, list ?? (listPair.key as Node));

  const reservations: Reservation[] = [];
  list.items.forEach((item, position) => {
    const where = `reservation ${position + 1}`;
    const itemNode = item as Node | null;
    if (!yaml().isMap(itemNode)) return fail(`Expected ${where} to be a mapping, got ${describeNode(itemNode)}`, itemNode ?? list);
    const fields = new Map<string, Node | null>();
    for (const pair of itemNode.items) {
      const key = yaml().isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== 'string' || !RESERVATION_KEYS.has(key)) {
        fail(
          `Expected ${where} keys among ${[...RESERVATION_KEYS].join(', ')}, got ${describeValue(typeof key === 'string' ? key : String(key))}`,
          pair.key as Node,
        );
      }
      fields.set(key as string, pair.value as Node | null);
    }
    const portNode = fields.get('port');
    const portsNode = fields.get('ports');
    if (fields.has('port') === fields.has('ports')) {
      fail(`Expected ${where} to have exactly one of \`port\` or \`ports\`, got ${fields.has('port') ? 'both' : 'neither'}`, itemNode);
    }
    let first: number;
    let last: number;
    if (fields.has('port')) {
      const value = scalarValue(portNode);
      if (!isPort(value)) fail(`Expected ${where} \`port\` to be a whole number from 1 to 65535, got ${describeValue(value)}`, portNode ?? itemNode);
      first = last = value as number;
    } else {
      const value = scalarValue(portsNode);
      const range = parseRange(value);
      if (range === null) {
        fail(`Expected ${where} \`ports\` to be a range like "7410-7419" (first ≤ last, each 1-65535), got ${describeValue(value)}`, portsNode ?? itemNode);
      }
      [first, last] = range as [number, number];
    }
    const protocols = parseProtocols(fields.get('protocol'), fields.has('protocol'), where, (message, node) => fail(message, node ?? itemNode));
    const service = scalarValue(fields.get('service'));
    if (typeof service !== 'string' || service.trim() === '') {
      fail(`Expected ${where} \`service\` to be a non-empty text, got ${describeValue(service)}`, fields.get('service') ?? itemNode);
    }
    const reservation: Reservation = { first, last, protocols, service: (service as string).trim() };
    for (const key of ['owner', 'note'] as const) {
      if (!fields.has(key)) continue;
      const value = scalarValue(fields.get(key));
      if (typeof value !== 'string') fail(`Expected ${where} \`${key}\` to be text, got ${describeValue(value)}`, fields.get(key) ?? itemNode);
      reservation[key] = value as string;
    }
    const line = at(itemNode);
    if (line !== undefined) reservation.line = line;
    reservations.push(reservation);
  });
  return reservations;
}

/** JSON.parse for strictness (YAML would accept trailing commas and comments); its position becomes a line. */
function checkJsonSyntax(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const offset = /position (\d+)/.exec(message);
    const line = offset === null ? undefined : text.slice(0, Number(offset[1])).split('\n').length;
    throw new RegistryParseError(`Expected valid JSON, got an error: ${firstLine(message)}`, file, line, { cause: error });
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function scalarValue(node: Node | null | undefined): unknown {
  if (node === null || node === undefined) return null;
  if (yaml().isScalar(node)) return node.value;
  return yaml().isMap(node) ? { mapping: true } : yaml().isSeq(node) ? [] : node;
}

function describeNode(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (yaml().isMap(node)) return 'a mapping';
  if (yaml().isSeq(node)) return `a list of ${node.items.length}`;
  if (yaml().isScalar(node)) return describeValue(node.value);
  return 'an alias';
}

function isPort(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 65535;
}

function parseRange(value: unknown): [number, number] | null {
  if (isPort(value)) return [value as number, value as number];
  if (typeof value !== 'string') return null;
  const match = RANGE.exec(value);
  if (match === null) return null;
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  return isPort(first) && isPort(last) && first <= last ? [first, last] : null;
}

function parseProtocols(
  node: Node | null | undefined,
  present: boolean,
  where: string,
  fail: (message: string, node: Node | null | undefined) => never,
): Protocol[] {
  if (!present) return [...DEFAULT_PROTOCOLS];
  const expected = `Expected ${where} \`protocol\` to be one of ${PROTOCOLS.join(', ')} or a list of them`;
  const one = (item: Node | null | undefined): Protocol => {
    const value = scalarValue(item);
    const lower = typeof value === 'string' ? value.toLowerCase() : undefined;
    if (lower === undefined || !(PROTOCOLS as readonly string[]).includes(lower)) fail(`${expected}, got ${describeValue(value)}`, item);
    return lower as Protocol;
  };
  if (yaml().isSeq(node)) {
    if (node.items.length === 0) fail(`${expected}, got an empty list`, node);
    return [...new Set(node.items.map((item) => one(item as Node | null)))];
  }
  return [one(node)];
}

/** One entry per port and protocol of every reservation. */
export function reservationsToIndex(reservations: readonly Reservation[], file: string): EntryIndex {
  const index = new EntryIndex('reservations');
  for (const reservation of reservations) {
    for (const protocol of reservation.protocols) {
      for (let port = reservation.first; port <= reservation.last; port += 1) {
        const entry: RegistryEntry = {
          port,
          protocol,
          state: 'assigned',
          names: [reservation.service],
          description: reservation.note ?? '',
          source: 'reservations',
          extra: { file },
        };
        if (reservation.line !== undefined) entry.extra.line = reservation.line;
        if (reservation.owner !== undefined) entry.extra.owner = reservation.owner;
        if (reservation.note !== undefined) entry.extra.note = reservation.note;
        index.add(entry);
      }
    }
  }
  return index;
}

export interface LoadReservationsOptions {
  /** A reservation file given by flag: used alone; a missing file is an error. */
  file?: string;
  /** Where the search for `.portpick.*` starts (default: the current directory). */
  cwd?: string;
}

/**
 * Loads organisation reservations from `options.file`, else from the nearest
 * reservation file (see the module comment). Null index with a note when none applies.
 */
export async function loadReservations(options: LoadReservationsOptions = {}): Promise<SourceLoadResult> {
  const file = options.file ?? (await findReservationFile(options.cwd));
  if (file === null) {
    return {
      index: null,
      status: {
        id: 'reservations',
        available: false,
        origin: 'none',
        entries: 0,
        note: 'no reservation file given or found (.portpick.json, .portpick.yaml, .portpick.yml or portpick.config.json here or in a parent directory): organisation reservations were NOT checked',
      },
    };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8'); // small; see locate.ts on synchronous reads
  } catch (error) {
    throw new FileAccessError(`Expected a readable reservation file at ${file}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, file, { cause: error });
  }
  const keyOptional = options.file === undefined && path.basename(file) === 'portpick.config.json';
  const reservations = parseReservations(text, file, { reservationsKeyOptional: keyOptional });
  if (reservations === null) {
    return {
      index: null,
      status: { id: 'reservations', available: false, origin: file, entries: 0, note: `${file} has no \`reservations\` key: no organisation reservations` },
    };
  }
  const index = reservationsToIndex(reservations, file);
  return { index, status: { id: 'reservations', available: true, origin: file, entries: index.size, ...(await modifiedTime(file)) } };
}
