/**
 * Adds one reservation to the text of a reservation file and changes nothing
 * else: comments, blank lines, key order, quoting and indentation stay as
 * written. The `yaml` package's Document API finds where the `reservations`
 * list sits (node ranges); the new entry is written into the text there, in
 * the list's own style (block or flow, its indentation); the result is read
 * back and must hold every old reservation plus the new one.
 */
import type { Node, Pair } from 'yaml';
import { yamlPackage } from './yaml-module.js';
import { RegistryParseError } from '../errors/index.js';
import { parseReservations } from './reservations.js';
import type { Protocol } from './types.js';

export interface NewReservation {
  port: number;
  protocols: Protocol[];
  service: string;
  owner?: string;
  note?: string;
}

export type ReservationFileFormat = 'yaml' | 'json';

export function formatOfFile(file: string): ReservationFileFormat {
  return /\.ya?ml$/i.test(file) ? 'yaml' : 'json';
}

/** The text of a new reservation file holding one reservation. */
export function newReservationFileText(format: ReservationFileFormat, reservation: NewReservation): string {
  if (format === 'json') {
    return `{\n  "reservations": [\n    ${jsonEntry(reservation)}\n  ]\n}\n`;
  }
  return [
    '# Ports set aside for this organisation\'s services: portpick check/suggest/free treat them as taken.',
    '# `portpick reserve PORT --name SERVICE` adds to this list.',
    'reservations:',
    ...yamlEntryLines(reservation, 2, 2),
    '',
  ].join('\n');
}

/**
 * The file's text with the reservation added. Throws RegistryParseError when
 * the file is not a valid reservation file (nothing is changed then).
 */
export function addReservationToText(text: string, file: string, reservation: NewReservation): string {
  const format = formatOfFile(file);
  const before = parseReservations(text, file, { format }) ?? [];
  const document = yamlPackage().parseDocument(text, { prettyErrors: false });
  const root = document.contents;
  if (!yamlPackage().isMap(root)) throw new RegistryParseError('Expected a mapping at the top of the reservation file', file);
  const pair = root.items.find((item) => yamlPackage().isScalar(item.key) && item.key.value === 'reservations') as Pair<Node, Node | null> | undefined;
  const updated = format === 'json' ? addToJson(text, root as unknown as Node, pair, reservation) : addToYaml(text, pair, reservation);
  const after = parseReservations(updated, file, { format }) ?? [];
  const added = after.at(-1);
  if (
    after.length !== before.length + 1 ||
    added === undefined ||
    added.first !== reservation.port ||
    added.last !== reservation.port ||
    added.service !== reservation.service ||
    added.protocols.join(',') !== reservation.protocols.join(',')
  ) {
    // Never write a file that does not read back as intended.
    throw new RegistryParseError('Expected to add the reservation at the end of the `reservations` list, but the edited file did not read back with it; it was left unchanged', file);
  }
  return updated;
}

function addToYaml(text: string, pair: Pair<Node, Node | null> | undefined, reservation: NewReservation): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (pair === undefined) {
    // No list yet: one at the end of the file.
    const lead = text === '' || text.endsWith('\n') ? '' : eol;
    return `${text}${lead}reservations:${eol}${yamlEntryLines(reservation, 2, 2).join(eol)}${eol}`;
  }
  const list = pair.value;
  if (yamlPackage().isSeq(list) && list.flow) return addToFlowList(text, list, flowYamlEntry(reservation));
  if (yamlPackage().isSeq(list) && list.items.length > 0) {
    const last = list.items.at(-1) as Node;
    const dash = columnOf(text, list.range?.[0] ?? 0);
    const content = columnOf(text, last.range?.[0] ?? 0);
    const at = endOfLine(text, last.range?.[1] ?? text.length);
    const lines = yamlEntryLines(reservation, dash, content - dash);
    return `${text.slice(0, at)}${needsBreak(text, at, eol)}${lines.join(eol)}${eol}${text.slice(at)}`;
  }
  // `reservations:` with nothing after it (anything else failed parseReservations above): the list goes on the lines below the key.
  const key = pair.key;
  const keyColumn = columnOf(text, key.range?.[0] ?? 0);
  const at = endOfLine(text, key.range?.[1] ?? 0);
  const lines = yamlEntryLines(reservation, keyColumn + 2, 2);
  return `${text.slice(0, at)}${needsBreak(text, at, eol)}${lines.join(eol)}${eol}${text.slice(at)}`;
}

