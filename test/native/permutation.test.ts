import { describe, expect, it } from 'vitest';
import { addon } from '../helpers/native-addon.js';


// The recipe of docs/architecture.md ("The order of a sweep"), written out plainly with 32-bit integer arithmetic on numbers.
function fmix32(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function referencePermuter(total: number, seed: bigint): (g: number) => number {
  const seedLo = Number(seed & 0xffffffffn);
  const seedHi = Number((seed >> 32n) & 0xffffffffn);
  const keys = [0, 1, 2, 3].map((r) => fmix32((seedLo ^ fmix32((seedHi + Math.imul(r, 0x9e3779b9)) >>> 0)) >>> 0));
  if (total <= 1) return (g) => g;
  let bits = 2;
  while (2 ** bits < total) bits += 1;
  if (bits % 2 === 1) bits += 1;
  const m = 2 ** (bits / 2);
  const encrypt = (x: number): number => {
    let left = Math.floor(x / m);
    let right = x % m;
    for (let r = 0; r < 4; r += 1) {
      const f = fmix32((right ^ keys[r]!) >>> 0) % m;
      [left, right] = [right, (left ^ f) >>> 0];
    }
    return left * m + right;
  };
  return (g) => {
    let x = g;
    do x = encrypt(x);
    while (x >= total);
    return x;
  };
}

describe.skipIf(!addon)('native permute() test export', () => {
  const seeds = [0n, 1n, 0x0123456789abcdefn, 0xffffffffffffffffn, 1n << 32n];
  const totals = [1, 2, 3, 5, 17, 1000, 65535, 65536 * 3 + 1, 2 ** 32 + 3, 16777216 * 1000, 2 ** 48];

  it.each(totals)('matches the reference recipe for N = %d', (total) => {
    const count = Math.min(total, 3000);
    // The first positions, and a spread across the range.
    const positions = new Float64Array(count);
    for (let i = 0; i < count; i += 1) {
      positions[i] = i < count / 2 ? i : Math.floor(((i - count / 2) * total) / (count / 2));
    }
    for (const seed of seeds) {
      const reference = referencePermuter(total, seed);
      const got = addon!.permute(total, seed, positions);
      const expected = Float64Array.from(positions, (g) => reference(g));
      expect(got).toEqual(expected);
    }
  });

  it('is a bijection on a small N', () => {
    const total = 4099;
    const positions = Float64Array.from({ length: total }, (_, i) => i);
    const got = addon!.permute(total, 99n, positions);
    expect(new Set(got).size).toBe(total);
    expect(Math.max(...got)).toBe(total - 1);
    expect(Array.from(got)).not.toEqual(Array.from(positions));
  });

  it('rejects a wrong type or an out-of-range position', () => {
    // @ts-expect-error: deliberately wrong argument type
    expect(() => addon!.permute(10, 1, new Float64Array(1))).toThrow(TypeError);
    expect(() => addon!.permute(10, 1n, new Float64Array([10]))).toThrow(RangeError);
    expect(() => addon!.permute(2 ** 48 + 2, 1n, new Float64Array(0))).toThrow(RangeError);
  });
});

describe.skipIf(!addon)('native selfTest()', () => {
  // The SYN engine's self-tests (names starting with "syn:") are tested with that engine.
  it('passes every core self-test (permutation, plan, watermark)', () => {
    const results = addon!.selfTest().filter((r) => /^(permutation|plan|watermark):/.test(r.name));
    expect(results.length).toBe(9);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.map((r) => r.name)).toContain('plan: shards 0/3, 1/3, 2/3 are disjoint and complete');
  });
});
