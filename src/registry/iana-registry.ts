import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeValue } from '../errors/portpick-error.js';
import { STATE_BY_RANK, STATE_RANK, interpretIanaStatus } from './iana-status.js';
import { spansContain, unauthorizedPortSpans, type PortSpan } from './iana-unauthorized.js';
import type { IanaRegistry } from './loaded-sources.js';
import { PROTOCOLS, type EntryExtra, type Protocol, type RegistryEntry, type RegistryState } from './types.js';

/**
 * One row of the IANA registry as read from the CSV, the XML or the shipped
 * snapshot, before ranges and empty protocols are expanded.
 */
export interface IanaRecord {
  /** Service Name column as written ('' when empty). */
  name: string;
  /** Port Number column; null for rows that only register a name. */
  ports: { start: number; end: number } | null;
  /** Transport Protocol column; null when empty, which means every transport. */
  protocol: Protocol | null;
  description: string;
  assignee?: string;
  contact?: string;
  registrationDate?: string;
  modificationDate?: string;
  reference?: string;
  serviceCode?: string;
  unauthorizedUse?: string;
  assignmentNotes?: string;
  /** 1-based line where the record starts in its file. */
  line?: number;
}

export interface IanaRegistryOptions {
  origin: string;
  updated: string | undefined;
  /** Set when the records came from a file: entries then carry extra.file and extra.line. */
  file?: string;
}

/** Port of the entries byName returns for rows that register a name without a port. */
export const NAME_ONLY_PORT = -1;

/** A row with its interpretation, computed once. */
export interface InterpretedRow {
  record: IanaRecord;
  state: Exclude<RegistryState, 'unknown'>;
  rank: number;
  statusText: string | undefined;
  serviceName: string;
  /** Ports of the row the unauthorized-use text names; null = the whole row (when there is a text). */
  unauthorizedSpans: PortSpan[] | null;
}

/** Per protocol: every port's rows (compressed sparse rows) and aggregated state rank. */
interface ProtocolIndex {
  offsets: Uint32Array;
  rowIds: Uint32Array;
  ranks: Uint8Array;
}

const PROTOCOL_CODE: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2, dccp: 3 };
const PORT_COUNT = 65536;

/**
 * IanaRegistry over a list of records. Nothing is expanded up front: the first
 * question about a protocol builds that protocol's index (an offsets table and a
 * Uint8Array of 65,536 state ranks, a few milliseconds), and entries are made on
 * demand and cached per (protocol, port).
 */
export class RecordIanaRegistry implements IanaRegistry {
  readonly origin: string;
  readonly updated: string | undefined;
  private recordList: readonly IanaRecord[] | undefined;
  private readonly makeRecords: (() => readonly IanaRecord[]) | undefined;
  private expandedCount: number | undefined;
  private readonly file: string | undefined;
  /** Interpreted on first use, so that loading stays cheap. */
  private interpreted: InterpretedRow[] | undefined;
  private readonly indexes: Array<ProtocolIndex | undefined> = [undefined, undefined, undefined, undefined];
  private readonly entryCache = new Map<number, readonly RegistryEntry[]>();
  private nameIndex: Map<string, number[]> | undefined;
  private readonly nameCache = new Map<string, readonly RegistryEntry[]>();

  /** `records` may be a function: the snapshot then defers building its records to the first question. */
  constructor(records: readonly IanaRecord[] | (() => readonly IanaRecord[]), options: IanaRegistryOptions) {
    this.origin = options.origin;
    this.updated = options.updated;
    this.file = options.file;
    if (typeof records === 'function') this.makeRecords = records;
    else this.recordList = records;
  }

  /** The rows as read, before expansion. */
  get records(): readonly IanaRecord[] {
    this.recordList ??= this.makeRecords?.() ?? [];
    return this.recordList;
  }

  get entryCount(): number {
    if (this.expandedCount === undefined) {
      let count = 0;
      for (const record of this.records) {
        const ports = record.ports;
        if (ports) count += (ports.end - ports.start + 1) * (record.protocol === null ? PROTOCOLS.length : 1);
      }
      this.expandedCount = count;
    }
    return this.expandedCount;
  }

