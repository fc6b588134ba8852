import { describe, expect, it } from 'vitest';
import { fmix32, fnv1a32, stableSequence } from '../../../src/pick/stable-sequence.js';

describe('stableSequence', () => {
  it.each([
    ['myservice', 1024, 49151],
    ['a', 1, 1],
    ['b', 10, 11],
    ['x', 1, 65535],
    ['even', 100, 163], // size 64: the step must be odd
  ])('visits every port of the range exactly once (%s %i-%i)', (name, start, end) => {
    const sequence = stableSequence(name, start, end);
    expect(sequence.size).toBe(end - start + 1);
    const seen = new Uint8Array(sequence.size);
    let outside = 0;
    for (let k = 0; k < sequence.size; k += 1) {
      const port = sequence.portAt(k);
      if (port < start || port > end) outside += 1;
      else seen[port - start] = (seen[port - start] ?? 0) + 1;
    }
    expect(outside).toBe(0);
    expect(seen.every((n) => n === 1)).toBe(true);
  });

  it('depends on the name (case-insensitively) and nothing else', () => {
    const first = (name: string) => stableSequence(name, 1024, 49151).portAt(0);
    expect(first('grafana-agent')).toBe(first('grafana-agent'));
    expect(first('Grafana-Agent')).toBe(first('grafana-agent'));
    const distinct = new Set(['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'].map(first));
    expect(distinct.size).toBeGreaterThan(1);
  });

  it('uses the published hash constants', () => {
    // FNV-1a of "a" is 0xe40c292c; fmix32(0) is 0 (reference values of both functions).
    expect(fnv1a32(new TextEncoder().encode('a'))).toBe(0xe40c292c);
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).not.toBe(1);
  });
});
