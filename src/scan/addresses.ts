/**
 * IPv4 and IPv6 address parsing and canonical formatting.
 *
 * - IPv4 is an unsigned 32-bit number (host order), IPv6 a 128-bit bigint.
 * - Parsing is strict: dotted quads with decimal octets 0–255 and no leading
 *   zeros (`010.0.0.1` is ambiguous — octal to inet_aton, decimal to nmap — so
 *   it is rejected, never guessed). IPv6 accepts `::` compression and a dotted
 *   IPv4 tail. Zone ids (`fe80::1%eth0`) are rejected: a sweep plan holds
 *   addresses, not interfaces.
 * - Formatting follows RFC 5952: lower case, no leading zeros, the longest run
 *   of two or more zero groups compressed (the first on a tie), and IPv4-mapped
 *   addresses written `::ffff:198.18.0.1`.
 */
import { TargetParseError } from '../errors/target-parse-error.js';

export type ParsedAddress = { family: 4; value: number } | { family: 6; value: bigint };

export const IPV4_MAX = 0xffffffff;
export const IPV6_MAX = (1n << 128n) - 1n;
const IPV4_MAPPED_PREFIX = 0xffffn << 32n;

const OCTET = /^(?:0|[1-9][0-9]{0,2})$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/** The IPv4 number of a strict dotted quad, or null when `text` is not one. */
export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    value = value * 256 + octet;
  }
  return value;
}

export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** The 128-bit value of an IPv6 address, or null when `text` is not one (zone ids → null; see parseAddress). */
export function parseIPv6(text: string): bigint | null {
  if (text.length === 0 || text.includes('%')) return null;
  const doubleColon = text.indexOf('::');
  if (doubleColon !== -1 && text.indexOf('::', doubleColon + 1) !== -1) return null;
  const head = doubleColon === -1 ? text : text.slice(0, doubleColon);
  const tail = doubleColon === -1 ? '' : text.slice(doubleColon + 2);
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === '' ? [] : tail.split(':');
  const groups: number[] = [];
  const parseGroups = (list: string[], allowIPv4Tail: boolean): number[] | null => {
    const out: number[] = [];
    for (let i = 0; i < list.length; i += 1) {
      const group = list[i] as string;
      if (allowIPv4Tail && i === list.length - 1 && group.includes('.')) {
        const v4 = parseIPv4(group);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else {
        if (!HEX_GROUP.test(group)) return null;
        out.push(parseInt(group, 16));
      }
    }
    return out;
  };
  const headValues = parseGroups(headGroups, doubleColon === -1);
  const tailValues = parseGroups(tailGroups, true);
  if (!headValues || !tailValues) return null;
  if (doubleColon === -1) {
    if (headValues.length !== 8) return null;
    groups.push(...headValues);
  } else {
    const missing = 8 - headValues.length - tailValues.length;
    if (missing < 1) return null;
    groups.push(...headValues, ...new Array<number>(missing).fill(0), ...tailValues);
  }
  let value = 0n;
  for (const group of groups) value = (value << 16n) | BigInt(group);
  return value;
}

/** RFC 5952 canonical text of a 128-bit IPv6 value. */
export function formatIPv6(value: bigint): string {
  if ((value >> 32n) === IPV4_MAPPED_PREFIX >> 32n) {
    return `::ffff:${formatIPv4(Number(value & 0xffffffffn))}`;
  }
  const groups: number[] = [];
  for (let shift = 112n; shift >= 0n; shift -= 16n) groups.push(Number((value >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1; // a single zero group is never compressed
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** True when the IPv6 value is an IPv4-mapped address (::ffff:a.b.c.d). */
export function isIPv4Mapped(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

/**
 * Parses one address literal. IPv4-mapped IPv6 addresses (`::ffff:198.18.0.1`)
 * are returned as the IPv4 address they name: on the wire they are IPv4.
 * Returns null when `text` is not an address (it may be a hostname).
 * Throws TargetParseError for a zone id, which is never meaningful in a plan.
 */
export function parseAddress(text: string, location?: string): ParsedAddress | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, value: v4 };
  if (text.includes('%') && text.includes(':')) {
    throw new TargetParseError(
      `Expected an IPv6 address without a zone id, got \`${text}\`${where(location)}: zone ids (%eth0) name an interface and are not supported in sweep targets`,
      text,
      location,
    );
  }
  const v6 = parseIPv6(text);
  if (v6 === null) return null;
  if (isIPv4Mapped(v6)) return { family: 4, value: Number(v6 & 0xffffffffn) };
  return { family: 6, value: v6 };
}

/** Canonical text of a parsed address. */
export function formatAddress(address: ParsedAddress): string {
  return address.family === 4 ? formatIPv4(address.value) : formatIPv6(address.value);
}

/** Writes a 128-bit value as 16 big-endian bytes at `offset`. */
export function writeIPv6Bytes(value: bigint, out: Uint8Array, offset: number): void {
  let rest = value;
  for (let i = 15; i >= 0; i -= 1) {
    out[offset + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
}

/** Reads 16 big-endian bytes at `offset` as a 128-bit value. */
export function readIPv6Bytes(bytes: Uint8Array, offset: number): bigint {
  let value = 0n;
  for (let i = 0; i < 16; i += 1) value = (value << 8n) | BigInt(bytes[offset + i] ?? 0);
  return value;
}

/** ` (file:line)` for messages, or nothing. */
export function where(location: string | undefined): string {
  return location === undefined ? '' : ` (${location})`;
}
