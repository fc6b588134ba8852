/**
 * A sweep plan: targets × ports × seed × shard × resume, held in constant
 * memory (ranges and a port bitmap, never an expanded list), plus the mapping
 * from a probe's position to its (address, port).
 *
 * Index space (the same in native/core/sweep_plan.h; docs/architecture.md,
 * "The order of a sweep"): N = A × P, A addresses (IPv4 ranges in order, then IPv6
 * ranges in order), P ports ascending; index x → address x mod A, port ⌊x / A⌋.
 * Shard i of n holds global positions g = i + k·n; k is the shard-local
 * position; global position g probes index permute(g).
 */
import { nodeCrypto } from '../node-crypto.js';
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';
import { formatIPv4, formatIPv6, writeIPv6Bytes } from './addresses.js';
import { MAX_PERMUTATION_SIZE, Permutation, shardSize } from './permutation.js';
import { PortSet } from './ports.js';
import type { DefaultExclusion } from './special-addresses.js';
import type { TargetSet } from './targets.js';

export interface Shard {
  /** 0-based. */
  index: number;
  count: number;
}

export interface ResumePoint {
  /** Shard-local positions below this are done. */
  startPosition: number;
  /** Shard-local positions at or above startPosition that are done too. */
  skipPositions: readonly number[];
}

export interface PlannedProbe {
  address: string;
  family: 4 | 6;
  port: number;
}

/** Largest chunk of one IPv6 range in the native config (each entry spans ≤ 2^32 addresses). */
const IPV6_CHUNK = 1n << 32n;

export class SweepPlan {
  /** IPv4 [first, last] pairs, disjoint, sorted (NativeSweepConfig.ipv4Ranges). */
  readonly ipv4Ranges: Uint32Array;
  /** IPv6 ranges, 32 bytes each (first, last; big-endian), each ≤ 2^32 addresses. */
  readonly ipv6Ranges: Uint8Array;
  /** 8192-byte port bitmap (NativeSweepConfig.portSet). */
  readonly portSet: Uint8Array;
  readonly ports: Uint16Array;
  /** The ports as a canonical nmap port list (`22-23,80`; `-` for every port). */
  readonly portList: string;
  readonly ipv4AddressCount: number;
  readonly addressCount: number;
  readonly portCount: number;
  /** N = addresses × ports, over all shards. */
  readonly total: number;
  readonly seed: bigint;
  readonly shard: Shard;
  /** Positions in this shard (before resume). */
  readonly shardTotal: number;
  readonly startPosition: number;
  readonly skipPositions: Float64Array;
  /** Probes this run will send: shardTotal minus resumed positions. */
  readonly planned: number;
  /** What the default exclusions took out of the targets (reported, never swept). */
  readonly defaultExcluded: readonly DefaultExclusion[];
  /** Names given as targets, by the canonical text of each address they resolved to. */
  readonly hostnames: ReadonlyMap<string, readonly string[]>;
  private fingerprintText: string | null = null;
  private readonly permutation: Permutation;
  /** Cumulative address counts at the start of each range (IPv4 ranges, then IPv6 chunks), plus the total. */
  private readonly rangeStarts: Float64Array;
  private readonly ipv6Firsts: bigint[];

  /** `ports` as a PortSet, or in any order (duplicates merge; the plan keeps them ascending). */
  constructor(targets: TargetSet, ports: PortSet | ArrayLike<number>, seed: bigint, shard: Shard, resume?: ResumePoint) {
    if ((ports instanceof PortSet ? ports.list : ports).length === 0) throw new InvalidArgumentError('Expected at least one port to sweep, got none');
    if (!Number.isInteger(shard.index) || !Number.isInteger(shard.count) || shard.count < 1 || shard.index < 0 || shard.index >= shard.count) {
      throw new InvalidArgumentError(`Expected a shard index from 0 to count-1, got \`${shard.index}/${shard.count}\``);
    }
    // The index space orders ports ascending, as the native core reads them from the bitmap.
    const portSet = ports instanceof PortSet ? ports : PortSet.ofPorts(ports);
    this.ports = portSet.list;
    this.portSet = portSet.bits;
    this.portList = portSet.canonical;
    this.portCount = this.ports.length;
    this.seed = seed;
    this.shard = { index: shard.index, count: shard.count };
    this.defaultExcluded = targets.defaultExcluded ?? [];
    this.hostnames = targets.hostnames ?? new Map();

    this.ipv4Ranges = new Uint32Array(targets.ipv4.length * 2);
    const starts: number[] = [0];
    let addresses = 0;
    targets.ipv4.forEach((range, i) => {
      this.ipv4Ranges[2 * i] = range.first;
      this.ipv4Ranges[2 * i + 1] = range.last;
      addresses += range.last - range.first + 1;
      starts.push(addresses);
    });
    this.ipv4AddressCount = addresses;
    const chunks: Array<{ first: bigint; last: bigint }> = [];
    let ipv6Addresses = 0n;
    for (const range of targets.ipv6) {
      ipv6Addresses += range.last - range.first + 1n;
      if (ipv6Addresses > BigInt(MAX_PERMUTATION_SIZE)) break; // rejected below without materialising chunks
      for (let first = range.first; first <= range.last; first += IPV6_CHUNK) {
        const last = first + IPV6_CHUNK - 1n < range.last ? first + IPV6_CHUNK - 1n : range.last;
        chunks.push({ first, last });
      }
    }
    const addressTotal = BigInt(addresses) + ipv6Addresses;
    const total = addressTotal * BigInt(this.portCount);
    if (total > BigInt(MAX_PERMUTATION_SIZE)) {
      throw new InvalidArgumentError(
        `Expected a sweep of at most 2^48 probes (addresses × ports), got ${addressTotal} addresses × ${this.portCount} ports = ${total}; narrow the targets or ports`,
      );
    }
    this.ipv6Ranges = new Uint8Array(chunks.length * 32);
    this.ipv6Firsts = [];
    chunks.forEach((chunk, i) => {
      writeIPv6Bytes(chunk.first, this.ipv6Ranges, 32 * i);
      writeIPv6Bytes(chunk.last, this.ipv6Ranges, 32 * i + 16);
      this.ipv6Firsts.push(chunk.first);
      addresses += Number(chunk.last - chunk.first + 1n);
      starts.push(addresses);
    });
    this.rangeStarts = Float64Array.from(starts);
    this.addressCount = addresses;
    this.total = addresses * this.portCount;
    this.permutation = new Permutation(this.total, seed);
    this.shardTotal = shardSize(this.total, shard.index, shard.count);

    const startPosition = resume?.startPosition ?? 0;
    if (!Number.isSafeInteger(startPosition) || startPosition < 0 || startPosition > this.shardTotal) {
      throw new InvalidArgumentError(`Expected a resume position from 0 to ${this.shardTotal}, got \`${startPosition}\``);
    }
    const skips = [...new Set(resume?.skipPositions ?? [])].sort((a, b) => a - b);
    for (const skip of skips) {
      if (!Number.isSafeInteger(skip) || skip < startPosition || skip >= this.shardTotal) {
        throw new InvalidArgumentError(
          `Expected resume skip positions from ${startPosition} to ${this.shardTotal - 1}, got \`${skip}\``,
        );
      }
    }
    this.startPosition = startPosition;
    this.skipPositions = Float64Array.from(skips);
    this.planned = this.shardTotal - startPosition - skips.length;
  }

