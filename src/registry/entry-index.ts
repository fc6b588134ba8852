import type { Protocol, RegistryEntry, SourceId } from './types.js';

/**
 * All entries of one source, indexed by (protocol, port) for O(1) lookups.
 * Several entries may share a key (IANA lists several names per port).
 */
export class EntryIndex {
  readonly source: SourceId;
  private readonly byKey = new Map<number, RegistryEntry[]>();
  private count = 0;

  constructor(source: SourceId, entries: Iterable<RegistryEntry> = []) {
    this.source = source;
    for (const entry of entries) this.add(entry);
  }

  add(entry: RegistryEntry): void {
    const key = indexKey(entry.protocol, entry.port);
    const list = this.byKey.get(key);
    if (list) list.push(entry);
    else this.byKey.set(key, [entry]);
    this.count += 1;
  }

  /** Entries for this port and protocol, in insertion order; empty when none. */
  lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    return this.byKey.get(indexKey(protocol, port)) ?? EMPTY;
  }

  has(protocol: Protocol, port: number): boolean {
    return this.byKey.has(indexKey(protocol, port));
  }

  get size(): number {
    return this.count;
  }

  *entries(): IterableIterator<RegistryEntry> {
    for (const list of this.byKey.values()) yield* list;
  }
}

const EMPTY: readonly RegistryEntry[] = Object.freeze([]);
const PROTOCOL_CODE: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2, dccp: 3 };

function indexKey(protocol: Protocol, port: number): number {
  return PROTOCOL_CODE[protocol] * 65536 + port;
}
