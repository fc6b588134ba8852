import type { EntryIndex } from '../registry/entry-index.js';
import type { Protocol } from '../registry/types.js';

/**
 * A 65536-entry table per (source index, protocol) saying which ports the
 * source lists, so that sweeping ~48k candidate ports costs one array read per
 * port instead of one Map lookup per port and source. Built in O(entries) from
 * EntryIndex.entries() and cached per index (rebuilt if the index grew).
 */

/** The source has at least one entry for the port. */
export const MARK_LISTED = 1;
/** Some entry carries an nmap open-frequency > 0 (seen open in the wild). */
export const MARK_SEEN_OPEN = 2;

interface CachedMarks {
  size: number;
  byProtocol: Map<Protocol, Uint8Array>;
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
  for (const entry of index.entries()) {
    if (entry.protocol !== protocol || entry.port < 0 || entry.port > 65535) continue;
    let mark = (marks[entry.port] as number) | MARK_LISTED;
    if ((entry.extra.nmapFrequency ?? 0) > 0) mark |= MARK_SEEN_OPEN;
    marks[entry.port] = mark;
  }
  cached.byProtocol.set(protocol, marks);
  return marks;
}
