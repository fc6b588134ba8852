/**
 * A name-keyed walk over an inclusive port range: every port of the range
 * exactly once, in an order fixed by the name (case-insensitive) and the range.
 * Used by `suggest --name` so that the same name keeps getting the same port
 * while that port stays free, and moves to the next port of its own sequence
 * (not to a neighbour shared with every other name) when it is taken.
 *
 * Construction (stable across versions — changing it moves every user's pick):
 *   h     = FNV-1a 32-bit over the UTF-8 bytes of name.toLowerCase()
 *   first = fmix32(h), second = fmix32(h ^ 0x9e3779b9)
 *   n = end - start + 1, offset = first mod n
 *   step  = 1 + (second mod (n - 1)) (1 when n = 1), raised until gcd(step, n) = 1
 *   port(k) = start + (offset + k × step) mod n,  k = 0 … n-1
 * An affine map with gcd(step, n) = 1 is a bijection on [0, n).
 */
export interface StableSequence {
  readonly size: number;
  /** The k-th port of the walk, 0 ≤ k < size. */
  portAt(k: number): number;
}

export function stableSequence(name: string, start: number, end: number): StableSequence {
  const size = end - start + 1;
  const hash = fnv1a32(new TextEncoder().encode(name.toLowerCase()));
  const offset = fmix32(hash) % size;
  let step = size === 1 ? 1 : 1 + (fmix32((hash ^ 0x9e3779b9) >>> 0) % (size - 1));
  while (gcd(step, size) !== 1) step = step + 1 >= size ? 1 : step + 1;
  return {
    size,
    portAt: (k: number): number => start + ((offset + k * step) % size),
  };
}

export function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