  private get rows(): InterpretedRow[] {
    this.interpreted ??= this.records.map(interpretRow);
    return this.interpreted;
  }

  /** Every port's aggregated state rank for `protocol` (STATE_BY_RANK names them): what derived files store. */
  stateRanks(protocol: Protocol): Uint8Array {
    return this.indexFor(protocol).ranks;
  }

  stateOf(protocol: Protocol, port: number): RegistryState {
    const index = this.indexFor(protocol);
    checkPort(port);
    return STATE_BY_RANK[index.ranks[port] ?? 0] ?? 'unknown';
  }

  lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    const index = this.indexFor(protocol);
    checkPort(port);
    const key = PROTOCOL_CODE[protocol] * PORT_COUNT + port;
    const cached = this.entryCache.get(key);
    if (cached) return cached;
    const from = index.offsets[port] ?? 0;
    const to = index.offsets[port + 1] ?? 0;
    const rows = this.rows;
    const covering = Array.from(index.rowIds.subarray(from, to), (id) => rows[id] as InterpretedRow);
    const entries = entriesForRows(covering, protocol, port, this.file);
    this.entryCache.set(key, entries);
    return entries;
  }

  hasUnauthorizedUse(protocol: Protocol, port: number): boolean {
    return this.lookup(protocol, port).some((entry) => Boolean(entry.extra.unauthorizedUse));
  }

  byName(name: string): readonly RegistryEntry[] {
    const wanted = name.trim().toLowerCase();
    const cached = this.nameCache.get(wanted);
    if (cached) return cached;
    const ids = this.namesIndex().get(wanted) ?? [];
    const entries: RegistryEntry[] = [];
    for (const id of ids) {
      const row = this.rows[id];
      if (!row) continue;
      const protocols = row.record.protocol === null ? PROTOCOLS : [row.record.protocol];
      const ports = row.record.ports;
      for (const protocol of protocols) {
        if (!ports) {
          entries.push(this.entryFor(id, protocol, NAME_ONLY_PORT));
          continue;
        }
        for (let port = ports.start; port <= ports.end; port += 1) entries.push(this.entryFor(id, protocol, port));
      }
    }
    const frozen = Object.freeze(entries);
    this.nameCache.set(wanted, frozen);
    return frozen;
  }

  private namesIndex(): Map<string, number[]> {
    if (this.nameIndex) return this.nameIndex;
    const index = new Map<string, number[]>();
    this.rows.forEach((row, id) => {
      if (row.serviceName === '') return;
      const key = row.serviceName.toLowerCase();
      const list = index.get(key);
      if (list) list.push(id);
      else index.set(key, [id]);
    });
    this.nameIndex = index;
    return index;
  }

  private indexFor(protocol: Protocol): ProtocolIndex {
    checkProtocol(protocol);
    const code = PROTOCOL_CODE[protocol];
    const existing = this.indexes[code];
    if (existing) return existing;
    const built = buildProtocolIndex(this.rows, protocol);
    this.indexes[code] = built;
    return built;
  }

  private entryFor(id: number, protocol: Protocol, port: number): RegistryEntry {
    const row = this.rows[id];
    if (!row) throw new RangeError(`row ${id} does not exist`);
    return entryForRow(row, protocol, port, this.file);
  }
}

/** Interprets one record (state, status text, service name, unauthorized-use spans). */
export function interpretRow(record: IanaRecord): InterpretedRow {
  const status = interpretIanaStatus(record.name, record.description);
  const ports = record.ports;
  const text = record.unauthorizedUse;
  return {
    record,
    state: status.state,
    rank: STATE_RANK[status.state],
    statusText: status.statusText,
    serviceName: status.serviceName,
    unauthorizedSpans: text && ports ? unauthorizedPortSpans(text, ports.start, ports.end) : null,
  };
}

/**
 * The entries `lookup` returns for the rows covering one (protocol, port), given
 * in registry order: assigned rows first, then reserved, then unassigned; registry
 * order within a state. Frozen. Shared with the snapshot's precomputed path so that
 * both answer alike.
 */
