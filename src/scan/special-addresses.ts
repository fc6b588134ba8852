/**
 * Address blocks a sweep skips unless the user names them explicitly (as zmap
 * ships a blocklist): the blocks where a TCP SYN can reach no host, because the
 * address is not a valid destination or is not unicast.
 *
 * Chosen from IANA's registries, not from "globally reachable" alone:
 * - IANA IPv4 Special-Purpose Address Registry
 *   (https://www.iana.org/assignments/iana-ipv4-special-registry/, RFC 6890):
 *   0.0.0.0/8 "This network" (RFC 791 §3.2; Destination: False),
 *   240.0.0.0/4 "Reserved" (RFC 1112 §4; Destination: False), which holds
 *   255.255.255.255/32 "Limited Broadcast" (RFC 919 §7, RFC 8190; Forwardable: False).
 * - IANA IPv4 Multicast Address Space Registry
 *   (https://www.iana.org/assignments/multicast-addresses/): 224.0.0.0/4 (RFC 5771).
 * - IANA IPv6 Special-Purpose Address Registry
 *   (https://www.iana.org/assignments/iana-ipv6-special-registry/):
 *   ::/128 "Unspecified Address" (RFC 4291; Destination: False).
 *   (::ffff:0:0/96, IPv4-mapped, is also Destination: False; portpick reads
 *   those addresses as the IPv4 addresses they map, so the IPv4 blocks cover them.)
 * - IANA IPv6 Multicast Address Space Registry
 *   (https://www.iana.org/assignments/ipv6-multicast-addresses/): ff00::/8 (RFC 4291 §2.7).
 *
 * Not skipped, although those registries mark them "not globally reachable":
 * loopback, private (RFC 1918, ULA), shared (100.64/10), link-local,
 * documentation and benchmarking blocks. They hold real hosts on one's own
 * networks (and loopback is portpick's first target), so sweeping them is a
 * user's deliberate choice; the rate rules (sweep-safety.ts) still apply.
 *
 * "Named explicitly": a target spec that lies wholly inside a block (such as
 * `224.0.0.251` or `240.0.0.0/8`) keeps that block for itself; a wider spec
 * (`0.0.0.0/0`) or a hostname's addresses do not (a name that resolves to
 * 0.0.0.0, as DNS sinkholes answer, reaches this host on Linux).
 */
import { parseIPv4, parseIPv6 } from './addresses.js';

export interface SpecialBlock<T extends number | bigint> {
  /** CIDR text, as reports show it. */
  block: string;
  first: T;
  last: T;
  /** What the registry calls it. */
  name: string;
  /** The registry and RFC. */
  reference: string;
}

function ipv4Block(cidr: string, name: string, reference: string): SpecialBlock<number> {
  const [base, prefix] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(prefix));
  const first = parseIPv4(base) as number;
  return { block: cidr, first, last: first + size - 1, name, reference };
}

function ipv6Block(cidr: string, name: string, reference: string): SpecialBlock<bigint> {
  const [base, prefix] = cidr.split('/') as [string, string];
  const size = 1n << BigInt(128 - Number(prefix));
  const first = parseIPv6(base) as bigint;
  return { block: cidr, first, last: first + size - 1n, name, reference };
}

/** Ascending, disjoint. */
export const DEFAULT_EXCLUDED_IPV4: readonly SpecialBlock<number>[] = [
  ipv4Block('0.0.0.0/8', '"this network"', 'IANA IPv4 Special-Purpose Address Registry, RFC 791'),
  ipv4Block('224.0.0.0/4', 'multicast', 'IANA IPv4 Multicast Address Space Registry, RFC 5771'),
  ipv4Block('240.0.0.0/4', 'reserved, and limited broadcast 255.255.255.255', 'IANA IPv4 Special-Purpose Address Registry, RFC 1112, RFC 919'),
];

/** Ascending, disjoint. */
export const DEFAULT_EXCLUDED_IPV6: readonly SpecialBlock<bigint>[] = [
  ipv6Block('::/128', 'unspecified address', 'IANA IPv6 Special-Purpose Address Registry, RFC 4291'),
  ipv6Block('ff00::/8', 'multicast', 'IANA IPv6 Multicast Address Space Registry, RFC 4291'),
];

/** What the default exclusions took out of a sweep, per block (only blocks that took something). */
export interface DefaultExclusion {
  block: string;
  name: string;
  reference: string;
  /** Addresses of the targets skipped because of this block. */
  addresses: number;
}
