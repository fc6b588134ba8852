/**
 * An IANA registry file (CSV or XML) kept digested in portpick's cache (see
 * derived-cache.ts for the file's contract), so that a command run with the
 * full official CSV — `--iana FILE`, or the copy `portpick update` stores —
 * does not parse 1.1 MB and expand every range on each run.
 *
 * Stored: each protocol's 65,536 aggregated state ranks; per record its port
 * range, protocol and whether it carries unauthorized-use text; which records
 * are single ports (sorted by port) and which are ranges; and each record as
 * JSON. Questions are then answered from those tables, and only the records a
 * lookup needs are decoded. The answers are those of the RecordIanaRegistry the
 * file parses to (its lookups list covering rows in file order, as here).
 */
import { readDerived, view, writeDerived, type SourceIdentity } from './derived-cache.js';
import { RecordIanaRegistry, checkPort, checkProtocol, entriesForRows, interpretRow, type IanaRecord } from './iana-registry.js';
import { STATE_BY_RANK } from './iana-status.js';
import { PROTOCOLS, type Protocol, type RegistryEntry, type RegistryState } from './types.js';

export const IANA_DERIVED_KIND = 'iana-registry/1';

const PROTOCOL_CODE: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2, dccp: 3 };
/** Protocol code of a record without a protocol (it covers every transport). */
const EVERY_PROTOCOL = 4;
const FLAG_UNAUTHORIZED_USE = 1;
/** Ranks per protocol, then starts, ends, protocol codes, flags, single ids, range ids, JSON offsets, JSON. */
const SECTION_COUNT = PROTOCOLS.length + 8;

interface Header {
  origin: string;
  updated: string | null;
  file: string;
  entryCount: number;
  records: number;
}

interface Tables {
  ranks: Uint8Array[];
  /** Per record: first and last port, -1 for name-only records. */
  starts: Int32Array;
  ends: Int32Array;
  protocolCodes: Uint8Array;
  flags: Uint8Array;
  /** Single-port records, ordered by port then record. */
  singleIds: Uint32Array;
  /** Records covering more than one port, in record order. */
  rangeIds: Uint32Array;
  /** Record k's JSON is json[jsonOffsets[k], jsonOffsets[k + 1]). */
  jsonOffsets: Uint32Array;
  json: Uint8Array;
}

/** The digested registry of `source` at `identity`; null on any miss. */
export function readDerivedIanaRegistry(file: string, source: string, identity: SourceIdentity): DerivedIanaRegistry | null {
  const stored = readDerived<Header>(file, IANA_DERIVED_KIND, source, identity);
  if (stored === null || stored.sections.length !== SECTION_COUNT) return null;
  const sections = stored.sections;
  const at = (index: number) => sections[index] as Uint8Array;
  const protocols = PROTOCOLS.length;
  const tables: Tables = {
    ranks: PROTOCOLS.map((_, code) => at(code)),
    starts: view(Int32Array, at(protocols)),
    ends: view(Int32Array, at(protocols + 1)),
    protocolCodes: at(protocols + 2),
    flags: at(protocols + 3),
    singleIds: view(Uint32Array, at(protocols + 4)),
    rangeIds: view(Uint32Array, at(protocols + 5)),
    jsonOffsets: view(Uint32Array, at(protocols + 6)),
    json: at(protocols + 7),
  };
  const n = stored.header.records;
  const sizesMatch =
    tables.ranks.every((ranks) => ranks.length === 65536) &&
    tables.starts.length === n &&
    tables.ends.length === n &&
    tables.protocolCodes.length === n &&
    tables.flags.length === n &&
    tables.jsonOffsets.length === n + 1 &&
    tables.jsonOffsets[n] === tables.json.length;
  return sizesMatch ? new DerivedIanaRegistry(stored.header, tables) : null;
}

