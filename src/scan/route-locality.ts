/**
 * Which targets are local, as the kernel routes them: the sweep-safety rules
 * (sweep-safety.ts) treat a sweep that stays on this machine or its own links
 * differently from one whose probes go out through a router.
 *
 * - local: addresses the kernel delivers to this host itself — routes of type
 *   `local` (loopback, this host's addresses, AnyIP blocks such as
 *   `ip route add local 198.18.0.0/16 dev lo`). Linux lists them in
 *   /proc/net/fib_trie (IPv4, type LOCAL) and /proc/net/ipv6_route (flag
 *   RTF_LOCAL); 127.0.0.0/8 and ::1 count everywhere.
 * - on-link: inside the subnet of one of this host's interface addresses (the
 *   kernel's connected routes, "proto kernel scope link"), where a probe
 *   reaches its target without a router. A scope-link route that is not such a
 *   subnet (`default dev tun0`, a VPN's 0.0.0.0/1) does not count: its targets
 *   are as far away as any routed network.
 * - everything else is non-local: routed through a gateway, or without a route
 *   now (a route can appear before the probes leave).
 * Where those files do not exist (not Linux), only loopback and interface
 * subnets count as local.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { parseIPv4, parseIPv6 } from './addresses.js';
import { mergeRanges, subtractRanges, type IPv4Range, type IPv6Range } from './targets.js';

export interface LocalRanges {
  /** Disjoint, sorted. */
  ipv4: IPv4Range[];
  ipv6: IPv6Range[];
}

const RTF_LOCAL = 0x80000000;

function ipv4Prefix(value: number, prefix: number): IPv4Range {
  const size = 2 ** (32 - prefix);
  const first = Math.floor(value / size) * size;
  return { first, last: first + size - 1 };
}

function ipv6Prefix(value: bigint, prefix: number): IPv6Range {
  const size = 1n << BigInt(128 - prefix);
  const first = (value / size) * size;
  return { first, last: first + size - 1n };
}

/**
 * The LOCAL routes of a /proc/net/fib_trie text: each `|-- a.b.c.d` leaf is
 * followed by lines `/prefix scope TYPE`.
 */
export function parseFibTrieLocal(text: string): IPv4Range[] {
  const out: IPv4Range[] = [];
  let leaf: number | null = null;
  for (const line of text.split('\n')) {
    const leafMatch = /^\s*\|--\s+([0-9.]+)\s*$/.exec(line);
    if (leafMatch) {
      leaf = parseIPv4(leafMatch[1] as string);
      continue;
    }
    const route = /^\s*\/([0-9]{1,2})\s+\S+\s+(\S+)/.exec(line);
    if (route && leaf !== null && route[2] === 'LOCAL') {
      const prefix = Number(route[1]);
      if (prefix <= 32) out.push(ipv4Prefix(leaf, prefix));
    }
  }
  return mergeRanges(out);
}

/** The RTF_LOCAL routes of a /proc/net/ipv6_route text (destination, prefix length, …, flags, device). */
export function parseIpv6RouteLocal(text: string): IPv6Range[] {
  const out: IPv6Range[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10) continue;
    const [destination, prefixHex] = fields as [string, string];
    const flags = Number.parseInt(fields[8] as string, 16);
    if (!/^[0-9a-f]{32}$/i.test(destination) || !/^[0-9a-f]{2}$/i.test(prefixHex) || !Number.isFinite(flags)) continue;
    if ((flags & RTF_LOCAL) === 0) continue;
    const prefix = Number.parseInt(prefixHex, 16);
    if (prefix > 128) continue;
    out.push(ipv6Prefix(BigInt(`0x${destination}`), prefix));
  }
  return mergeRanges(out);
}

/** The subnets of interface addresses (`cidr` of os.networkInterfaces()). */
export function interfaceSubnets(interfaces: ReturnType<typeof networkInterfaces>): LocalRanges {
  const ipv4: IPv4Range[] = [];
  const ipv6: IPv6Range[] = [];
  for (const addresses of Object.values(interfaces)) {
    for (const entry of addresses ?? []) {
      const [address, prefixText] = (entry.cidr ?? '').split('/');
      const prefix = Number(prefixText);
      if (address === undefined || !Number.isInteger(prefix)) continue;
      if (entry.family === 'IPv4') {
        const value = parseIPv4(address);
        if (value !== null && prefix >= 0 && prefix <= 32) ipv4.push(ipv4Prefix(value, prefix));
      } else {
        const value = parseIPv6(address.split('%')[0] as string);
        if (value !== null && prefix >= 0 && prefix <= 128) ipv6.push(ipv6Prefix(value, prefix));
      }
    }
  }
  return { ipv4: mergeRanges(ipv4), ipv6: mergeRanges(ipv6) };
}

function readOptional(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Where the facts come from; injectable for tests. */
export interface RouteSources {
  fibTrie(): string;
  ipv6Route(): string;
  interfaces(): ReturnType<typeof networkInterfaces>;
}

export const kernelRouteSources: RouteSources = {
  fibTrie: () => readOptional('/proc/net/fib_trie'),
  ipv6Route: () => readOptional('/proc/net/ipv6_route'),
  interfaces: () => {
    try {
      return networkInterfaces();
    } catch {
      return {};
    }
  },
};

const LOOPBACK_V4: IPv4Range = { first: 0x7f000000, last: 0x7fffffff };
const LOOPBACK_V6: IPv6Range = { first: 1n, last: 1n };

/** Local and on-link addresses now (see the module comment). */
export function localRanges(sources: RouteSources = kernelRouteSources): LocalRanges {
  const subnets = interfaceSubnets(sources.interfaces());
  return {
    ipv4: mergeRanges([LOOPBACK_V4, ...parseFibTrieLocal(sources.fibTrie()), ...subnets.ipv4]),
    ipv6: mergeRanges([LOOPBACK_V6, ...parseIpv6RouteLocal(sources.ipv6Route()), ...subnets.ipv6]),
  };
}

/** Addresses of `targets` outside `local` (both disjoint and sorted), as a number (plans stay below 2^48). */
export function countOutside<T extends number | bigint>(
  targets: ReadonlyArray<{ first: T; last: T }>,
  local: ReadonlyArray<{ first: T; last: T }>,
): number {
  let outside = 0;
  for (const range of subtractRanges(targets, local)) outside += Number((range.last as number) - (range.first as number)) + 1;
  return outside;
}
