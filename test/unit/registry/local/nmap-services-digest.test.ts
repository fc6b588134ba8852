import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadNmapServices, type NmapServicesIndex } from '../../../../src/registry/nmap-services.js';
import { digestPath, readNmapDigest, sourceIdentity } from '../../../../src/registry/digest.js';
import { hasNmapServices, registryFiles } from '../../../helpers/registry-files.js';
import { fixture } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'portpick-nmap-digest-'));

/** The digest stored for `file` under `cacheDir` (null when none matches the file). */
function stored(cacheDir: string, file: string) {
  return readNmapDigest(digestPath(cacheDir, 'nmap-services', file), { file, identity: sourceIdentity(file)! }, () => {
    throw new Error('rows were made again although the digest file was unchanged');
  });
}
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every entry, in order, as plain data. */
function entriesOf(index: unknown): unknown[] {
  return [...(index as NmapServicesIndex).entries()].map((entry) => ({ ...entry, extra: { ...entry.extra } }));
}

async function load(file: string, cacheDir: string, derivedCache = true) {
  return loadNmapServices({ file, cacheDir, derivedCache });
}

describe('the digest of nmap-services', () => {
  it('is written on the first load and answers the second exactly as a parse does', async () => {
    const cacheDir = join(dir, 'sample-cache');
    const file = join(dir, 'sample');
    // CRLF line ends, a byte-order mark and non-ASCII names and comments.
    writeFileSync(file, `\uFEFF${fixture('nmap-services-sample').replace(/\n/g, '\r\n')}caf\u00e9\t9999/tcp\t0.125\t# cr\u00e8me br\u00fbl\u00e9e\r\nafter\t9998/udp\t0.5\t# \u00f1 after\r\n`);
    const parsed = await load(file, cacheDir, false);
    expect(stored(cacheDir, file)).toBeNull();
    const first = await load(file, cacheDir);
    expect(stored(cacheDir, file)).not.toBeNull();
    const second = await load(file, cacheDir);
    expect(entriesOf(second.index)).toEqual(entriesOf(parsed.index));
    expect(entriesOf(first.index)).toEqual(entriesOf(parsed.index));
    expect(second.status).toEqual(parsed.status);
    expect(second.index?.lookup('udp', 9998)[0]?.description).toBe('\u00f1 after');
    expect(second.index?.lookup('tcp', 9999)[0]?.names).toEqual(['caf\u00e9']);
  });

  it.skipIf(!hasNmapServices())('answers like a parse on every row of the installed file', async () => {
    const cacheDir = join(dir, 'real-cache');
    const parsed = await load(registryFiles.nmapServices, cacheDir, false);
    await load(registryFiles.nmapServices, cacheDir);
    const cached = await load(registryFiles.nmapServices, cacheDir);
    expect(stored(cacheDir, registryFiles.nmapServices)).not.toBeNull();
    expect(entriesOf(cached.index)).toEqual(entriesOf(parsed.index));
  });

  it('is not used once the file changes, and is rewritten', async () => {
    const cacheDir = join(dir, 'change-cache');
    const file = join(dir, 'changing');
    writeFileSync(file, 'one\t1000/tcp\t0.5\n');
    await load(file, cacheDir);
    writeFileSync(file, 'two\t2000/tcp\t0.25\none\t1000/tcp\t0.5\n');
    const changed = await load(file, cacheDir);
    expect(changed.index?.lookup('tcp', 2000)[0]?.names).toEqual(['two']);
    expect(changed.index?.lookup('tcp', 1000)[0]?.extra.line).toBe(2);
    expect(stored(cacheDir, file)?.columns.ports.length).toBe(2);
  });

  it('is ignored when damaged, and never needed: an unwritable cache directory only costs speed', async () => {
    const cacheDir = join(dir, 'damaged-cache');
    const file = join(dir, 'damaged');
    writeFileSync(file, 'x\t3000/tcp\t0.5\ny\t3001/udp\t0.1\n');
    await load(file, cacheDir);
    const digestFile = digestPath(cacheDir, 'nmap-services', file);
    truncateSync(digestFile, readFileSync(digestFile).length - 3);
    expect(stored(cacheDir, file)).toBeNull();
    const reloaded = await load(file, cacheDir);
    expect(reloaded.index?.lookup('udp', 3001)[0]?.names).toEqual(['y']);

    const blocked = join(dir, 'blocked');
    writeFileSync(blocked, 'a file where the cache directory should be');
    const loaded = await load(file, blocked);
    expect(loaded.index?.lookup('tcp', 3000)[0]?.names).toEqual(['x']);
  });

  it('never hides a malformed file, which is never digested', async () => {
    const cacheDir = join(dir, 'malformed-cache');
    mkdirSync(cacheDir, { recursive: true });
    const file = join(dir, 'malformed');
    writeFileSync(file, 'x\t3000/tcp\t0.5\n<html>\n');
    await expect(load(file, cacheDir)).rejects.toThrow(/malformed:2: Expected `name<TAB>port\/protocol/);
    expect(stored(cacheDir, file)).toBeNull();
  });

});
