/**
 * The order reports list hosts in: IPv4 numerically, then IPv6 numerically.
 * Addresses that do not parse (never produced by the engines) sort last, by text,
 * so a sort never throws on display.
 */
import { parseIPv4, parseIPv6 } from '../addresses.js';
import type { ScanResult } from '../types.js';

/** A sort key: [family rank, numeric value]; rank 0 = IPv4, 1 = IPv6, 2 = unparsable. */
export function addressSortKey(address: string): [number, bigint] {
  const v4 = parseIPv4(address);
  if (v4 !== null) return [0, BigInt(v4)];
  const v6 = parseIPv6(address);
  if (v6 !== null) return [1, v6];
  return [2, 0n];
}

export function compareAddresses(a: string, b: string): number {
  if (a === b) return 0;
  const [rankA, valueA] = addressSortKey(a);
  const [rankB, valueB] = addressSortKey(b);
  if (rankA !== rankB) return rankA - rankB;
  if (valueA !== valueB) return valueA < valueB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Results by address (as above), then port ascending. */
export function compareResults(a: ScanResult, b: ScanResult): number {
  return compareAddresses(a.address, b.address) || a.port - b.port;
}

/** Sorts results by address then port, parsing each address once (a comparator alone would parse it at every comparison). */
export function sortResults(results: readonly ScanResult[]): ScanResult[] {
  const keyed = results.map((result) => ({ result, key: addressSortKey(result.address) }));
  keyed.sort((a, b) => {
    if (a.key[0] !== b.key[0]) return a.key[0] - b.key[0];
    if (a.key[1] !== b.key[1]) return a.key[1] < b.key[1] ? -1 : 1;
    if (a.result.address !== b.result.address) return a.result.address < b.result.address ? -1 : 1;
    return a.result.port - b.result.port;
  });
  return keyed.map((k) => k.result);
}
