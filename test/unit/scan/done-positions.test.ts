import { describe, expect, it } from 'vitest';
import { DonePositions } from '../../../src/scan/done-positions.js';

/** The reference: a set of positions, pruned below the watermark (what scan() kept before). */
function reference(): { add(p: number): void; advance(w: number): void; from(w: number): number[] } {
  const done = new Set<number>();
  let floor = 0;
  return {
    add: (p) => {
      if (p >= floor) done.add(p);
    },
    advance: (w) => {
      floor = Math.max(floor, w);
      for (const p of done) if (p < floor) done.delete(p);
    },
    from: (w) => [...done].filter((p) => p >= Math.max(w, floor)).sort((a, b) => a - b),
  };
}

describe('DonePositions', () => {
  it('answers like a set of positions pruned at the watermark, through growth and slides', () => {
    let seed = 99;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (const start of [0, 5, 1_000_003]) {
      const done = new DonePositions(start);
      const expected = reference();
      expected.advance(start);
      let watermark = start;
      let next = start;
      for (let round = 0; round < 400; round += 1) {
        // Positions complete out of order within a window ahead of the watermark, sometimes far ahead.
        for (let i = 0, n = random(50); i < n; i += 1) {
          const position = watermark + random(round % 50 === 0 ? 200_000 : 3_000);
          done.add(position);
          expected.add(position);
          next = Math.max(next, position);
        }
        watermark += random(round % 7 === 0 ? 5_000 : 40);
        done.advance(watermark);
        expected.advance(watermark);
        if (round % 40 === 0) expect(done.positionsFrom(watermark)).toEqual(expected.from(watermark));
      }
      expect(done.positionsFrom(watermark)).toEqual(expected.from(watermark));
      expect(done.positionsFrom(watermark + 10)).toEqual(expected.from(watermark + 10));
    }
  });

  it('ignores positions below the start and below the watermark, and never moves the watermark back', () => {
    const done = new DonePositions(100);
    done.add(99);
    done.add(100);
    done.add(130);
    expect(done.positionsFrom(0)).toEqual([100, 130]);
    done.advance(120);
    done.add(110);
    done.advance(50);
    expect(done.positionsFrom(0)).toEqual([130]);
  });
});
