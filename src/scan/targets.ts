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
 *   A name that looks like a file name (`scan.xml`, `hosts.txt`; see FILE_NAME_HINTS) is refused
 *   before any DNS query, naming the flag that was probably meant (`-oX scan.xml`, `-iL hosts.txt`):
 *   asked of a resolver with search domains or wildcard records it could name a host nobody meant.
 *   A host really named so is written with a trailing dot (`scan.xml.`).
 * Target files hold any of these, several per line (whitespace or commas), `#` comments and blank
 * lines; the file `-` is standard input.
 * Overlapping and duplicate targets merge, so every address is probed once.
 * Unless `defaultExcludes` is false, the blocks of special-addresses.ts are taken out of every
 * target that does not lie wholly inside one, and what they took is reported.
 */
// Synchronous read: target files are read once before the sweep, and node:fs/promises
// would be one more module for every sweep to load.
import { existsSync, readFileSync } from 'node:fs';
import { FileAccessError } from '../errors/file-access-error.js';
import { TargetParseError } from '../errors/target-parse-error.js';
import { formatIPv4, formatIPv6, parseAddress, where } from './addresses.js';
import { DEFAULT_EXCLUDED_IPV4, DEFAULT_EXCLUDED_IPV6, type DefaultExclusion, type SpecialBlock } from './special-addresses.js';

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
  /** What the default exclusions took out (resolveTargets), per block. */
  defaultExcluded?: DefaultExclusion[];
  /** The names given as targets, by the canonical text of each address they resolved to. */
  hostnames?: Map<string, string[]>;
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
  if (isHostname(spec)) {
    const hint = fileNameHint(spec);
    if (hint !== null) {
      throw new TargetParseError(
        `Expected a target (address, CIDR block, range or hostname), got \`${spec}\`${where(location)}, which looks like a file name: ` +
          `did you mean ${hint}? Nothing was looked up in DNS. (To sweep a host really named so, write it with a trailing dot: \`${spec}.\`)`,
        spec,
        location,
      );
    }
    return { kind: 'hostname', name: spec, text: spec };
  }
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

/**
 * File name endings that never end a host name a user means: none of them is a
 * top-level domain of the DNS root zone. Each names the flag probably meant
 * (`FILE` stands for the name itself).
 */
export const FILE_NAME_HINTS: Readonly<Record<string, string>> = {
  xml: '-oX FILE (write nmap XML)',
  gnmap: '-oG FILE (write nmap grepable output)',
  nmap: '-oN FILE (write the normal report)',
  json: '-oJ FILE (write JSON lines)',
  jsonl: '-oJ FILE (write JSON lines)',
  ndjson: '-oJ FILE (write JSON lines)',
  csv: '--format csv -o FILE (write CSV)',
  txt: '-iL FILE (read targets from it) or -oN FILE (write the report)',
  lst: '-iL FILE (read targets from it)',
  log: '-oN FILE (write the report)',
  out: '-oN FILE (write the report)',
  conf: '-iL FILE or --excludefile FILE',
  cfg: '-iL FILE or --excludefile FILE',
  yaml: '-iL FILE or --excludefile FILE',
  yml: '-iL FILE or --excludefile FILE',
  html: '-oX FILE (then xsltproc for HTML)',
  tmp: '-o FILE',
};

