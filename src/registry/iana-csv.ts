import { RegistryParseError } from '../errors/registry-parse-error.js';
import { RecordIanaRegistry, newestIanaDate, type IanaRecord } from './iana-registry.js';
import { PROTOCOLS, type Protocol } from './types.js';

/**
 * The official CSV form of the IANA "Service Name and Transport Protocol Port
 * Number Registry" (service-names-port-numbers.csv): RFC 4180 quoting, CRLF
 * record ends, LF inside quoted fields, doubled quotes, UTF-8 (a BOM is accepted).
 */
export const IANA_CSV_COLUMNS = [
  'Service Name',
  'Port Number',
  'Transport Protocol',
  'Description',
  'Assignee',
  'Contact',
  'Registration Date',
  'Modification Date',
  'Reference',
  'Service Code',
  'Unauthorized Use Reported',
  'Assignment Notes',
] as const;

/** Parses the official CSV into a registry; throws RegistryParseError (with file and line) on malformed input. */
export function parseIanaCsv(text: string, file: string): RecordIanaRegistry {
  const records = readIanaCsvRecords(text, file);
  return new RecordIanaRegistry(records, { origin: file, updated: newestIanaDate(records), file });
}

/** The CSV's records in file order, validated (header, 12 fields, ports, protocols). */
export function readIanaCsvRecords(text: string, file: string): IanaRecord[] {
  const records: IanaRecord[] = [];
  let sawHeader = false;
  forEachCsvRecord(text, file, (fields, line) => {
    if (!sawHeader) {
      checkHeader(fields, file, line);
      sawHeader = true;
      return;
    }
    records.push(toRecord(fields, file, line));
  });
  if (!sawHeader) throw new RegistryParseError('Expected the IANA CSV header line, got an empty file', file, 1);
  return records;
}

export interface IanaCsvCheckOptions {
  /** Fewer records than this means a truncated or wrong file (the registry holds about 14,500). */
  minRecords?: number;
}

export const DEFAULT_MIN_IANA_RECORDS = 10_000;

/**
 * Refuses text that is not a complete IANA CSV (an HTML error page, a truncated
 * download) before it replaces cached data. Parses the whole file, so every
 * check of readIanaCsvRecords applies, then requires the record-count floor and
 * a final line break (a download cut exactly at a field boundary still parses).
 */
export function assertLooksLikeIanaCsv(text: string, file: string, options: IanaCsvCheckOptions = {}): void {
  const minRecords = options.minRecords ?? DEFAULT_MIN_IANA_RECORDS;
  const records = readIanaCsvRecords(text, file);
  if (!text.endsWith('\n')) {
    throw new RegistryParseError('Expected the file to end with a line break after the last record, got a cut-off record', file, countLines(text));
  }
  if (records.length < minRecords) {
    throw new RegistryParseError(`Expected at least ${minRecords} records, got ${records.length} (truncated or not the full registry)`, file);
  }
}

function checkHeader(fields: readonly string[], file: string, line: number): void {
  if (fields.length !== IANA_CSV_COLUMNS.length) {
    throw new RegistryParseError(
      `Expected the IANA header of ${IANA_CSV_COLUMNS.length} columns (${IANA_CSV_COLUMNS.join(', ')}), got ${fields.length} column${fields.length === 1 ? '' : 's'}`,
      file,
      line,
    );
  }
  IANA_CSV_COLUMNS.forEach((expected, column) => {
    const got = (fields[column] ?? '').trim();
    if (got.toLowerCase() !== expected.toLowerCase()) {
      throw new RegistryParseError(`Expected header column ${column + 1} to be "${expected}", got "${got}"`, file, line);
    }
  });
}

function toRecord(fields: readonly string[], file: string, line: number): IanaRecord {
  if (fields.length !== IANA_CSV_COLUMNS.length) {
    throw new RegistryParseError(`Expected ${IANA_CSV_COLUMNS.length} fields, got ${fields.length}`, file, line);
  }
  const [name = '', portText = '', protocolText = '', description = '', assignee = '', contact = '', registrationDate = '',
    modificationDate = '', reference = '', serviceCode = '', unauthorizedUse = '', assignmentNotes = ''] = fields;
  const ports = parsePortField(portText, file, line);
  const protocol = parseProtocolField(protocolText, file, line);
  if (ports === null && name.trim() === '') {
    throw new RegistryParseError('Expected a port number or a service name, got neither', file, line);
  }
  const record: IanaRecord = { name, ports, protocol, description, line };
  if (assignee) record.assignee = assignee;
  if (contact) record.contact = contact;
  if (registrationDate) record.registrationDate = registrationDate;
  if (modificationDate) record.modificationDate = modificationDate;
  if (reference) record.reference = reference;
  if (serviceCode) record.serviceCode = serviceCode;
  if (unauthorizedUse) record.unauthorizedUse = unauthorizedUse;
  if (assignmentNotes) record.assignmentNotes = assignmentNotes;
  return record;
}