export function entriesForRows(rows: readonly InterpretedRow[], protocol: Protocol, port: number, file?: string): readonly RegistryEntry[] {
  const order = rows.map((_, at) => at);
  order.sort((a, b) => (rows[b] as InterpretedRow).rank - (rows[a] as InterpretedRow).rank || a - b);
  return Object.freeze(order.map((at) => entryForRow(rows[at] as InterpretedRow, protocol, port, file)));
}

function entryForRow(row: InterpretedRow, protocol: Protocol, port: number, file: string | undefined): RegistryEntry {
  const record = row.record;
  const extra: EntryExtra = {};
  if (row.statusText !== undefined) extra.ianaStatusText = row.statusText;
  if (record.unauthorizedUse && (row.unauthorizedSpans === null || spansContain(row.unauthorizedSpans, port))) {
    extra.unauthorizedUse = record.unauthorizedUse;
  }
  if (record.assignee) extra.assignee = record.assignee;
  if (record.contact) extra.contact = record.contact;
  if (record.registrationDate) extra.registrationDate = record.registrationDate;
  if (record.modificationDate) extra.modificationDate = record.modificationDate;
  if (record.reference) extra.reference = record.reference;
  if (record.assignmentNotes) extra.assignmentNotes = record.assignmentNotes;
  if (file !== undefined) {
    extra.file = file;
    if (record.line !== undefined) extra.line = record.line;
  }
  return {
    port,
    protocol,
    state: row.state,
    names: row.serviceName === '' ? [] : [row.serviceName],
    description: record.description,
    source: 'iana',
    extra,
  };
}

function buildProtocolIndex(rows: readonly InterpretedRow[], protocol: Protocol): ProtocolIndex {
  const offsets = new Uint32Array(PORT_COUNT + 1);
  const ranks = new Uint8Array(PORT_COUNT);
  const applies = (row: InterpretedRow): boolean =>
    row.record.ports !== null && (row.record.protocol === null || row.record.protocol === protocol);

  for (const row of rows) {
    if (!applies(row) || !row.record.ports) continue;
    for (let port = row.record.ports.start; port <= row.record.ports.end; port += 1) {
      offsets[port + 1] = (offsets[port + 1] ?? 0) + 1;
    }
  }
  for (let port = 0; port < PORT_COUNT; port += 1) offsets[port + 1] = (offsets[port + 1] ?? 0) + (offsets[port] ?? 0);

  const rowIds = new Uint32Array(offsets[PORT_COUNT] ?? 0);
  const cursor = offsets.slice(0, PORT_COUNT);
  rows.forEach((row, id) => {
    if (!applies(row) || !row.record.ports) return;
    for (let port = row.record.ports.start; port <= row.record.ports.end; port += 1) {
      const at = cursor[port] ?? 0;
      rowIds[at] = id;
      cursor[port] = at + 1;
      if (row.rank > (ranks[port] ?? 0)) ranks[port] = row.rank;
    }
  });
  return { offsets, rowIds, ranks };
}

/** The error every IanaRegistry gives for a protocol it does not know. */
export function checkProtocol(protocol: Protocol): void {
  if (typeof protocol !== 'string' || !Object.hasOwn(PROTOCOL_CODE, protocol)) {
    throw new InvalidArgumentError(`Expected a protocol (${PROTOCOLS.join(', ')}), got ${describeValue(protocol)}`);
  }
}

/** The error every IanaRegistry gives for a port outside 0-65535. */
export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`Expected a port from 0 to 65535, got ${describeValue(port)}`);
  }
}

/** Newest Registration/Modification Date among the records (`YYYY-MM-DD` or `YYYY-MM`). */
export function newestIanaDate(records: readonly IanaRecord[]): string | undefined {
  let newest = '';
  for (const record of records) {
    if (record.registrationDate && record.registrationDate > newest) newest = record.registrationDate;
    if (record.modificationDate && record.modificationDate > newest) newest = record.modificationDate;
  }
  return newest === '' ? undefined : newest;
}
