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

/** Parses a port spec into ascending unique ports. */
export function parsePortSpec(spec: string): Uint16Array {
  if (typeof spec !== 'string') {
    throw new PortSpecError(`Expected a port spec string such as \`22,80,8000-8100\`, got ${describeValue(spec)}`);
  }
  const items = spec.split(',').map((item) => item.trim());
  if (spec.trim() === '') throw new PortSpecError('Expected a port spec such as `22,80,8000-8100`, got an empty string');
  const ranges: Array<[number, number]> = [];
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
  return portsOfRanges(ranges);
}

/**
 * The ascending unique ports of inclusive ranges (overlaps merge). Works range
 * by range, not port by port through a bit set: `-p -` runs once per start-up,
 * before any probe leaves, where a 65,535-step loop in code not yet optimised
 * delays the first probe.
 */
function portsOfRanges(ranges: Array<[number, number]>): Uint16Array {
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  let count = 0;
  for (const [low, high] of ranges) {
    const last = merged[merged.length - 1];
    if (last && low <= last[1] + 1) {
      if (high > last[1]) {
        count += high - last[1];
        last[1] = high;
      }
    } else {
      merged.push([low, high]);
      count += high - low + 1;
    }
  }
  const ports = new Uint16Array(count);
  let at = 0;
  for (const [low, high] of merged) {
    for (let port = low; port <= high; port += 1) ports[at++] = port;
  }
  return ports;
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

function parseItem(item: string): [number, number] {
  if (item === '-') return [1, 65535];
  const dash = item.indexOf('-');
  if (dash === -1) {
    const port = portOf(item, item);
    return [port, port];
  }
  if (item.indexOf('-', dash + 1) !== -1) throw new PortSpecError(`Expected a port range like \`8000-8100\`, got \`${item}\``);
  const lowText = item.slice(0, dash).trim();
  const highText = item.slice(dash + 1).trim();
  const low = lowText === '' ? 1 : portOf(lowText, item);
  const high = highText === '' ? 65535 : portOf(highText, item);
  if (high < low) throw new PortSpecError(`Expected a range whose first port is not above its last, got \`${item}\``);
  return [low, high];
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

/**
 * A copy of `ports` when it is already what normalisePortList returns (whole
 * numbers 1-65535, strictly ascending: parsePortSpec's output), else null. One
 * pass instead of normalising 65,535 ports again (start-up time of `-p -`).
 */
export function ascendingPortList(ports: ArrayLike<number>): Uint16Array | null {
  if (ports instanceof Uint16Array) {
    // Whole numbers up to 65535 already: only the order and port 0 to check.
    let last = 0;
    for (let i = 0; i < ports.length; i += 1) {
      const port = ports[i] as number;
      if (port <= last) return null;
      last = port;
    }
    return ports.length === 0 ? null : ports.slice();
  }
  let previous = 0;
  for (let i = 0; i < ports.length; i += 1) {
    const port = ports[i] as number;
    if (!Number.isInteger(port) || port <= previous || port > 65535) return null;
    previous = port;
  }
  return ports.length === 0 ? null : Uint16Array.from(ports);
}

/** A plan's own copy of its ports (ascending, unique) and their bitmap; null when `ports` is not such a list. */
export function planPorts(ports: ArrayLike<number>): { ports: Uint16Array; bits: Uint8Array } | null {
  const list = ascendingPortList(ports);
  return list ? { ports: list, bits: portBits(list) } : null;
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
