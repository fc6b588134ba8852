import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNmapServices, type NmapServicesIndex } from '../../../src/registry/nmap-services.js';
import { loadIanaSnapshot, parseIanaSnapshot } from '../../../src/registry/iana-snapshot.js';

// Many lookups in one process (a picture of the whole port space): the answers
// must stay those of single lookups.

describe('the shipped snapshot, every port looked up', () => {
  it('gives the entries the parsed CSV gives, for every TCP port', () => {
    const fast = loadIanaSnapshot();
    const slow = parseIanaSnapshot();
    const differing: number[] = [];
    for (let port = 0; port < 65_536; port += 1) {
      if (JSON.stringify(fast.lookup('tcp', port)) !== JSON.stringify(slow.lookup('tcp', port))) differing.push(port);
    }
    expect(differing).toEqual([]);
    expect(fast.lookup('udp', 53)).toEqual(slow.lookup('udp', 53));
  });
});

describe('nmap-services entries made from the digest, many at once', () => {
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
    const fromDigest = await loadNmapServices({ file, cacheDir: join(dir, 'cache') });
    expect(entriesOf(fromDigest.index)).toEqual(entriesOf(parsed.index));
    expect(fromDigest.index?.lookup('tcp', 2099)[0]?.description).toBe('cr\u00e8me 99');
  });
});
