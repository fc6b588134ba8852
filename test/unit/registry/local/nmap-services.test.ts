import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError, RegistryParseError } from '../../../../src/errors/index.js';
import { EntryIndex } from '../../../../src/registry/entry-index.js';
import { loadNmapServices, parseNmapServices, topPorts } from '../../../../src/registry/nmap-services.js';
import { countNmapServices } from '../../../helpers/nmap-services-oracle.js';
import { hasNmapServices, registryFiles } from '../../../helpers/registry-files.js';
import { fixture, fixturePath } from './fixtures.js';

describe('parseNmapServices on the hand-written sample', () => {
  const file = fixturePath('nmap-services-sample');
  const parsed = parseNmapServices(fixture('nmap-services-sample'), file);

  it('keeps the first entry of a duplicate port/proto, as nmap does', () => {
    const [entry, ...rest] = parsed.index.lookup('tcp', 7001);
    expect(rest).toHaveLength(0);
    expect(entry?.names).toEqual(['alpha']);
    expect(entry?.extra.nmapFrequency).toBe(0.25);
    expect(parsed.duplicates).toBe(1);
  });

  it('records file and 1-based line on every entry', () => {
    expect(parsed.index.lookup('tcp', 7001)[0]?.extra).toMatchObject({ file, line: 4 });
    expect(parsed.index.lookup('udp', 7008)[0]?.extra.line).toBe(13);
  });

  it('keeps the whole comment, tabs and second # included, without its leading #', () => {
    expect(parsed.index.lookup('udp', 7001)[0]?.description).toBe('Beta\t(tab inside)\t# and a second hash');
  });

  it('reads n/d ratios, lowercases the protocol, and treats other 4th fields as 0', () => {
    expect(parsed.index.lookup('tcp', 7003)[0]?.extra.nmapFrequency).toBe(3 / 8);
    expect(parsed.index.lookup('tcp', 7006)[0]?.extra.nmapFrequency).toBe(0);
    expect(parsed.index.lookup('tcp', 7006)[0]?.description).toBe('comment where the frequency would be');
    expect(parsed.index.lookup('tcp', 7007)[0]?.extra.nmapFrequency).toBe(0);
  });

  it('skips protocols nmap skips, keeps sctp, and accepts space-separated fields', () => {
    expect(parsed.skippedProtocols).toBe(1);
    expect(parsed.index.lookup('sctp', 7005)).toHaveLength(1);
    expect(parsed.index.lookup('udp', 7008)[0]?.names).toEqual(['iota']);
    expect(parsed.entries).toBe(8);
    expect(parsed.index.size).toBe(8);
    expect([...parsed.index.entries()]).toHaveLength(8);
  });

  it('keeps `unknown` rows (the unofficial observations) and maps ratio > 0 to assigned, 0 to unknown', () => {
    const unknownRow = parsed.index.lookup('tcp', 7002)[0];
    expect(unknownRow?.names).toEqual(['unknown']);
    expect(unknownRow?.state).toBe('assigned');
    expect(parsed.index.lookup('udp', 7001)[0]?.state).toBe('unknown');
    expect(parsed.index.frequency('udp', 7001)).toBe(0);
    expect(parsed.index.frequency('tcp', 9999)).toBeUndefined();
  });

  it('returns the same entry object on repeated lookups, and nothing for dccp', () => {
    expect(parsed.index.lookup('tcp', 7001)[0]).toBe(parsed.index.lookup('tcp', 7001)[0]);
    expect(parsed.index.lookup('dccp', 7001)).toEqual([]);
    expect(parsed.index.has('tcp', 7001)).toBe(true);
    expect(parsed.index.has('tcp', 7009)).toBe(false);
  });

  it('returns entries added later after the file row', () => {
    const { index } = parseNmapServices(fixture('nmap-services-sample'), file);
    index.add({ port: 7001, protocol: 'tcp', state: 'assigned', names: ['extra'], description: '', source: 'nmap', extra: {} });
    expect(index.lookup('tcp', 7001).map((e) => e.names[0])).toEqual(['alpha', 'extra']);
    expect(index.size).toBe(9);
  });
});

describe('parseNmapServices errors', () => {
  it('rejects a line without port/proto with its line number', () => {
    const text = 'ok\t80/tcp\t0.1\n<html><body>Not Found</body></html>\n';
    expect(() => parseNmapServices(text, 'x')).toThrow(RegistryParseError);
    try {
      parseNmapServices(text, 'x');
    } catch (error) {
      expect((error as RegistryParseError).line).toBe(2);
      expect((error as Error).message).toContain('x:2:');
    }
  });

  it('rejects a port above 65535 and impossible n/d ratios', () => {
    expect(() => parseNmapServices('a\t70000/tcp\t0.1\n', 'x')).toThrow(/Expected a port from 0 to 65535, got `70000`/);
    expect(() => parseNmapServices('a\t80/tcp\t3/0\n', 'x')).toThrow(/denominator/);
    expect(() => parseNmapServices('a\t80/tcp\t5/4\n', 'x')).toThrow(/at most 1/);
  });

  it('accepts CRLF, a BOM and a last line without newline', () => {
    const parsed = parseNmapServices('\uFEFFa\t80/tcp\t0.5\t# spaced out  \r\nb\t81/udp\t0.25', 'x');
    expect(parsed.index.lookup('tcp', 80)[0]?.description).toBe('spaced out');
    expect(parsed.index.lookup('tcp', 80)[0]?.names).toEqual(['a']);
    expect(parsed.index.lookup('udp', 81)[0]?.extra.nmapFrequency).toBe(0.25);
  });

  it('reads tricky fields: exponents, fractions, comments without a ratio, CRLF, trailing blanks', () => {
    const text = ['a\t1/tcp\t0.5e3\t# exponent', 'b\t2/tcp\t0.5e999', 'c\t3/TCP\t1/3\t#\t\ttabbed # hash ', 'd 4/udp   # no ratio  ', 'g\t0007/udp\t0.000001\r', ''].join('\n');
    const { index } = parseNmapServices(text, 'f');
    expect(index.frequency('tcp', 1)).toBe(500);
    expect(index.frequency('tcp', 2)).toBe(0);
    expect(index.frequency('tcp', 3)).toBe(1 / 3);
    expect(index.lookup('tcp', 3)[0]?.description).toBe('tabbed # hash');
    expect(index.lookup('udp', 4)[0]?.description).toBe('no ratio');
    expect(index.lookup('udp', 7)[0]?.extra).toEqual({ nmapFrequency: 0.000001, file: 'f', line: 5 });
  });

  it('drops a duplicate key before reading its ratio, as nmap does', () => {
    expect(parseNmapServices('a\t1/tcp\t0.1\nb\t1/tcp\t1/0\n', 'f').duplicates).toBe(1);
  });
});