/** Digests `registry` (parsed from `source` at `identity`) into `file`. Best effort: false when nothing was stored. */
export function writeDerivedIanaRegistry(file: string, source: string, identity: SourceIdentity, registry: RecordIanaRegistry): boolean {
  const records = registry.records;
  const n = records.length;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const protocolCodes = new Uint8Array(n);
  const flags = new Uint8Array(n);
  const singles: number[] = [];
  const ranges: number[] = [];
  const jsonParts: Buffer[] = [];
  const jsonOffsets = new Uint32Array(n + 1);
  records.forEach((record, id) => {
    starts[id] = record.ports?.start ?? -1;
    ends[id] = record.ports?.end ?? -1;
    protocolCodes[id] = record.protocol === null ? EVERY_PROTOCOL : PROTOCOL_CODE[record.protocol];
    flags[id] = record.unauthorizedUse ? FLAG_UNAUTHORIZED_USE : 0;
    if (record.ports !== null) (record.ports.start === record.ports.end ? singles : ranges).push(id);
    const json = Buffer.from(JSON.stringify(record), 'utf8');
    jsonParts.push(json);
    jsonOffsets[id + 1] = (jsonOffsets[id] as number) + json.length;
  });
  // Stable: records of one port stay in file order.
  singles.sort((a, b) => (starts[a] as number) - (starts[b] as number) || a - b);
  const header: Header = { origin: registry.origin, updated: registry.updated ?? null, file: source, entryCount: registry.entryCount, records: n };
  const sections: ArrayBufferView[] = [
    ...PROTOCOLS.map((protocol) => registry.stateRanks(protocol)),
    starts,
    ends,
    protocolCodes,
    flags,
    Uint32Array.from(singles),
    Uint32Array.from(ranges),
    jsonOffsets,
    Buffer.concat(jsonParts),
  ];
  return writeDerived(file, IANA_DERIVED_KIND, source, identity, header, sections);
}

/**
 * A RecordIanaRegistry answered from digested tables. Its records are decoded
 * all at once only when asked for (byName, `records`).
 */
export class DerivedIanaRegistry extends RecordIanaRegistry {
  private readonly tables: Tables;
  private readonly count: number;
  private readonly sourceFile: string;
  private readonly decoded = new Map<number, IanaRecord>();
  private readonly lookups = new Map<number, readonly RegistryEntry[]>();

  constructor(header: Header, tables: Tables) {
    super(() => Array.from({ length: header.records }, (_, id) => this.record(id)), {
      origin: header.origin,
      updated: header.updated ?? undefined,
      file: header.file,
    });
    this.tables = tables;
    this.count = header.entryCount;
    this.sourceFile = header.file;
  }

  override get entryCount(): number {
    return this.count;
  }

  override stateRanks(protocol: Protocol): Uint8Array {
    checkProtocol(protocol);
    return this.tables.ranks[PROTOCOL_CODE[protocol]] as Uint8Array;
  }

  override stateOf(protocol: Protocol, port: number): RegistryState {
    const ranks = this.stateRanks(protocol);
    checkPort(port);
    return STATE_BY_RANK[ranks[port] as number] ?? 'unknown';
  }

  override lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    checkProtocol(protocol);
    checkPort(port);
    const key = PROTOCOL_CODE[protocol] * 65536 + port;
    let entries = this.lookups.get(key);
    if (entries === undefined) {
      const rows = this.coveringIds(protocol, port).map((id) => interpretRow(this.record(id)));
      entries = entriesForRows(rows, protocol, port, this.sourceFile);
      this.lookups.set(key, entries);
    }
    return entries;
  }

  override hasUnauthorizedUse(protocol: Protocol, port: number): boolean {
    checkProtocol(protocol);
    checkPort(port);
    if (!this.coveringIds(protocol, port).some((id) => ((this.tables.flags[id] as number) & FLAG_UNAUTHORIZED_USE) !== 0)) return false;
    // A range row's text may name only some of its ports: the entries decide.
    return this.lookup(protocol, port).some((entry) => entry.extra.unauthorizedUse);
  }

  /** Ids of the records covering (protocol, port), in file order. */
  private coveringIds(protocol: Protocol, port: number): number[] {
    const { starts, ends, protocolCodes, singleIds, rangeIds } = this.tables;
    const code = PROTOCOL_CODE[protocol];
    const applies = (id: number) => protocolCodes[id] === code || protocolCodes[id] === EVERY_PROTOCOL;
    const ids: number[] = [];
    // First single-port record at or after `port`.
    let low = 0;
    let high = singleIds.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((starts[singleIds[middle] as number] as number) < port) low = middle + 1;
      else high = middle;
    }
    for (let k = low; k < singleIds.length && starts[singleIds[k] as number] === port; k += 1) {
      const id = singleIds[k] as number;
      if (applies(id)) ids.push(id);
    }
    for (let k = 0; k < rangeIds.length; k += 1) {
      const id = rangeIds[k] as number;
      if ((starts[id] as number) <= port && port <= (ends[id] as number) && applies(id)) ids.push(id);
    }
    return ids.sort((a, b) => a - b);
  }

  private record(id: number): IanaRecord {
    let record = this.decoded.get(id);
    if (record === undefined) {
      const { json, jsonOffsets } = this.tables;
      record = JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString('utf8', jsonOffsets[id], jsonOffsets[id + 1])) as IanaRecord;
      this.decoded.set(id, record);
    }
    return record;
  }
}
