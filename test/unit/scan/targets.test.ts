import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAccessError } from '../../../src/errors/file-access-error.js';
import { TargetParseError } from '../../../src/errors/target-parse-error.js';
import { formatIPv4, parseIPv4, parseIPv6 } from '../../../src/scan/addresses.js';
import {
  mergeRanges,
  parseTargetSpec,
  resolveTargets,
  subtractRanges,
  type HostLookup,
  type TargetSet,
} from '../../../src/scan/targets.js';

const v4 = (text: string): number => parseIPv4(text) as number;
const v6 = (text: string): bigint => parseIPv6(text) as bigint;
const show = (set: TargetSet): string[] => [
  ...set.ipv4.map((r) => `${formatIPv4(r.first)}-${formatIPv4(r.last)}`),
  ...set.ipv6.map((r) => `${r.first.toString(16)}-${r.last.toString(16)}`),
];
const noDns: HostLookup = async (name) => {
  throw Object.assign(new Error(`unexpected lookup of ${name}`), { code: 'ENOTFOUND' });
};

describe('parseTargetSpec', () => {
  it('parses addresses, CIDR blocks and ranges', () => {
    expect(parseTargetSpec('198.18.0.1')).toMatchObject({ kind: 'ipv4', range: { first: v4('198.18.0.1'), last: v4('198.18.0.1') } });
    expect(parseTargetSpec('198.18.0.0/24')).toMatchObject({ range: { first: v4('198.18.0.0'), last: v4('198.18.0.255') } });
    expect(parseTargetSpec('0.0.0.0/0')).toMatchObject({ range: { first: 0, last: 0xffffffff } });
    expect(parseTargetSpec('198.18.0.5-198.18.1.20')).toMatchObject({ range: { first: v4('198.18.0.5'), last: v4('198.18.1.20') } });
    expect(parseTargetSpec('198.18.0.1-20')).toMatchObject({ range: { first: v4('198.18.0.1'), last: v4('198.18.0.20') } });
    expect(parseTargetSpec('2001:db8::/124')).toMatchObject({ kind: 'ipv6', range: { first: v6('2001:db8::'), last: v6('2001:db8::f') } });
    expect(parseTargetSpec('2001:db8::1-2001:db8::ff')).toMatchObject({ range: { first: v6('2001:db8::1'), last: v6('2001:db8::ff') } });
    expect(parseTargetSpec('2001:db8::/96')).toMatchObject({ range: { first: v6('2001:db8::'), last: v6('2001:db8::ffff:ffff') } });
    expect(parseTargetSpec('::1')).toMatchObject({ kind: 'ipv6', range: { first: 1n, last: 1n } });
    expect(parseTargetSpec('host-1.example.test')).toEqual({ kind: 'hostname', name: 'host-1.example.test', text: 'host-1.example.test' });
  });

  it('accepts host bits in a CIDR block and normalises to the network, like nmap', () => {
    expect(parseTargetSpec('198.18.0.7/24')).toMatchObject({ range: { first: v4('198.18.0.0'), last: v4('198.18.0.255') } });
    expect(parseTargetSpec('2001:db8::17/124')).toMatchObject({ range: { first: v6('2001:db8::10'), last: v6('2001:db8::1f') } });
  });

  const bad: Array<[string, RegExp]> = [
    ['198.18.0.256', /got `198\.18\.0\.256`.*dotted quad/],
    ['198.18.0.0/33', /IPv4 prefix length from 0 to 32, got `33`/],
    ['198.18.0.0/x', /prefix length `x` is not a number/],
    ['2001:db8::/64', /more than 2\^32 addresses \(got \/64\)/],
    ['2001:db8::/129', /IPv6 prefix length from 96 to 128, got `129`/],
    ['198.18.0.20-5', /reversed/],
    ['198.18.0.20-198.18.0.5', /reversed/],
    ['198.18.0.1-300', /last octet from 0 to 255 after the -, got `300`/],
    ['198.18.0-3.1', /last octet only/],
    ['198.18.0.1-2001:db8::1', /one address family/],
    ['2001:db8::-2001:db8::1:0:0', /at most 2\^32/],
    ['2001:db8::1%lo', /zone id/],
    ['2001:db8::zz', /not a valid IPv6 address/],
    ['bad_host!', /Expected an IPv4 or IPv6 address.*got `bad_host!`/],
    ['', /empty/],
  ];
  it.each(bad)('rejects %j with a typed error saying what was expected', (input, message) => {
    expect(() => parseTargetSpec(input)).toThrow(TargetParseError);
    expect(() => parseTargetSpec(input)).toThrow(message);
  });

  it('names file:line in errors from files', () => {
    try {
      parseTargetSpec('198.18.0.999', 'targets.txt:7');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(TargetParseError);
      expect((error as TargetParseError).location).toBe('targets.txt:7');
      expect((error as Error).message).toContain('targets.txt:7');
    }
  });
});

