import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TargetParseError } from '../../src/errors/target-parse-error.js';
import { parseTargetSpec, resolveTargets } from '../../src/scan/targets.js';
import { check, textOf, timed } from './property-helpers.js';

const noLookup = async (name: string): Promise<never> => {
  throw new Error(`no DNS in the property tests (asked for ${name})`);
};

const ipv4Text = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
// Addresses inside 198.18.0.0/16, the lab range (the parser does not care; readable counterexamples do).
const labAddress = fc.integer({ min: 0, max: 0xffff }).map((low) => ((198 << 24) | (18 << 16) | low) >>> 0);

describe('target parser (properties)', () => {
  it('any text: a target spec (address, block, range or hostname) or a TargetParseError', () => {
    check(
      fc.property(textOf('0123456789abcdef.:/-x '), (text) => {
        const { value, error } = timed(() => parseTargetSpec(text));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(TargetParseError);
          return;
        }
        if (value?.kind === 'ipv4') {
          expect(value.range.first).toBeLessThanOrEqual(value.range.last);
          expect(value.range.last).toBeLessThanOrEqual(0xffffffff);
        } else if (value?.kind === 'ipv6') {
          expect(value.range.first <= value.range.last).toBe(true);
          expect(value.range.last - value.range.first < 1n << 32n).toBe(true);
        } else {
          expect(value?.kind).toBe('hostname');
        }
      }),
      2000,
    );
  });

  it('an IPv4 CIDR block is its aligned block; a range is its two ends; a last-octet range stays in its /24', () => {
    check(
      fc.property(labAddress, fc.integer({ min: 16, max: 32 }), labAddress, (base, prefix, other) => {
        const size = 2 ** (32 - prefix);
        const first = Math.floor(base / size) * size;
        expect(parseTargetSpec(`${ipv4Text(base)}/${prefix}`)).toMatchObject({ kind: 'ipv4', range: { first, last: first + size - 1 } });
        const [low, high] = base <= other ? [base, other] : [other, base];
        expect(parseTargetSpec(`${ipv4Text(low)}-${ipv4Text(high)}`)).toMatchObject({ kind: 'ipv4', range: { first: low, last: high } });
        const lastOctet = Math.max(low & 255, high & 255);
        expect(parseTargetSpec(`${ipv4Text(low)}-${lastOctet}`)).toMatchObject({
          kind: 'ipv4',
          range: { first: low, last: low - (low & 255) + lastOctet },
        });
      }),
    );
  });

  it('exclusions: the targets left are exactly the targets minus the excluded addresses', async () => {
    const block = fc.tuple(labAddress, fc.integer({ min: 22, max: 32 })).map(([base, prefix]) => `${ipv4Text(base)}/${prefix}`);
    await fc.assert(
      fc.asyncProperty(fc.array(block, { minLength: 1, maxLength: 4 }), fc.array(block, { maxLength: 4 }), async (targets, exclude) => {
        const model = new Uint8Array(65536);
        const mark = (spec: string, bit: number) => {
          const { range } = parseTargetSpec(spec) as { range: { first: number; last: number } };
          model.fill(bit, range.first & 0xffff, (range.last & 0xffff) + 1);
        };
        for (const spec of targets) mark(spec, 1);
        for (const spec of exclude) mark(spec, 0);
        const set = await resolveTargets({ targets, exclude }, noLookup);
        const got = new Uint8Array(65536);
        let previousLast = -2;
        for (const range of set.ipv4) {
          // Disjoint, sorted, not adjacent.
          expect(range.first).toBeGreaterThan(previousLast + 1);
          previousLast = range.last;
          got.fill(1, range.first & 0xffff, (range.last & 0xffff) + 1);
        }
        expect(Buffer.compare(got, model)).toBe(0);
        expect(set.ipv6).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
