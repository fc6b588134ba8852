import { describe, expect, it } from 'vitest';
import { parseNmapServices, scanPlainText } from '../../../../src/registry/nmap-services.js';
import type { Protocol } from '../../../../src/registry/types.js';
import { countNmapServices } from '../../../helpers/nmap-services-oracle.js';
import { hasNmapServices, registryFiles } from '../../../helpers/registry-files.js';
import { fixture } from './fixtures.js';
import { readFileSync } from 'node:fs';
// The bench's seeded generator (mulberry32): a failure names its seed and can be replayed.
import { seededRandom } from '../../../../bench/lab/ground-truth.mjs';

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

  it.skipIf(!hasNmapServices())('agree on the installed file', () => {
    const text = readFileSync(registryFiles.nmapServices, 'utf8');
    const { scan, lines } = readings(text);
    expect(scan).toEqual(lines);
    const protocol: Protocol = 'tcp';
    expect((scan as { entries: { protocol: Protocol }[] }).entries.filter((entry) => entry.protocol === protocol)).toHaveLength(countNmapServices(text).byProtocol.tcp);
  });
});

/** Either the parse, described, or the error message it throws. */
function outcome(read: () => ReturnType<typeof parseNmapServices>): unknown {
  try {
    const parsed = read();
    return {
      counts: [parsed.entries, parsed.withFrequency, parsed.duplicates, parsed.skippedProtocols],
      entries: [...parsed.index.entries()].map((entry) => ({ ...entry })),
    };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('the character scanner of nmap-services', () => {
  // Pieces that exercise every branch: blanks of both kinds, `#` in and out of
  // place, CR with and without LF, characters outside the scanner's alphabet,
  // ports at and beyond the limit, every kind of ratio field.
  // Each list: [well-formed choices, choices that break the line or the scanner's alphabet].
  const names = [['http', 'unknown', 'a#b', 'x'], ['#c', 'n\u00e9', '', 'a\u00a0b']] as const;
  const blanks = [[' ', '\t', ' \t '], ['', '\v', '\u00a0']] as const;
  const optionalBlanks = [[' ', '\t', ''], ['\v', '\u00a0']] as const;
  const ports = [['80', '0', '65535', '0080'], ['65536', '', '9999999', 'x']] as const;
  const protocols = [['tcp', 'UDP', 'Sctp', 'ddp', 'tc', 't#p'], ['', 'tcp\u00a0', 'tcp\u00e9']] as const;
  const ratios = [['0.5', '0.000001', '0.', '0.5e3', '1/3', '1.0', '#', 'abc', '0.1234567890123456789', ''], ['2/1', '1/0', '0.5\u00e9']] as const;
  const comments = [['# c', '#\tx # y ', 'free text', '', '#', '# FORT\u00c9 \u00f1'], [' \u2028 ', 'a\rb']] as const;
  const endings = ['\n', '\r\n', '\r', ''];

  function randomLine(random: () => number): string {
    // Mostly well-formed pieces, so that many files reach the scanner's end.
    const pick = (lists: readonly (readonly string[])[]): string => {
      const list = (random() < 0.95 ? lists[0] : lists[1]) as readonly string[];
      return list[Math.floor(random() * list.length)] as string;
    };
    const shape = random();
    if (shape < 0.1) return `${pick(optionalBlanks)}# comment${pick(comments)}`;
    if (shape < 0.15) return pick(optionalBlanks);
    return `${pick(optionalBlanks)}${pick(names)}${pick(blanks)}${pick(ports)}/${pick(protocols)}${pick(blanks)}${pick(ratios)}${pick(optionalBlanks)}${pick(comments)}`;
  }

  it('agrees with the line-by-line reading on 1,000 random files, errors included', () => {
    let scanned = 0;
    for (let seed = 1; seed <= 1000; seed += 1) {
      const random = seededRandom(seed);
      const lines = Array.from({ length: 1 + Math.floor(random() * 6) }, () => randomLine(random));
      // Mostly plain files (so the scanner reads them), some with any line end.
      const plain = random() < 0.85;
      const text = lines.map((line) => line + (plain ? '\n' : endings[Math.floor(random() * endings.length)])).join('');
      const scan = outcome(() => parseNmapServices(text, 'f'));
      const byLine = outcome(() => parseNmapServices(`\uFEFF${text}`, 'f'));
      expect({ seed, outcome: scan }).toEqual({ seed, outcome: byLine });
      if (scanPlainText(text, 'f') !== null) scanned += 1;
    }
    // The comparison means something only if the scanner itself read many of them.
    expect(scanned).toBeGreaterThan(200);
  });

  it.skipIf(!hasNmapServices())('reads the installed file itself (no hand-over)', () => {
    const text = readFileSync(registryFiles.nmapServices, 'utf8');
    const parsed = scanPlainText(text, 'f');
    expect(parsed?.entries).toBe(countNmapServices(text).entries);
  });
});
