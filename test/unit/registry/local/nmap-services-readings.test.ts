import { describe, expect, it } from 'vitest';
import { parseNmapServices } from '../../../../src/registry/nmap-services.js';
import type { Protocol } from '../../../../src/registry/types.js';
import { hasSharedData, sharedData } from '../../../helpers/shared-data.js';
import { fixture } from './fixtures.js';
import { readFileSync } from 'node:fs';

/**
 * parseNmapServices reads a well-formed file in one scan, and anything else line
 * by line; a byte-order mark forces the line-by-line reading without changing
 * what the file says, so the two readings can be compared on the same content.
 */
function readings(text: string): { scan: unknown; lines: unknown } {
  const describeAll = (parsed: ReturnType<typeof parseNmapServices>) => ({
    counts: [parsed.entries, parsed.withFrequency, parsed.duplicates, parsed.skippedProtocols],
    entries: [...parsed.index.entries()].map((entry) => ({ ...entry })),
  });
  return { scan: describeAll(parseNmapServices(text, 'f')), lines: describeAll(parseNmapServices(`\uFEFF${text}`, 'f')) };
}

describe('the two readings of nmap-services', () => {
  it('agree on the hand-written sample', () => {
    const { scan, lines } = readings(fixture('nmap-services-sample'));
    expect(scan).toEqual(lines);
  });

  it('agree on tricky fields: exponents, fractions, comments without a ratio, CRLF, trailing blanks', () => {
    const text = [
      'a\t1/tcp\t0.5e3\t# exponent',
      'b\t2/tcp\t0.5e999',
      'c\t3/TCP\t1/3\t#\t\ttabbed # hash ',
      'd 4/udp   # no ratio  ',
      'e\t5/sctp\t0.\t',
      'f\t6/tcp\t0.1x',
      'g\t0007/udp\t0.000001\r',
      '',
    ].join('\n');
    const { scan, lines } = readings(text);
    expect(scan).toEqual(lines);
    const parsed = parseNmapServices(text, 'f');
    expect(parsed.index.frequency('tcp', 1)).toBe(500);
    expect(parsed.index.frequency('tcp', 2)).toBe(0);
    expect(parsed.index.lookup('tcp', 3)[0]?.description).toBe('tabbed # hash');
    expect(parsed.index.lookup('udp', 7)[0]?.extra.line).toBe(7);
  });

  it('give the line-by-line errors, with their line numbers, from either start', () => {
    expect(() => parseNmapServices('a\t1/tcp\t0.1\nb\t99999/tcp\t0.1\n', 'f')).toThrow(/f:2: Expected a port from 0 to 65535/);
    expect(() => parseNmapServices('a\t1/tcp\t0.1\nb\t2/tcp\t1/0\n', 'f')).toThrow(/f:2: Expected a ratio with a denominator above 0/);
    // A duplicate key is dropped before its ratio is read, as nmap does.
    expect(parseNmapServices('a\t1/tcp\t0.1\nb\t1/tcp\t1/0\n', 'f').duplicates).toBe(1);
  });

  it.skipIf(!hasSharedData)('agree on the real file', () => {
    const { scan, lines } = readings(readFileSync(sharedData.nmapServices, 'utf8'));
    expect(scan).toEqual(lines);
    const protocol: Protocol = 'tcp';
    expect((scan as { entries: { protocol: Protocol }[] }).entries.filter((entry) => entry.protocol === protocol)).toHaveLength(8387);
  });
});