const PORT_FIELD = /^(\d+)(?:\s*-\s*(\d+))?$/;

/** `80` → {80, 80}; `6000-6063` → {6000, 6063}; '' → null. Shared with the XML parser. */
export function parsePortField(text: string, file: string, line: number | undefined): { start: number; end: number } | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const match = PORT_FIELD.exec(trimmed);
  if (!match) throw new RegistryParseError(`Expected a port number or range such as \`6000-6063\`, got \`${trimmed}\``, file, line);
  const start = Number(match[1]);
  const end = match[2] === undefined ? start : Number(match[2]);
  for (const port of [start, end]) {
    if (port > 65535) throw new RegistryParseError(`Expected a port from 0 to 65535, got \`${port}\``, file, line);
  }
  if (end < start) throw new RegistryParseError(`Expected a range whose start is not above its end, got \`${trimmed}\``, file, line);
  return { start, end };
}

/** '' → null (every transport); otherwise one of tcp, udp, sctp, dccp. Shared with the XML parser. */
export function parseProtocolField(text: string, file: string, line: number | undefined): Protocol | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '') return null;
  if ((PROTOCOLS as readonly string[]).includes(trimmed)) return trimmed as Protocol;
  throw new RegistryParseError(`Expected a transport protocol (${PROTOCOLS.join(', ')}) or nothing, got \`${text}\``, file, line);
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * Calls onRecord with each record's fields and the line it starts on. A record
 * ends at an unquoted LF or CRLF. Empty lines are accepted only at the end of
 * the file. Scans with charCodeAt/indexOf and slices: no regular expression and
 * no per-character string.
 */
function forEachCsvRecord(text: string, file: string, onRecord: (fields: string[], line: number) => void): void {
  const length = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let blankLine: number | undefined;

  while (pos < length) {
    const recordLine = line;
    const fields: string[] = [];
    for (;;) {
      let value: string;
      if (text.charCodeAt(pos) === QUOTE) {
        const openLine = line;
        let from = pos + 1;
        value = '';
        for (;;) {
          const close = text.indexOf('"', from);
          if (close < 0) {
            throw new RegistryParseError('Expected a closing quote for the field opened on this line, got the end of the file', file, openLine);
          }
          const chunk = text.slice(from, close);
          line += countChar(chunk, '\n');
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += `${chunk}"`;
            from = close + 2;
            continue;
          }
          value += chunk;
          pos = close + 1;
          break;
        }
        const next = text.charCodeAt(pos);
        if (!(pos >= length || next === COMMA || next === LF || (next === CR && text.charCodeAt(pos + 1) === LF))) {
          throw new RegistryParseError(`Expected a comma or a line end after a closing quote, got \`${text.charAt(pos)}\``, file, line);
        }
      } else {
        let end = pos;
        for (; end < length; end += 1) {
          const code = text.charCodeAt(end);
          if (code === COMMA || code === LF || code === CR) break;
          if (code === QUOTE) throw new RegistryParseError('Expected no quote inside an unquoted field, got `"`', file, line);
        }
        if (text.charCodeAt(end) === CR && text.charCodeAt(end + 1) !== LF) {
          throw new RegistryParseError('Expected LF after CR at a record end, got a lone CR', file, line);
        }
        value = text.slice(pos, end);
        pos = end;
      }
      fields.push(value);
      if (pos >= length) break;
      const code = text.charCodeAt(pos);
      if (code === COMMA) {
        pos += 1;
        continue;
      }
      pos += code === CR ? 2 : 1;
      line += 1;
      break;
    }
    if (fields.length === 1 && fields[0] === '') {
      blankLine ??= recordLine;
      continue;
    }
    if (blankLine !== undefined) throw new RegistryParseError('Expected a record, got an empty line', file, blankLine);
    onRecord(fields, recordLine);
  }
}

function countChar(text: string, char: string): number {
  let count = 0;
  for (let at = text.indexOf(char); at >= 0; at = text.indexOf(char, at + 1)) count += 1;
  return count;
}

function countLines(text: string): number {
  return countChar(text, '\n') + 1;
}
