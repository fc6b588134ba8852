/**
 * nmap-style TCP port specs → a sorted set of ports.
 *
 * Grammar (comma-separated items, whitespace around items ignored):
 * - `22` a port, `8000-8100` an inclusive range (reversed ranges are rejected);
 * - `-` all ports 1–65535; open ends as in nmap: `-100` = 1–100, `60000-` = 60000–65535;
 * - a `T:` prefix (`T:22,80`) is accepted and means TCP, which is all portpick sweeps;
 *   `U:` and `S:` (UDP, SCTP) are rejected because only TCP is swept;
 * - port 0 is rejected (nmap accepts it explicitly; it is not a service port);
 * - service names (`http`) are not accepted: name the number.
 * Duplicates and overlaps merge.
 */
import { PortSpecError } from '../errors/port-spec-error.js';
import { SourceUnavailableError } from '../errors/source-unavailable-error.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { describeValue } from '../errors/portpick-error.js';
import type { EntryIndex } from '../registry/entry-index.js';
import { parsePort } from '../pick/port-input.js';

export const PORT_SET_BYTES = 8192;

/** An inclusive range of ports, first ≤ last. */
export interface PortRange {
  first: number;
  last: number;
}

/** Parses a port spec into ascending unique ports. */
export function parsePortSpec(spec: string): Uint16Array {
  return listOfRanges(parsePortRanges(spec));
}

/** Parses a port spec into its ranges: ascending, overlaps and neighbours merged (`22,23,80` → 22–23, 80). */
export function parsePortRanges(spec: string): PortRange[] {
  if (typeof spec !== 'string') {
    throw new PortSpecError(`Expected a port spec string such as \`22,80,8000-8100\`, got ${describeValue(spec)}`);
  }
  const items = spec.split(',').map((item) => item.trim());
  if (spec.trim() === '') throw new PortSpecError('Expected a port spec such as `22,80,8000-8100`, got an empty string');
  const ranges: PortRange[] = [];
  for (let item of items) {
    if (item === '') throw new PortSpecError(`Expected a port or range between commas, got an empty item in \`${spec}\``);
    const protocol = /^([A-Za-z]):(.*)$/.exec(item);
    if (protocol) {
      const letter = (protocol[1] as string).toUpperCase();
      if (letter !== 'T') {
        throw new PortSpecError(
          `Expected TCP ports (portpick sweeps TCP only; \`T:\` is allowed), got the \`${protocol[1]}:\` prefix in \`${item}\``,
        );
      }
      item = (protocol[2] as string).trim();
    }
    ranges.push(parseItem(item));
  }
  return mergeRanges(ranges);
}

/** Ranges sorted and merged where they overlap or touch. */
function mergeRanges(ranges: PortRange[]): PortRange[] {
  ranges.sort((a, b) => a.first - b.first);
  const merged: PortRange[] = [];
  for (const { first, last } of ranges) {
    const previous = merged[merged.length - 1];
    if (previous && first <= previous.last + 1) previous.last = Math.max(previous.last, last);
    else merged.push({ first, last });
  }
  return merged;
}

/** The ascending ports of ascending, merged ranges. */
function listOfRanges(ranges: readonly PortRange[]): Uint16Array {
  let count = 0;
  for (const { first, last } of ranges) count += last - first + 1;
  const ports = new Uint16Array(count);
  let at = 0;
  for (const { first, last } of ranges) {
    for (let port = first; port <= last; port += 1) ports[at++] = port;
  }
  return ports;
}

/** The runs of an ascending, unique list of ports, as ranges. */
function rangesOfList(ports: Uint16Array): PortRange[] {
  const ranges: PortRange[] = [];
  let i = 0;
  while (i < ports.length) {
    const first = ports[i] as number;
    let last = first;
    while (i + 1 < ports.length && ports[i + 1] === last + 1) last = ports[++i] as number;
    ranges.push({ first, last });
    i += 1;
  }
  return ranges;
}

/**
 * The ports of a sweep, held the three ways its users need them: ascending
 * merged ranges (the reports' canonical list), the ascending list (the plan's
 * probe order) and the 8192-byte bitmap the native core reads. Made from a
 * spec's ranges, the work is range by range: `-p -` is one range, and every
 * per-port loop at start-up runs in code not yet optimised, before the first
 * probe leaves (docs/architecture.md, "Start-up of a sweep").
 */
export class PortSet {
  private constructor(
    /** Ascending, merged: a gap lies between any two. */
    readonly ranges: readonly PortRange[],
    /** The ports, ascending. */
    readonly list: Uint16Array,
    /** Bit p&7 of byte p>>3 set for each port p. */
    readonly bits: Uint8Array,
  ) {}

  /** The ports of a spec (`22,80,8000-8100`, `-`); throws PortSpecError as parsePortSpec does. */
  static ofSpec(spec: string): PortSet {
    return PortSet.ofRanges(parsePortRanges(spec));
  }

  /** Ports in any order, duplicates merging; throws PortSpecError on an empty list or a port outside 1–65535. */
  static ofPorts(ports: ArrayLike<number>): PortSet {
    return PortSet.ofRanges(rangesOfList(normalisePortList(Array.from(ports))));
  }