  /** sha256 (hex) of targets, ports, seed and shard: what a resume file must match. Computed on first read. */
  get fingerprint(): string {
    this.fingerprintText ??= planFingerprint(this.ipv4Ranges, this.ipv6Ranges, this.portSet, this.seed, this.shard);
    return this.fingerprintText;
  }

  /** Global position of shard-local position k. */
  globalPosition(k: number): number {
    return this.shard.index + k * this.shard.count;
  }

  /** The probe index (x in [0, N)) of shard-local position k. */
  /**
   * The address index of a planned IPv4 address (host-order value), as
   * indexAt(k) % addressCount gives it for a probe of that address; -1 when the
   * plan does not hold it. A binary search over the ranges: no permutation.
   */
  ipv4AddressIndex(value: number): number {
    const ranges = this.ipv4Ranges;
    let low = 0;
    let high = ranges.length / 2 - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if ((ranges[2 * mid + 1] as number) < value) low = mid + 1;
      else if ((ranges[2 * mid] as number) > value) high = mid - 1;
      else return (this.rangeStarts[mid] as number) + (value - (ranges[2 * mid] as number));
    }
    return -1;
  }

  indexAt(k: number): number {
    return this.permutation.permute(this.globalPosition(k));
  }

  /** The (address, port) of probe index x. */
  probeOfIndex(x: number): PlannedProbe {
    const addressIndex = x % this.addressCount;
    const port = this.ports[Math.floor(x / this.addressCount)] as number;
    // Binary search: the last range whose start ≤ addressIndex.
    let low = 0;
    let high = this.rangeStarts.length - 2;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((this.rangeStarts[mid] as number) <= addressIndex) low = mid;
      else high = mid - 1;
    }
    const offset = addressIndex - (this.rangeStarts[low] as number);
    const ipv4Count = this.ipv4Ranges.length / 2;
    if (low < ipv4Count) {
      return { address: formatIPv4(((this.ipv4Ranges[2 * low] as number) + offset) >>> 0), family: 4, port };
    }
    const first = this.ipv6Firsts[low - ipv4Count] as bigint;
    return { address: formatIPv6(first + BigInt(offset)), family: 6, port };
  }

  /** The (address, port) probed at shard-local position k. */
  probeAt(k: number): PlannedProbe {
    return this.probeOfIndex(this.indexAt(k));
  }

  /** Shard-local positions still to probe, ascending (resumed ones skipped). */
  *positions(): Generator<number, void, undefined> {
    let skip = 0;
    for (let k = this.startPosition; k < this.shardTotal; k += 1) {
      while (skip < this.skipPositions.length && (this.skipPositions[skip] as number) < k) skip += 1;
      if (skip < this.skipPositions.length && this.skipPositions[skip] === k) continue;
      yield k;
    }
  }
}

/** sha256 of what defines a plan's probe order: targets, ports, seed, shard. */
export function planFingerprint(ipv4: Uint32Array, ipv6: Uint8Array, portSet: Uint8Array, seed: bigint, shard: Shard): string {
  const hash = nodeCrypto().createHash('sha256');
  hash.update('portpick-plan-v1\n');
  hash.update(`ipv4 ${ipv4.length / 2}\n`);
  hash.update(new Uint8Array(ipv4.buffer, ipv4.byteOffset, ipv4.byteLength));
  hash.update(`\nipv6 ${ipv6.length / 32}\n`);
  hash.update(ipv6);
  hash.update('\nports\n');
  hash.update(portSet);
  hash.update(`\nseed ${seed}\nshard ${shard.index}/${shard.count}\n`);
  return hash.digest('hex');
}
