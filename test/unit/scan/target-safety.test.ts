import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TargetParseError } from '../../../src/errors/target-parse-error.js';
import { formatIPv4, parseIPv4, parseIPv6 } from '../../../src/scan/addresses.js';
import { DEFAULT_EXCLUDED_IPV4, DEFAULT_EXCLUDED_IPV6 } from '../../../src/scan/special-addresses.js';
import { fileNameHint, parseTargetSpec, resolveTargets, type HostLookup, type TargetSet } from '../../../src/scan/targets.js';
import { repoRoot } from '../../helpers/registry-files.js';

const v4 = (text: string): number => parseIPv4(text) as number;
const v6 = (text: string): bigint => parseIPv6(text) as bigint;
const shown = (set: TargetSet): string[] => set.ipv4.map((r) => `${formatIPv4(r.first)}-${formatIPv4(r.last)}`);
const count = (set: TargetSet): number => set.ipv4.reduce((sum, r) => sum + r.last - r.first + 1, 0);
const noDns: HostLookup = async (name) => {
  throw Object.assign(new Error(`unexpected lookup of ${name}`), { code: 'ENOTFOUND' });
};

describe('targets that look like file names', () => {
  it.each([
    ['scan.xml', /did you mean -oX scan\.xml/],
    ['out.gnmap', /-oG out\.gnmap/],
    ['sweep.jsonl', /-oJ sweep\.jsonl/],
    ['result.json', /-oJ result\.json/],
    ['hosts.txt', /-iL hosts\.txt.*or -oN hosts\.txt/],
    ['report.nmap', /-oN report\.nmap/],
    ['ports.csv', /--format csv -o ports\.csv/],
    ['LOUD.XML', /-oX LOUD\.XML/],
  ])('refuses %j, naming the flag probably meant, without asking DNS', async (name, hint) => {
    expect(() => parseTargetSpec(name)).toThrow(TargetParseError);
    expect(() => parseTargetSpec(name)).toThrow(hint);
    expect(() => parseTargetSpec(name)).toThrow(/Nothing was looked up in DNS/);
    let lookups = 0;
    const counting: HostLookup = async () => {
      lookups += 1;
      return [{ address: '198.18.0.1', family: 4 }];
    };
    await expect(resolveTargets({ targets: ['lab.example.test', name] }, counting)).rejects.toThrow(hint);
    expect(lookups).toBe(0);
  });

  it('takes ordinary names, real top-level domains, and a file-like name written with a trailing dot', () => {
    for (const name of ['host.example.test', 'db.internal', 'cdn.example.zip', 'intranet', 'scan.xml.']) {
      expect(parseTargetSpec(name)).toMatchObject({ kind: 'hostname' });
    }
  });

  it('points at -iL first when the name is a file that exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portpick-file-target-'));
    const file = join(dir, 'nets.log');
    writeFileSync(file, '198.18.0.0/24\n');
    expect(fileNameHint(file)).toMatch(/^-iL .*nets\.log \(read targets from it; the file exists\) or -oN .*nets\.log/);
    expect(fileNameHint('no-such-dir/nets.log')).toBe('-oN no-such-dir/nets.log (write the report)');
  });
});

