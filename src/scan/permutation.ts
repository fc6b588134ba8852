/**
 * The keyed bijection on [0, N) that orders a sweep; bit-identical to the C++
 * core (native/core). A 4-round balanced Feistel network over 2^bits ≥ N with
 * fmix32 round functions, plus cycle walking back into [0, N).
 *
 * All round arithmetic is unsigned 32-bit. N ≤ 2^48, so bits ≤ 48, halves are
 * ≤ 2^24 and every intermediate value is an exact double — no bigint per probe.
 */
import { InvalidArgumentError } from '../errors/invalid-argument-error.js';

export const MAX_PERMUTATION_SIZE = 2 ** 48;
const GOLDEN = 0x9e3779b9;

export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export class Permutation {
  readonly size: number;
  private readonly half: number;
  private readonly modulus: number;
  private readonly keys: Uint32Array;

  constructor(size: number, seed: bigint) {
    if (!Number.isSafeInteger(size) || size < 0 || size > MAX_PERMUTATION_SIZE) {
      throw new InvalidArgumentError(`Expected a permutation size from 0 to 2^48, got \`${size}\``);
    }
    if (seed < 0n || seed >= 1n << 64n) throw new InvalidArgumentError(`Expected a 64-bit unsigned seed, got \`${seed}\``);
    this.size = size;
    const seedLo = Number(seed & 0xffffffffn);
    const seedHi = Number((seed >> 32n) & 0xffffffffn);
    this.keys = new Uint32Array(4);
    for (let r = 0; r < 4; r += 1) this.keys[r] = fmix32(seedLo ^ fmix32((seedHi + r * GOLDEN) >>> 0));
    let bits = 2;
    while (2 ** bits < size) bits += 1;
    if (bits % 2 === 1) bits += 1;
    this.half = bits / 2;
    this.modulus = 2 ** this.half;
  }

  /** One Feistel pass over [0, 2^bits). */
  encrypt(x: number): number {
    const m = this.modulus;
    const keys = this.keys;
    let left = Math.floor(x / m);
    let right = x % m;
    for (let r = 0; r < 4; r += 1) {
      const f = fmix32((right ^ (keys[r] as number)) >>> 0) % m;
      const next = (left ^ f) >>> 0;
      left = right;
      right = next;
    }
    return left * m + right;
  }

  /** The permuted index of global position g (0 ≤ g < size). */
  permute(g: number): number {
    if (this.size <= 1) return g;
    let x = g;
    do {
      x = this.encrypt(x);
    } while (x >= this.size);
    return x;
  }
}

/** How many global positions shard `index` of `count` holds out of `total`. */
export function shardSize(total: number, index: number, count: number): number {
  return index >= total ? 0 : Math.floor((total - index - 1) / count) + 1;
}
