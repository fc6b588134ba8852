/**
 * Target specs → two disjoint, sorted range sets (IPv4, IPv6) minus exclusions.
 *
 * Accepted forms (targets and exclusions alike):
 * - an address: `198.18.0.1`, `2001:db8::1` (IPv4-mapped IPv6 counts as IPv4; zone ids are rejected);
 * - a CIDR block: any IPv4 prefix `/0`–`/32`; IPv6 `/96`–`/128` (at most 2^32 addresses per block).
 *   Host bits may be set, as in nmap: `198.18.0.7/24` means `198.18.0.0/24`;
 * - a range of two full addresses of one family: `198.18.0.5-198.18.1.20`, `2001:db8::1-2001:db8::ff`
 *   (first ≤ last; an IPv6 range spans at most 2^32 addresses);
 * - a last-octet range (IPv4 only, nmap style): `198.18.0.1-20` = `198.18.0.1-198.18.0.20`.
 *   Octet ranges elsewhere (`198.18.0-3.1`) are not supported and say so;
 * - a hostname: resolved once with dns.lookup({ all: true }); every address it has is a target.
 * Target files hold any of these, several per line (whitespace or commas), `#` comments and blank lines.
 * Overlapping and duplicate targets merge, so every address is probed once.
 */
// Synchronous read: target files are read once before the sweep, and node:fs/promises
// would cost every sweep ~5 ms to load.
import { readFileSync } from 'node:fs';
import { FileAccessError } from '../errors/file-access-error.js';
import { TargetParseError } from '../errors/target-parse-error.js';
import { parseAddress, where } from './addresses.js';

export interface IPv4Range {
  first: number;
  last: number;
}
export interface IPv6Range {
  first: bigint;
  last: bigint;
}

/** Disjoint, sorted, non-adjacent ranges per family. */
export interface TargetSet {
  ipv4: IPv4Range[];
  ipv6: IPv6Range[];
}

export type TargetSpec =
  | { kind: 'ipv4'; range: IPv4Range; text: string }
  | { kind: 'ipv6'; range: IPv6Range; text: string }
  | { kind: 'hostname'; name: string; text: string };

export type HostLookup = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

/** The largest IPv6 block or range one spec may name: 2^32 addresses. */
export const MAX_IPV6_SPEC_ADDRESSES = 1n << 32n;

const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;
const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;
const EXPECTED =
  'Expected an IPv4 or IPv6 address, a CIDR block (198.18.0.0/24), a range (198.18.0.5-198.18.1.20 or 198.18.0.1-20) or a hostname';

/** Parses one target or exclusion spec (no DNS). `location` (`file:line`) goes into error messages. */
export function parseTargetSpec(text: string, location?: string): TargetSpec {
  const spec = text.trim();
  const fail = (detail: string): never => {
    throw new TargetParseError(`${EXPECTED}, got \`${spec}\`${where(location)}${detail ? `: ${detail}` : ''}`, spec, location);
  };
  if (spec === '') fail('the spec is empty');
  const slash = spec.indexOf('/');
  if (slash !== -1) return parseCidr(spec, slash, location, fail);
  const dash = spec.indexOf('-');
  if (dash !== -1) {
    const left = spec.slice(0, dash);
    const right = spec.slice(dash + 1);
    const first = parseAddress(left, location);
    if (first !== null) return parseRange(spec, first, right, location, fail);
  }
  const address = parseAddress(spec, location);
  if (address !== null) {
    return address.family === 4
      ? { kind: 'ipv4', range: { first: address.value, last: address.value }, text: spec }
      : { kind: 'ipv6', range: { first: address.value, last: address.value }, text: spec };
  }
  if (isHostname(spec)) return { kind: 'hostname', name: spec, text: spec };
  if (/^[0-9.]+$/.test(spec)) fail('not a valid dotted quad (four decimal octets 0-255, no leading zeros)');
  if (/^[0-9.,-]+$/.test(spec) && /-/.test(spec)) fail('octet ranges are supported in the last octet only (198.18.0.1-20)');
  if (spec.includes(':')) fail('not a valid IPv6 address');
  return fail('');
}

