import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PortNumbersFile } from '../../../src/registry/iana-port-numbers-file.js';
import { loadNmapServices, type NmapServicesIndex } from '../../../src/registry/nmap-services.js';
import { SUPPLEMENT_PATH, buildIanaSnapshot, loadIanaSnapshot, readPortNumbers, readSupplement } from '../../../src/registry/iana-snapshot.js';

// Many lookups in one process (a picture of the whole port space): the answers
// must stay those of single lookups once the bulk paths take over.

describe('PortNumbersFile after many searches', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portpick-pn-bulk-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every key as the first searches did, the first of a repeated key included', async () => {
    const path = join(dir, 'index.json');
    const keys = Array.from({ length: 80 }, (_, i) => `${i}/tcp`);
    // A hand-written file: spaces and newlines around tokens, escapes, a key quoted inside a value, and "5/tcp" twice.
    const body = keys
      .map((key, i) => `  ${JSON.stringify(key)} :\n [ "name-${i}", "says \\"${(i + 1) % 80}/tcp\\": {x} [y] \\\\" ]`)
      .concat(['"5/tcp": ["second", "ignored"]'])
      .join(' ,\n');
    await writeFile(path, `{\n${body}\n}\n`);
    const single = keys.map((key) => new PortNumbersFile(path).row(key));
    expect(single[5]).toEqual(['name-5', 'says "6/tcp": {x} [y] \\']);

    const bulk = new PortNumbersFile(path);
    const answers = [...keys, ...keys].map((key) => bulk.row(key));
    expect(answers).toEqual([...single, ...single]);
    expect(bulk.row('80/tcp')).toBeUndefined();
    expect(bulk.row('says')).toBeUndefined();
  });
});

describe('the shipped snapshot, every port looked up', () => {
  it('gives the entries the records give, for every TCP port', () => {
    const fast = loadIanaSnapshot();
    const slow = buildIanaSnapshot(readPortNumbers(), readSupplement(SUPPLEMENT_PATH));
    const differing: number[] = [];
    for (let port = 0; port < 65_536; port += 1) {
      if (JSON.stringify(fast.lookup('tcp', port)) !== JSON.stringify(slow.lookup('tcp', port))) differing.push(port);
    }
    expect(differing).toEqual([]);
    expect(fast.lookup('udp', 53)).toEqual(slow.lookup('udp', 53));
  });
});

describe('nmap-services entries made from the derived columns, many at once', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portpick-nmap-bulk-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('read every line as a parse does (byte-order mark, CRLF, non-ASCII comments, no newline at the end)', async () => {
    const file = join(dir, 'nmap-services');
    const rows = Array.from({ length: 100 }, (_, i) => `svc\u00e9${i}\t${2000 + i}/tcp\t0.${i + 1}\t# cr\u00e8me ${i}`);
    await writeFile(file, `\uFEFF# header\r\n${rows.join('\r\n')}`);
    const entriesOf = (index: unknown): unknown[] => [...(index as NmapServicesIndex).entries()].map((entry) => ({ ...entry, extra: { ...entry.extra } }));
    const parsed = await loadNmapServices({ file, cacheDir: join(dir, 'cache'), derivedCache: false });
    await loadNmapServices({ file, cacheDir: join(dir, 'cache') });
    const fromColumns = await loadNmapServices({ file, cacheDir: join(dir, 'cache') });
    expect(entriesOf(fromColumns.index)).toEqual(entriesOf(parsed.index));
    expect(fromColumns.index?.lookup('tcp', 2099)[0]?.description).toBe('cr\u00e8me 99');
  });
});