describe('default exclusions (IANA special-purpose and multicast registries)', () => {
  it('are the blocks where no host can answer, ascending and disjoint', () => {
    expect(DEFAULT_EXCLUDED_IPV4.map((b) => b.block)).toEqual(['0.0.0.0/8', '224.0.0.0/4', '240.0.0.0/4']);
    expect(DEFAULT_EXCLUDED_IPV6.map((b) => b.block)).toEqual(['::/128', 'ff00::/8']);
    expect(DEFAULT_EXCLUDED_IPV4.map((b) => [b.first, b.last])).toEqual([
      [0, v4('0.255.255.255')],
      [v4('224.0.0.0'), v4('239.255.255.255')],
      [v4('240.0.0.0'), v4('255.255.255.255')],
    ]);
    expect(DEFAULT_EXCLUDED_IPV6[1]).toMatchObject({ first: v6('ff00::'), last: v6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff') });
  });

  it('take 0.0.0.0/8, multicast and reserved space out of 0.0.0.0/0, and say how much', async () => {
    const set = await resolveTargets({ targets: ['0.0.0.0/0'] }, noDns);
    expect(shown(set)).toEqual(['1.0.0.0-223.255.255.255']);
    expect(set.defaultExcluded).toEqual([
      expect.objectContaining({ block: '0.0.0.0/8', addresses: 2 ** 24 }),
      expect.objectContaining({ block: '224.0.0.0/4', addresses: 2 ** 28 }),
      expect.objectContaining({ block: '240.0.0.0/4', addresses: 2 ** 28 }),
    ]);
    expect(count(set)).toBe(2 ** 32 - 2 ** 24 - 2 ** 29);
  });

  it('leave a block alone when a target names it explicitly (lies wholly inside it)', async () => {
    const set = await resolveTargets({ targets: ['224.0.0.251', '240.0.0.0/8', '255.255.255.255', '198.18.0.0/30'] }, noDns);
    expect(shown(set)).toEqual(['198.18.0.0-198.18.0.3', '224.0.0.251-224.0.0.251', '240.0.0.0-240.255.255.255', '255.255.255.255-255.255.255.255']);
    expect(set.defaultExcluded).toEqual([]);
  });

  it('a named block does not leak into a wider target beside it', async () => {
    const set = await resolveTargets({ targets: ['224.0.0.1', '192.0.0.0/2'] }, noDns);
    // 192.0.0.0/2 = 192.0.0.0-255.255.255.255: its multicast and reserved parts go, 224.0.0.1 (named) stays.
    expect(shown(set)).toEqual(['192.0.0.0-223.255.255.255', '224.0.0.1-224.0.0.1']);
    expect(set.defaultExcluded?.map((b) => [b.block, b.addresses])).toEqual([
      ['224.0.0.0/4', 2 ** 28 - 1],
      ['240.0.0.0/4', 2 ** 28],
    ]);
  });

  it('apply to what a hostname resolves to: a sinkhole answer of 0.0.0.0 is never swept', async () => {
    const sinkhole: HostLookup = async () => [
      { address: '0.0.0.0', family: 4 },
      { address: '198.18.0.7', family: 4 },
      { address: 'ff02::1', family: 6 },
    ];
    const set = await resolveTargets({ targets: ['blocked.example.test'] }, sinkhole);
    expect(shown(set)).toEqual(['198.18.0.7-198.18.0.7']);
    expect(set.ipv6).toEqual([]);
    expect(set.defaultExcluded?.map((b) => b.block)).toEqual(['0.0.0.0/8', 'ff00::/8']);
    expect(set.hostnames).toEqual(new Map([['0.0.0.0', ['blocked.example.test']], ['198.18.0.7', ['blocked.example.test']], ['ff02::1', ['blocked.example.test']]]));
  });

  it('are off with defaultExcludes: false', async () => {
    const set = await resolveTargets({ targets: ['0.0.0.0/0'], defaultExcludes: false }, noDns);
    expect(count(set)).toBe(2 ** 32);
    expect(set.defaultExcluded).toBeUndefined();
  });

  it('IPv6: ff00::/8 and :: inside a range, unless named', async () => {
    const set = await resolveTargets({ targets: ['::-::3', 'ff02::1-ff02::2'] }, noDns);
    expect(set.ipv6).toEqual([{ first: 1n, last: 3n }, { first: v6('ff02::1'), last: v6('ff02::2') }]);
    expect(set.defaultExcluded?.map((b) => [b.block, b.addresses])).toEqual([['::/128', 1]]);
  });
});

describe('targets from standard input (-iL -)', () => {
  it('reads targets from the file `-` = standard input, naming stdin:line in errors', () => {
    const script = `
      import { resolveTargets } from ${JSON.stringify(join(repoRoot, 'dist', 'scan', 'targets.js'))};
      resolveTargets({ targetFiles: ['-'] }).then(
        (set) => console.log(JSON.stringify(set.ipv4)),
        (error) => console.log('error: ' + error.message),
      );`;
    const ok = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: '# lab\n198.18.0.1 198.18.0.2\n198.18.0.3\n' });
    expect(JSON.parse(ok.toString())).toEqual([{ first: v4('198.18.0.1'), last: v4('198.18.0.3') }]);
    const bad = execFileSync(process.execPath, ['--input-type=module', '-e', script], { input: '198.18.0.1\n198.18.0.300\n' });
    expect(bad.toString()).toMatch(/^error: .*198\.18\.0\.300.*\(stdin:2\)/);
  });
});