function parseCidr(spec: string, slash: number, location: string | undefined, fail: (d: string) => never): TargetSpec {
  const base = parseAddress(spec.slice(0, slash), location);
  const prefixText = spec.slice(slash + 1);
  if (base === null) return fail(`\`${spec.slice(0, slash)}\` before the / is not an address`);
  if (!PREFIX.test(prefixText)) return fail(`the prefix length \`${prefixText}\` is not a number`);
  const prefix = Number(prefixText);
  if (base.family === 4) {
    // An IPv4-mapped base (::ffff:198.18.0.0/120) keeps its IPv6 prefix length: 96 bits of it are the mapping.
    const v4Prefix = spec.slice(0, slash).includes(':') ? prefix - 96 : prefix;
    if (v4Prefix < 0 || v4Prefix > 32) return fail(`expected an IPv4 prefix length from 0 to 32, got \`${prefixText}\``);
    const size = 2 ** (32 - v4Prefix);
    const first = Math.floor(base.value / size) * size;
    return { kind: 'ipv4', range: { first, last: first + size - 1 }, text: spec };
  }
  if (prefix > 128) return fail(`expected an IPv6 prefix length from 96 to 128, got \`${prefixText}\``);
  if (prefix < 96) {
    return fail(
      `an IPv6 block shorter than /96 holds more than 2^32 addresses (got /${prefix}); sweep a /96 or longer prefix, or split the sweep`,
    );
  }
  const size = 1n << BigInt(128 - prefix);
  const first = (base.value / size) * size;
  return { kind: 'ipv6', range: { first, last: first + size - 1n }, text: spec };
}

function parseRange(
  spec: string,
  first: ReturnType<typeof parseAddress> & object,
  right: string,
  location: string | undefined,
  fail: (d: string) => never,
): TargetSpec {
  if (first.family === 4 && /^[0-9]{1,3}$/.test(right) && !spec.slice(0, spec.indexOf('-')).includes(':')) {
    const lastOctet = Number(right);
    if (lastOctet > 255 || (right.length > 1 && right.startsWith('0'))) {
      return fail(`expected a last octet from 0 to 255 after the -, got \`${right}\``);
    }
    const last = first.value - (first.value % 256) + lastOctet;
    if (last < first.value) return fail(`the range is reversed (last octet ${lastOctet} < ${first.value % 256})`);
    return { kind: 'ipv4', range: { first: first.value, last }, text: spec };
  }
  const lastAddress = parseAddress(right, location);
  if (lastAddress === null) return fail(`\`${right}\` after the - is not an address or a last octet`);
  if (lastAddress.family !== first.family) return fail('both ends of a range must be of one address family');
  if (first.family === 4 && lastAddress.family === 4) {
    if (lastAddress.value < first.value) return fail('the range is reversed (first > last)');
    return { kind: 'ipv4', range: { first: first.value, last: lastAddress.value }, text: spec };
  }
  if (first.family === 6 && lastAddress.family === 6) {
    if (lastAddress.value < first.value) return fail('the range is reversed (first > last)');
    if (lastAddress.value - first.value + 1n > MAX_IPV6_SPEC_ADDRESSES) {
      return fail('an IPv6 range may span at most 2^32 addresses; split the sweep');
    }
    return { kind: 'ipv6', range: { first: first.value, last: lastAddress.value }, text: spec };
  }
  return fail('');
}

function isHostname(text: string): boolean {
  if (text.length > 253) return false;
  const name = text.endsWith('.') ? text.slice(0, -1) : text;
  const labels = name.split('.');
  if (!labels.every((label) => HOST_LABEL.test(label))) return false;
  // A numeric last label (top-level domain) never names a host (RFC 3696 §2): such text is a malformed address.
  return !/^[0-9-]+$/.test(labels[labels.length - 1] as string);
}

/** Splits a target file's text into specs with their `file:line` locations. */
export function splitTargetFile(text: string, file: string): Array<{ spec: string; location: string }> {
  const out: Array<{ spec: string; location: string }> = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i += 1) {
    const line = (lines[i] as string).replace(/#.*$/, '');
    for (const spec of line.split(/[\s,]+/)) {
      if (spec !== '') out.push({ spec, location: `${file}:${i + 1}` });
    }
  }
  return out;
}

/** Reads and parses a target (or exclusion) file; FileAccessError when unreadable, TargetParseError naming file:line. */
export async function readTargetFile(path: string): Promise<TargetSpec[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new FileAccessError(`Expected a readable target file at \`${path}\`, got ${code}`, path, { cause });
  }
  return splitTargetFile(text, path).map(({ spec, location }) => parseTargetSpec(spec, location));
}

// node:dns is imported when a hostname is first resolved (most sweeps name addresses).
const defaultLookup: HostLookup = async (hostname) => {
  const { lookup } = await import('node:dns/promises');
  return lookup(hostname, { all: true, verbatim: true });
};