describe('topPorts', () => {
  const { index } = parseNmapServices(fixture('nmap-services-sample'), 'x');

  it('orders by frequency, highest first, ties by port ascending, only frequency > 0', () => {
    expect(topPorts(index, 'tcp', 10)).toEqual([7003, 7001, 7002]);
    expect(topPorts(index, 'tcp', 2)).toEqual([7003, 7001]);
    expect(topPorts(index, 'udp', 5)).toEqual([7008]);
  });

  it('breaks ties by port and works on any EntryIndex', () => {
    const plain = new EntryIndex('nmap');
    for (const port of [30, 10, 20]) {
      plain.add({ port, protocol: 'tcp', state: 'assigned', names: ['t'], description: '', source: 'nmap', extra: { nmapFrequency: 0.5 } });
    }
    expect(topPorts(plain, 'tcp', 3)).toEqual([10, 20, 30]);
  });

  it('rejects a count that is not a whole number ≥ 1', () => {
    expect(() => topPorts(index, 'tcp', 0)).toThrow(InvalidArgumentError);
    expect(() => topPorts(index, 'tcp', 1.5)).toThrow(InvalidArgumentError);
  });
});

describe.skipIf(!hasNmapServices())('the installed nmap-services', () => {
  const text = readFileSync(registryFiles.nmapServices, 'utf8');

  it('has the entries and frequencies a plain whitespace split of the file counts', () => {
    const parsed = parseNmapServices(text, registryFiles.nmapServices);
    const expected = countNmapServices(text);
    // A file this small would mean a wrong or truncated file, not a real nmap install.
    expect(expected.entries).toBeGreaterThan(20_000);
    const byProtocol = { tcp: 0, udp: 0, sctp: 0, dccp: 0 };
    let unknownNamed = 0;
    let unknownNamedWithoutFrequency = 0;
    for (const entry of parsed.index.entries()) {
      byProtocol[entry.protocol] += 1;
      if (entry.names[0] === 'unknown') {
        unknownNamed += 1;
        if (!((entry.extra.nmapFrequency ?? 0) > 0)) unknownNamedWithoutFrequency += 1;
      }
    }
    expect(unknownNamedWithoutFrequency).toBe(0);
    expect(parsed.entries).toBe(expected.entries);
    expect(byProtocol).toEqual(expected.byProtocol);
    expect(unknownNamed).toBe(expected.unknownNamed);
    expect(parsed.entries - parsed.withFrequency).toBe(expected.zeroFrequency);
    expect(parsed.index.frequency('tcp', expected.topTcp.port)).toBeCloseTo(expected.topTcp.frequency, 6);
    expect(topPorts(parsed.index, 'tcp', 1)).toEqual([expected.topTcp.port]);
    expect(topPorts(parsed.index, 'tcp', 1000)).toHaveLength(1000);
    expect(topPorts(parsed.index, 'sctp', 100000).length).toBeLessThanOrEqual(expected.byProtocol.sctp);
  });
});

describe('loadNmapServices', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portpick-nmap-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the source unavailable, with how to fix it, when nothing is found', async () => {
    const result = await loadNmapServices({ cacheDir: join(dir, 'empty-cache'), platform: 'aix' as NodeJS.Platform });
    if (result.index !== null) return; // an nmap installed on this machine is found first; nothing to assert then
    expect(result.status.available).toBe(false);
    expect(result.status.note).toMatch(/NOT made/);
    expect(result.status.note).toMatch(/portpick update/);
    expect(result.status.note).toMatch(/--nmap-services FILE/);
  });

  it('loads a file given explicitly and fails loudly when it is missing', async () => {
    const result = await loadNmapServices({ file: fixturePath('nmap-services-sample') });
    expect(result.status).toMatchObject({ id: 'nmap', available: true, entries: 8 });
    expect(result.index?.lookup('tcp', 7001)).toHaveLength(1);
    await expect(loadNmapServices({ file: join(dir, 'missing') })).rejects.toThrow(/Expected a readable nmap-services/);
  });

  it('prefers portpick’s cache over an installed nmap', async () => {
    const cacheDir = join(dir, 'cache');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(cacheDir, { recursive: true });
    await writeFile(join(cacheDir, 'nmap-services'), 'cached\t4242/tcp\t0.5\n');
    const result = await loadNmapServices({ cacheDir });
    expect(result.status.origin).toBe(join(cacheDir, 'nmap-services'));
    expect(result.index?.lookup('tcp', 4242)[0]?.names).toEqual(['cached']);
  });
});