/** The flag a file-like name probably belonged to, or null when `name` does not look like a file name. */
export function fileNameHint(name: string): string | null {
  if (name.endsWith('.')) return null;
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return null;
  const hint = FILE_NAME_HINTS[name.slice(dot + 1).toLowerCase()];
  if (hint === undefined) return null;
  const flags = hint.replace(/FILE/g, name);
  // An existing file is more likely a list of targets than a report to write.
  return existsSync(name) && !flags.startsWith('-iL') ? `-iL ${name} (read targets from it; the file exists) or ${flags}` : flags;
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

/**
 * Reads and parses a target (or exclusion) file; `-` is standard input (read
 * to its end). FileAccessError when unreadable, TargetParseError naming file:line.
 */
export async function readTargetFile(path: string): Promise<TargetSpec[]> {
  let text: string;
  const stdin = path === '-';
  try {
    text = readFileSync(stdin ? 0 : path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new FileAccessError(`Expected a readable target file at \`${stdin ? 'standard input (-)' : path}\`, got ${code}`, path, { cause });
  }
  return splitTargetFile(text, stdin ? 'stdin' : path).map(({ spec, location }) => parseTargetSpec(spec, location));
}

// node:dns is imported when a hostname is first resolved (most sweeps name addresses).
const defaultLookup: HostLookup = async (hostname) => {
  const { lookup } = await import('node:dns/promises');
  return lookup(hostname, { all: true, verbatim: true });
};

/** What specsToTargetSet does besides merging. */
export interface TargetSetOptions {
  /** Take the special-addresses.ts blocks out of every spec that does not lie wholly inside one (default false here; resolveTargets defaults to true). */
  defaultExcludes?: boolean;
}

/** Resolves hostnames (once each) and turns specs into a merged TargetSet. */
export async function specsToTargetSet(
  specs: readonly TargetSpec[],
  lookup: HostLookup = defaultLookup,
  options: TargetSetOptions = {},
): Promise<TargetSet> {
  const ipv4: IPv4Range[] = [];
  const ipv6: IPv6Range[] = [];
  // Before the default exclusions, to count what they took.
  const rawIpv4: IPv4Range[] = [];
  const rawIpv6: IPv6Range[] = [];
  const exclude = options.defaultExcludes === true;
  const hostnames = new Map<string, string[]>();
  const addV4 = (range: IPv4Range, named: boolean): void => {
    rawIpv4.push(range);
    ipv4.push(...(exclude ? subtractRanges([range], holesFor(DEFAULT_EXCLUDED_IPV4, range, named)) : [range]));
  };
  const addV6 = (range: IPv6Range, named: boolean): void => {
    rawIpv6.push(range);
    ipv6.push(...(exclude ? subtractRanges([range], holesFor(DEFAULT_EXCLUDED_IPV6, range, named)) : [range]));
  };
  const resolved = new Map<string, Promise<Array<{ address: string; family: number }>>>();
  for (const spec of specs) {
    if (spec.kind === 'ipv4') addV4(spec.range, true);
    else if (spec.kind === 'ipv6') addV6(spec.range, true);
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
        // A resolver's answer never names a special block explicitly (a sinkhole's 0.0.0.0 is this host).
        if (parsed.family === 4) addV4({ first: parsed.value, last: parsed.value }, false);
        else addV6({ first: parsed.value, last: parsed.value }, false);
        const text = parsed.family === 4 ? formatIPv4(parsed.value) : formatIPv6(parsed.value);
        const names = hostnames.get(text);
        const name = spec.name.endsWith('.') ? spec.name.slice(0, -1) : spec.name;
        if (!names) hostnames.set(text, [name]);
        else if (!names.includes(name)) names.push(name);
      }
    }
  }
  const set: TargetSet = { ipv4: mergeRanges(ipv4), ipv6: mergeRanges(ipv6) };
  if (exclude) {
    set.defaultExcluded = [
      ...excludedPerBlock(DEFAULT_EXCLUDED_IPV4, mergeRanges(rawIpv4), set.ipv4),
      ...excludedPerBlock(DEFAULT_EXCLUDED_IPV6, mergeRanges(rawIpv6), set.ipv6),
    ];
  }
  if (hostnames.size > 0) set.hostnames = hostnames;
  return set;
}

/** The default blocks to take out of `range`: all of them, except one that holds the whole range when the user named it. */
function holesFor<T extends number | bigint>(blocks: readonly SpecialBlock<T>[], range: { first: T; last: T }, named: boolean): Array<{ first: T; last: T }> {
  return blocks.filter((block) => !(named && block.first <= range.first && range.last <= block.last));
}

/** Per block: addresses in `before` minus addresses in `after`, inside the block. */
function excludedPerBlock<T extends number | bigint>(
  blocks: readonly SpecialBlock<T>[],
  before: ReadonlyArray<{ first: T; last: T }>,
  after: ReadonlyArray<{ first: T; last: T }>,
): DefaultExclusion[] {
  const out: DefaultExclusion[] = [];
  for (const block of blocks) {
    const removed = countInside(before, block) - countInside(after, block);
    if (removed > 0) out.push({ block: block.block, name: block.name, reference: block.reference, addresses: removed });
  }
  return out;
}

/** Addresses of `ranges` inside `block`, as a number (a sweep holds far fewer than 2^53). */
function countInside<T extends number | bigint>(ranges: ReadonlyArray<{ first: T; last: T }>, block: { first: T; last: T }): number {
  let count = 0;
  for (const range of ranges) {
    const first = range.first > block.first ? range.first : block.first;
    const last = range.last < block.last ? range.last : block.last;
    if (first <= last) count += Number((last as number) - (first as number)) + 1;
  }
  return count;
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
  /** Skip special-addresses.ts's blocks unless named explicitly (default true). */
  defaultExcludes?: boolean;
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
  const wanted = await specsToTargetSet(targetSpecs, lookup, { defaultExcludes: input.defaultExcludes ?? true });
  const set: TargetSet = { ipv4: subtractRanges(wanted.ipv4, excluded.ipv4), ipv6: subtractRanges(wanted.ipv6, excluded.ipv6) };
  if (wanted.defaultExcluded) set.defaultExcluded = wanted.defaultExcluded;
  if (wanted.hostnames) set.hostnames = wanted.hostnames;
  return set;
}

/** Number of addresses in a target set (IPv6 counted as a number: plans cap it far below 2^53). */
export function countAddresses(set: TargetSet): { ipv4: number; ipv6: bigint } {
  let ipv4 = 0;
  for (const range of set.ipv4) ipv4 += range.last - range.first + 1;
  let ipv6 = 0n;
  for (const range of set.ipv6) ipv6 += range.last - range.first + 1n;
  return { ipv4, ipv6 };
}