/** Resolves hostnames (once each) and turns specs into a merged TargetSet. */
export async function specsToTargetSet(specs: readonly TargetSpec[], lookup: HostLookup = defaultLookup): Promise<TargetSet> {
  const ipv4: IPv4Range[] = [];
  const ipv6: IPv6Range[] = [];
  const resolved = new Map<string, Promise<Array<{ address: string; family: number }>>>();
  for (const spec of specs) {
    if (spec.kind === 'ipv4') ipv4.push(spec.range);
    else if (spec.kind === 'ipv6') ipv6.push(spec.range);
    else {
      const key = spec.name.toLowerCase();
      let pending = resolved.get(key);
      if (!pending) {
        pending = lookup(spec.name);
        resolved.set(key, pending);
      }
      let addresses: Array<{ address: string; family: number }>;
      try {
        addresses = await pending;
      } catch (cause) {
        const code = (cause as NodeJS.ErrnoException).code ?? (cause as Error).message;
        throw new TargetParseError(
          `Expected a hostname that resolves, got \`${spec.name}\`: lookup failed (${code})`,
          spec.text,
          undefined,
          { cause },
        );
      }
      if (addresses.length === 0) {
        throw new TargetParseError(`Expected a hostname that resolves, got \`${spec.name}\`: no addresses`, spec.text);
      }
      for (const { address } of addresses) {
        const parsed = parseAddress(address);
        if (parsed === null) {
          throw new TargetParseError(`Expected the resolver to return addresses for \`${spec.name}\`, got \`${address}\``, spec.text);
        }
        if (parsed.family === 4) ipv4.push({ first: parsed.value, last: parsed.value });
        else ipv6.push({ first: parsed.value, last: parsed.value });
      }
    }
  }
  return { ipv4: mergeRanges(ipv4), ipv6: mergeRanges(ipv6) };
}

/** Sorts and merges overlapping or adjacent ranges. */
export function mergeRanges<T extends number | bigint>(ranges: Array<{ first: T; last: T }>): Array<{ first: T; last: T }> {
  const sorted = [...ranges].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const out: Array<{ first: T; last: T }> = [];
  for (const range of sorted) {
    const previous = out[out.length - 1];
    // Adjacent when previous.last + 1 === range.first; compare without overflow of the type.
    if (previous && (range.first <= previous.last || isSuccessor(previous.last, range.first))) {
      if (range.last > previous.last) previous.last = range.last;
    } else {
      out.push({ first: range.first, last: range.last });
    }
  }
  return out;
}

function isSuccessor<T extends number | bigint>(a: T, b: T): boolean {
  return typeof a === 'bigint' ? (b as bigint) - a === 1n : (b as number) - (a as number) === 1;
}

/** `ranges` minus `holes`; both disjoint and sorted. */
export function subtractRanges<T extends number | bigint>(
  ranges: ReadonlyArray<{ first: T; last: T }>,
  holes: ReadonlyArray<{ first: T; last: T }>,
): Array<{ first: T; last: T }> {
  const one = (typeof ranges[0]?.first === 'bigint' ? 1n : 1) as T;
  const add = (a: T, b: T): T => ((a as number) + (b as number)) as T; // + works for both number and bigint
  const sub = (a: T, b: T): T => ((a as number) - (b as number)) as T;
  const out: Array<{ first: T; last: T }> = [];
  let h = 0;
  for (const range of ranges) {
    let first = range.first;
    const last = range.last;
    while (h < holes.length && (holes[h] as { last: T }).last < first) h += 1;
    let k = h;
    let covered = false;
    while (k < holes.length) {
      const hole = holes[k] as { first: T; last: T };
      if (hole.first > last) break;
      if (hole.first > first) out.push({ first, last: sub(hole.first, one) });
      if (hole.last >= last) {
        covered = true;
        break;
      }
      first = add(hole.last, one);
      k += 1;
    }
    if (!covered) out.push({ first, last });
  }
  return out;
}

export interface TargetInput {
  targets?: readonly string[];
  targetFiles?: readonly string[];
  exclude?: readonly string[];
  excludeFiles?: readonly string[];
}

/**
 * Parses every target and exclusion (exclusions first, so a bad exclusion
 * fails before any DNS query), resolves hostnames, merges and subtracts.
 */
export async function resolveTargets(input: TargetInput, lookup: HostLookup = defaultLookup): Promise<TargetSet> {
  const excludeSpecs: TargetSpec[] = (input.exclude ?? []).map((text) => parseTargetSpec(text, 'exclude'));
  for (const file of input.excludeFiles ?? []) excludeSpecs.push(...(await readTargetFile(file)));
  const targetSpecs: TargetSpec[] = (input.targets ?? []).map((text) => parseTargetSpec(text));
  for (const file of input.targetFiles ?? []) targetSpecs.push(...(await readTargetFile(file)));
  const excluded = await specsToTargetSet(excludeSpecs, lookup);
  const wanted = await specsToTargetSet(targetSpecs, lookup);
  return { ipv4: subtractRanges(wanted.ipv4, excluded.ipv4), ipv6: subtractRanges(wanted.ipv6, excluded.ipv6) };
}

/** Number of addresses in a target set (IPv6 counted as a number: plans cap it far below 2^53). */
export function countAddresses(set: TargetSet): { ipv4: number; ipv6: bigint } {
  let ipv4 = 0;
  for (const range of set.ipv4) ipv4 += range.last - range.first + 1;
  let ipv6 = 0n;
  for (const range of set.ipv6) ipv6 += range.last - range.first + 1n;
  return { ipv4, ipv6 };
}

