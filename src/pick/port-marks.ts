import type { EntryIndex } from '../registry/entry-index.js';
import type { Protocol } from '../registry/types.js';

/**
 * A 65536-entry table per (source index, protocol) saying which ports the
 * source lists, so that sweeping ~48k candidate ports costs one array read per
 * port instead of one Map lookup per port and source. Built in O(entries) and
 * cached per index (rebuilt if the index grew). Indexes that can list their
 * ports without making entry objects (nmap-services' columns, listeners with
 * owners not yet looked up) do so through `forEachPort`.
 */

/** The source has at least one entry for the port. */
export const MARK_LISTED = 1;
/** Some entry carries an nmap open-frequency > 0 (seen open in the wild). */
export const MARK_SEEN_OPEN = 2;

interface CachedMarks {
  size: number;
  byProtocol: Map<Protocol, Uint8Array>;
}

/** What an index offers to mark its ports without building its entries. */
interface PortVisitor {
  forEachPort(protocol: Protocol, visit: (port: number, frequency: number) => void): void;
}

const cache = new WeakMap<EntryIndex, CachedMarks>();

export function portMarks(index: EntryIndex, protocol: Protocol): Uint8Array {
  let cached = cache.get(index);
  if (cached === undefined || cached.size !== index.size) {
    cached = { size: index.size, byProtocol: new Map() };
    cache.set(index, cached);
  }
  const existing = cached.byProtocol.get(protocol);
  if (existing !== undefined) return existing;

  const marks = new Uint8Array(65536);
  const mark = (port: number, frequency: number): void => {
    if (port < 0 || port > 65535) return;
    marks[port] = (marks[port] as number) | MARK_LISTED | (frequency > 0 ? MARK_SEEN_OPEN : 0);
  };
  if (typeof (index as Partial<PortVisitor>).forEachPort === 'function') {
    (index as EntryIndex & PortVisitor).forEachPort(protocol, mark);
  } else {
    for (const entry of index.entries()) {
      if (entry.protocol === protocol) mark(entry.port, entry.extra.nmapFrequency ?? 0);
    }
  }
  cached.byProtocol.set(protocol, marks);
  return marks;
}