function addToJson(text: string, root: Node, pair: Pair<Node, Node | null> | undefined, reservation: NewReservation): string {
  const entry = jsonEntry(reservation);
  if (pair === undefined) {
    const close = (root.range?.[1] ?? text.length) - 1;
    const body = text.slice(0, close).trimEnd();
    const empty = body.endsWith('{');
    return `${body}${empty ? '' : ','}\n  "reservations": [\n    ${entry}\n  ]\n${text.slice(close)}`;
  }
  const list = pair.value;
  if (!yamlPackage().isSeq(list)) return text; // unreachable: parseReservations refused anything but a list
  if (list.items.length === 0) {
    // `"reservations": []`: the entry on a line of its own, indented one step past the key's line.
    const open = list.range?.[0] ?? 0;
    const close = (list.range?.[1] ?? open + 2) - 1;
    const lineStart = text.lastIndexOf('\n', open - 1) + 1;
    const indent = /^[ \t]*/.exec(text.slice(lineStart))?.[0] ?? '';
    return `${text.slice(0, open)}[\n${indent}  ${entry}\n${indent}]${text.slice(close + 1)}`;
  }
  return addToFlowList(text, list, entry);
}

/** A flow list (`[ … ]`, JSON or YAML): after the last item, on a line of its own when the items are. */
function addToFlowList(text: string, list: Node & { items: unknown[] }, entry: string): string {
  const end = (list.range?.[1] ?? text.length) - 1; // the `]`
  const last = list.items.at(-1) as Node | undefined;
  if (last === undefined) {
    const open = list.range?.[0] ?? end;
    return `${text.slice(0, open)}[${entry}]${text.slice(end + 1)}`;
  }
  const lastStart = last.range?.[0] ?? 0;
  const lastEnd = last.range?.[1] ?? end;
  const first = list.items[0] as Node;
  const onOwnLines = lineOf(text, first.range?.[0] ?? 0) !== lineOf(text, list.range?.[0] ?? 0);
  const separator = onOwnLines ? `,${text.includes('\r\n') ? '\r\n' : '\n'}${' '.repeat(columnOf(text, lastStart))}` : ', ';
  return `${text.slice(0, lastEnd)}${separator}${entry}${text.slice(lastEnd)}`;
}

/** The entry as block YAML lines: `- port: …` at `indent`, the other keys `step` further in. */
function yamlEntryLines(reservation: NewReservation, indent: number, step: number): string[] {
  const fields = entryFields(reservation).map(([key, value]) => `${key}: ${yamlValue(value)}`);
  return fields.map((field, index) => (index === 0 ? `${' '.repeat(indent)}- ${field}` : `${' '.repeat(indent + step)}${field}`));
}

function flowYamlEntry(reservation: NewReservation): string {
  return `{ ${entryFields(reservation)
    .map(([key, value]) => `${key}: ${yamlValue(value)}`)
    .join(', ')} }`;
}

function jsonEntry(reservation: NewReservation): string {
  return `{ ${entryFields(reservation)
    .map(([key, value]) => `${JSON.stringify(key)}: ${JSON.stringify(value)}`)
    .join(', ')} }`;
}

function entryFields(reservation: NewReservation): [string, number | string | string[]][] {
  const fields: [string, number | string | string[]][] = [
    ['port', reservation.port],
    ['protocol', reservation.protocols.length === 1 ? (reservation.protocols[0] as string) : [...reservation.protocols]],
    ['service', reservation.service],
  ];
  if (reservation.owner !== undefined) fields.push(['owner', reservation.owner]);
  if (reservation.note !== undefined) fields.push(['note', reservation.note]);
  return fields;
}

/** A value on one line, as YAML writes it (quoted only when it must be); JSON's quoting for anything multi-line. */
function yamlValue(value: number | string | string[]): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'number') return String(value);
  const written = yamlPackage().stringify(value, { lineWidth: 0 }).trimEnd();
  return written.includes('\n') ? JSON.stringify(value) : written;
}

function columnOf(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1);
}

function lineOf(text: string, offset: number): number {
  let lines = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) lines += 1;
  return lines;
}

/** The offset just after the line break that ends the line holding `offset` (the text's end when none). */
function endOfLine(text: string, offset: number): number {
  const from = offset > 0 && text[offset - 1] === '\n' ? offset - 1 : offset;
  const newline = text.indexOf('\n', from);
  return newline === -1 ? text.length : newline + 1;
}

/** A line break when the insertion point is at the end of a last line without one. */
function needsBreak(text: string, at: number, eol: string): string {
  return at === text.length && !text.endsWith('\n') ? eol : '';
}