describe('range arithmetic', () => {
  it('merges overlapping and adjacent ranges', () => {
    expect(mergeRanges([{ first: 10, last: 20 }, { first: 0, last: 5 }, { first: 6, last: 8 }, { first: 15, last: 30 }, { first: 40, last: 40 }])).toEqual([
      { first: 0, last: 8 },
      { first: 10, last: 30 },
      { first: 40, last: 40 },
    ]);
    expect(mergeRanges([{ first: 5n, last: 9n }, { first: 10n, last: 12n }])).toEqual([{ first: 5n, last: 12n }]);
  });

  it('subtracts exactly (checked against a brute-force set)', () => {
    let state = 12345;
    const random = (n: number): number => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state % n;
    };
    for (let round = 0; round < 200; round += 1) {
      const make = (count: number) =>
        mergeRanges(Array.from({ length: count }, () => {
          const first = random(200);
          return { first, last: first + random(20) };
        }));
      const ranges = make(1 + random(6));
      const holes = make(random(6));
      const expected = new Set<number>();
      for (const r of ranges) for (let a = r.first; a <= r.last; a += 1) expected.add(a);
      for (const h of holes) for (let a = h.first; a <= h.last; a += 1) expected.delete(a);
      const got = subtractRanges(ranges, holes);
      const gotSet = new Set<number>();
      for (const r of got) {
        expect(r.first).toBeLessThanOrEqual(r.last);
        for (let a = r.first; a <= r.last; a += 1) gotSet.add(a);
      }
      expect([...gotSet].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
      for (let i = 1; i < got.length; i += 1) expect((got[i] as { first: number }).first).toBeGreaterThan((got[i - 1] as { last: number }).last);
    }
  });

  it('subtracts at the ends of the address space and for bigint ranges', () => {
    expect(subtractRanges([{ first: 0, last: 0xffffffff }], [{ first: 0, last: 0 }, { first: 0xffffffff, last: 0xffffffff }])).toEqual([
      { first: 1, last: 0xfffffffe },
    ]);
    expect(subtractRanges([{ first: 0n, last: 15n }], [{ first: 4n, last: 7n }])).toEqual([
      { first: 0n, last: 3n },
      { first: 8n, last: 15n },
    ]);
  });
});

describe('resolveTargets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portpick-targets-'));

  it('merges duplicates, subtracts exclusions, keeps families apart', async () => {
    const set = await resolveTargets(
      {
        targets: ['198.18.0.0/24', '198.18.0.10-198.18.1.5', '198.18.0.3', '2001:db8::/124', '2001:db8::8-2001:db8::20'],
        exclude: ['198.18.0.128/25', '198.18.1.0', '2001:db8::10-2001:db8::1f'],
      },
      noDns,
    );
    expect(show(set)).toEqual([
      '198.18.0.0-198.18.0.127',
      '198.18.1.1-198.18.1.5',
      `${v6('2001:db8::').toString(16)}-${v6('2001:db8::f').toString(16)}`,
      `${v6('2001:db8::20').toString(16)}-${v6('2001:db8::20').toString(16)}`,
    ]);
  });

  it('reads target files: several per line, comments, blank lines; errors name file:line', async () => {
    const file = join(dir, 'targets.txt');
    writeFileSync(file, '# lab hosts\n198.18.0.1 198.18.0.2,198.18.0.3\n\n  2001:db8::1  # one v6\n');
    const set = await resolveTargets({ targetFiles: [file] }, noDns);
    expect(show(set)).toEqual(['198.18.0.1-198.18.0.3', `${v6('2001:db8::1').toString(16)}-${v6('2001:db8::1').toString(16)}`]);
    const broken = join(dir, 'broken.txt');
    writeFileSync(broken, '198.18.0.1\n# ok\n198.18.0.300\n');
    await expect(resolveTargets({ targetFiles: [broken] }, noDns)).rejects.toThrow(`${broken}:3`);
  });

  it('stops on a malformed or unreadable exclusion before resolving any hostname', async () => {
    let lookups = 0;
    const counting: HostLookup = async () => {
      lookups += 1;
      return [{ address: '198.18.0.1', family: 4 }];
    };
    await expect(resolveTargets({ targets: ['lab.example.test'], exclude: ['198.18.0.0/40'] }, counting)).rejects.toBeInstanceOf(TargetParseError);
    await expect(resolveTargets({ targets: ['lab.example.test'], excludeFiles: [join(dir, 'missing.txt')] }, counting)).rejects.toBeInstanceOf(
      FileAccessError,
    );
    const badExclusions = join(dir, 'exclusions.txt');
    writeFileSync(badExclusions, '198.18.0.0/24\n198.18.1.0/99\n');
    await expect(resolveTargets({ targets: ['198.18.0.0/16'], excludeFiles: [badExclusions] }, counting)).rejects.toThrow(`${badExclusions}:2`);
    expect(lookups).toBe(0);
  });

  it('resolves a hostname once and probes every address it has', async () => {
    let lookups = 0;
    const lookup: HostLookup = async () => {
      lookups += 1;
      return [
        { address: '198.18.0.9', family: 4 },
        { address: '2001:db8::9', family: 6 },
      ];
    };
    const set = await resolveTargets({ targets: ['lab.example.test', 'LAB.example.test'] }, lookup);
    expect(lookups).toBe(1);
    expect(set.ipv4).toEqual([{ first: v4('198.18.0.9'), last: v4('198.18.0.9') }]);
    expect(set.ipv6).toEqual([{ first: v6('2001:db8::9'), last: v6('2001:db8::9') }]);
  });

  it('turns a resolution failure into a TargetParseError naming the host', async () => {
    await expect(resolveTargets({ targets: ['nowhere.example.test'] }, noDns)).rejects.toThrow(
      /Expected a hostname that resolves, got `nowhere\.example\.test`: lookup failed \(ENOTFOUND\)/,
    );
  });
});
