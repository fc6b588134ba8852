import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../src/errors/index.js';
import { normaliseNmapFlags } from '../../src/cli/commands/nmap-flags.js';
import { shardOption } from '../../src/cli/commands/scan.js';
import { reportTargets } from '../../src/cli/print/report-targets.js';

const argv = (...args: string[]): string[] => ['node', 'portpick', ...args];

describe("nmap's two-letter flags", () => {
  it('rewrites -oN/-oX/-oG/-oJ/-oA (spaced, joined or with =) and -iL for scan and merge', () => {
    expect(normaliseNmapFlags(argv('scan', '198.18.0.0/24', '-oX', 'a.xml', '-oGb.gnmap', '-oN=c.txt', '-oJ', 'd.jsonl', '-oA', 'e', '-iL', 'hosts'))).toEqual(
      argv('scan', '198.18.0.0/24', '--output-xml', 'a.xml', '--output-grep=b.gnmap', '--output-normal=c.txt', '--output-jsonl', 'd.jsonl', '--output-all', 'e', '--input-list', 'hosts'),
    );
    expect(normaliseNmapFlags(argv('merge', 'a.jsonl', '-oX', 'm.xml'))).toEqual(argv('merge', 'a.jsonl', '--output-xml', 'm.xml'));
  });

  it('leaves other commands, -o FILE, and everything after -- alone', () => {
    expect(normaliseNmapFlags(argv('check', '80', '-oX', 'x'))).toEqual(argv('check', '80', '-oX', 'x'));
    expect(normaliseNmapFlags(argv('scan', '-o', 'out.xml', '--', '-oX'))).toEqual(argv('scan', '-o', 'out.xml', '--', '-oX'));
    expect(normaliseNmapFlags(argv('scan', '-oscan.xml'))).toEqual(argv('scan', '-oscan.xml'));
  });
});

describe('report targets', () => {
  const base = { format: 'table' };
  it('sends the --format report to standard output, or to -o FILE', () => {
    expect(reportTargets(base)).toEqual([{ format: 'table', path: null, flag: '--format table' }]);
    expect(reportTargets({ ...base, json: true, output: 'o.jsonl' })).toEqual([{ format: 'jsonl', path: 'o.jsonl', flag: '-o o.jsonl' }]);
  });

  it('adds the nmap files, -oA as three, and keeps standard output unless one of them is -', () => {
    const targets = reportTargets({ ...base, outputXml: ['a.xml'], outputAll: ['all'], outputJsonl: ['j.jsonl'] });
    expect(targets.map((t) => [t.format, t.path])).toEqual([
      ['table', null],
      ['xml', 'a.xml'],
      ['jsonl', 'j.jsonl'],
      ['table', 'all.nmap'],
      ['xml', 'all.xml'],
      ['grep', 'all.gnmap'],
    ]);
    expect(reportTargets({ ...base, outputXml: ['-'] }).map((t) => [t.format, t.path])).toEqual([['xml', null]]);
  });

  it.each([
    [{ output: 'X' }, /`-o X`, a format letter.*-oX FILE \(nmap XML\)/],
    [{ output: 'n' }, /`-o n`.*-oN FILE/],
    [{ output: 'L' }, /`-o L`.*--format ports -o FILE/],
    [{ output: 'json' }, /`-o json`, a format name: write --format jsonl -o FILE/],
    [{ output: 'ports' }, /--format ports -o FILE/],
    [{ outputXml: ['a.xml'], outputAll: ['a'] }, /one report per destination, got two for `a\.xml` \(-oX a\.xml and -oA a\)/],
    [{ outputXml: ['-'], outputGrep: ['-'] }, /two for standard output/],
    [{ outputAll: ['-'] }, /-oA BASE/],
    [{ format: 'pdf' }, /report format .* got `pdf`/],
  ])('refuses %j with the fix', (flags, message) => {
    expect(() => reportTargets({ ...base, ...flags })).toThrow(InvalidArgumentError);
    expect(() => reportTargets({ ...base, ...flags })).toThrow(message);
  });
});

describe('shard flags', () => {
  it('masscan: --shard i/n, 1-based (passed on as text); zmap: --shards N --shard I, 0-based', () => {
    expect(shardOption('1/8', undefined)).toBe('1/8');
    expect(shardOption(undefined, undefined)).toBeUndefined();
    expect(shardOption('0', '8')).toEqual({ index: 0, count: 8 });
    expect(shardOption('7', '8')).toEqual({ index: 7, count: 8 });
  });

  it.each([
    [['3', undefined], /--shard i\/n \(1-based, as masscan: --shard 1\/8\) or --shards N --shard I/],
    [['8', '8'], /from 0 to 7 with --shards 8/],
    [[undefined, '8'], /got no --shard/],
    [['1/8', '8'], /got `--shard 1\/8`/],
    [['0', '0'], /--shards to be a whole number of at least 1/],
  ] as Array<[[string | undefined, string | undefined], RegExp]>)('refuses %j', ([shard, shards], message) => {
    expect(() => shardOption(shard, shards)).toThrow(message);
  });
});