  private static ofRanges(ranges: PortRange[]): PortSet {
    const bits = new Uint8Array(PORT_SET_BYTES);
    for (const { first, last } of ranges) setBitRange(bits, first, last);
    return new PortSet(ranges, listOfRanges(ranges), bits);
  }

  /** The canonical nmap port list (ScanMeta.ports): `22-23,80,8000-8100`, or `-` for every port. */
  get canonical(): string {
    const only = this.ranges.length === 1 ? this.ranges[0] : undefined;
    if (only?.first === 1 && only.last === 65535) return '-';
    return this.ranges.map(({ first, last }) => (first === last ? String(first) : `${first}-${last}`)).join(',');
  }
}

/** A port of a spec item; the message names the item when the port is only part of it. */
function portOf(text: string, item: string): number {
  try {
    return parsePort(text);
  } catch (error) {
    if (text === item) throw error;
    throw new PortSpecError(`${(error as Error).message} in \`${item}\``);
  }
}

function parseItem(item: string): PortRange {
  if (item === '-') return { first: 1, last: 65535 };
  const dash = item.indexOf('-');
  if (dash === -1) {
    const port = portOf(item, item);
    return { first: port, last: port };
  }
  if (item.indexOf('-', dash + 1) !== -1) throw new PortSpecError(`Expected a port range like \`8000-8100\`, got \`${item}\``);
  const lowText = item.slice(0, dash).trim();
  const highText = item.slice(dash + 1).trim();
  const low = lowText === '' ? 1 : portOf(lowText, item);
  const high = highText === '' ? 65535 : portOf(highText, item);
  if (high < low) throw new PortSpecError(`Expected a range whose first port is not above its last, got \`${item}\``);
  return { first: low, last: high };
}

/** The ascending ports whose bits are set in an 8192-byte port set. */
export function portsFromBits(bits: Uint8Array): Uint16Array {
  let count = 0;
  for (let p = 1; p < 65536; p += 1) if (((bits[p >> 3] as number) >> (p & 7)) & 1) count += 1;
  const ports = new Uint16Array(count);
  let i = 0;
  for (let p = 1; p < 65536; p += 1) if (((bits[p >> 3] as number) >> (p & 7)) & 1) ports[i++] = p;
  return ports;
}

/**
 * The 8192-byte port set (bit p&7 of byte p>>3) of a list of ports. Runs of
 * consecutive ports are set whole bytes at a time (`-p -` is one run).
 */
export function portBits(ports: ArrayLike<number>): Uint8Array {
  const bits = new Uint8Array(PORT_SET_BYTES);
  let i = 0;
  while (i < ports.length) {
    const first = ports[i] as number;
    let last = first;
    let next = i + 1;
    while (next < ports.length && ports[next] === last + 1) last = ports[next++] as number;
    setBitRange(bits, first, last);
    i = next;
  }
  return bits;
}

function setBitRange(bits: Uint8Array, first: number, last: number): void {
  let port = first;
  for (; port <= last && (port & 7) !== 0; port += 1) bits[port >> 3] = (bits[port >> 3] as number) | (1 << (port & 7));
  const wholeBytesEnd = (last + 1) >> 3; // bytes entirely inside the run, from port >> 3
  if (port <= last && wholeBytesEnd > port >> 3) {
    bits.fill(0xff, port >> 3, wholeBytesEnd);
    port = wholeBytesEnd << 3;
  }
  for (; port <= last; port += 1) bits[port >> 3] = (bits[port >> 3] as number) | (1 << (port & 7));
}

/** Validates a list of port numbers and returns them ascending and unique. */
export function normalisePortList(ports: readonly number[]): Uint16Array {
  if (ports.length === 0) throw new PortSpecError('Expected at least one port, got an empty list');
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PortSpecError(`Expected a port from 1 to 65535, got ${describeValue(port)}`);
    }
  }
  return portsFromBits(portBits(ports));
}

/**
 * The `n` TCP ports nmap-services ranks most often open (frequency descending,
 * then port ascending — nmap's own order), returned ascending.
 * `index` is the loaded nmap-services source; null when it is not available.
 */
export function topPortsFromNmap(index: EntryIndex | null | undefined, n: number): Uint16Array {
  if (!index) {
    throw new SourceUnavailableError(
      'top ports need nmap-services (its open-frequency column), which was not found: install nmap, run `portpick update`, or give the file with --nmap-services PATH; or name ports with -p',
    );
  }
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InvalidArgumentError(`Expected topPorts to be an integer from 1 to 65535, got ${describeValue(n)}`);
  }
  const frequency = new Map<number, number>();
  for (const entry of index.entries()) {
    if (entry.protocol !== 'tcp' || entry.port < 1 || entry.port > 65535) continue;
    const value = entry.extra.nmapFrequency ?? 0;
    frequency.set(entry.port, Math.max(value, frequency.get(entry.port) ?? 0));
  }
  if (n > frequency.size) {
    throw new InvalidArgumentError(`Expected topPorts of at most ${frequency.size} (the TCP ports nmap-services lists), got \`${n}\``);
  }
  const ranked = [...frequency.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return normalisePortList(ranked.slice(0, n).map(([port]) => port));
}
