import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedPath, sourceIdentity } from '../../../src/registry/derived-cache.js';
import { DerivedIanaRegistry, IANA_DERIVED_KIND, readDerivedIanaRegistry } from '../../../src/registry/iana-derived.js';
import type { RecordIanaRegistry } from '../../../src/registry/iana-registry.js';
import { loadIanaFile } from '../../../src/registry/iana-load.js';
import { PROTOCOLS } from '../../../src/registry/types.js';
import { registryFiles } from '../../helpers/registry-files.js';
import { ianaFixturePath } from './iana-fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'portpick-iana-derived-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Loads `file` twice through the cache directory: the second load must come from the digested form. */
async function parsedAndDerived(file: string, cacheDir: string): Promise<{ parsed: RecordIanaRegistry; derived: RecordIanaRegistry }> {
  const parsed = await loadIanaFile(file);
  await loadIanaFile(file, { derivedCacheDir: cacheDir });
  const derived = await loadIanaFile(file, { derivedCacheDir: cacheDir });
  expect(derived).toBeInstanceOf(DerivedIanaRegistry);
  return { parsed, derived };
}

/** The digested registry answers every question as the parsed one; `stride` thins the per-port lookups of udp, sctp and dccp. */
function expectSameAnswers(parsed: RecordIanaRegistry, derived: RecordIanaRegistry, stride: number): void {
  expect(derived.origin).toBe(parsed.origin);
  expect(derived.updated).toBe(parsed.updated);
  expect(derived.entryCount).toBe(parsed.entryCount);
  for (const protocol of PROTOCOLS) {
    expect(Buffer.from(derived.stateRanks(protocol)).equals(Buffer.from(parsed.stateRanks(protocol))), protocol).toBe(true);
    const step = protocol === 'tcp' ? 1 : stride;
    for (let port = 0; port <= 65535; port += step) {
      const same = JSON.stringify(derived.lookup(protocol, port)) === JSON.stringify(parsed.lookup(protocol, port));
      if (!same) expect({ protocol, port, entries: derived.lookup(protocol, port) }).toEqual({ protocol, port, entries: parsed.lookup(protocol, port) });
      if (derived.hasUnauthorizedUse(protocol, port) !== parsed.hasUnauthorizedUse(protocol, port)) {
        expect({ protocol, port, unauthorized: derived.hasUnauthorizedUse(protocol, port) }).toEqual({ protocol, port, unauthorized: parsed.hasUnauthorizedUse(protocol, port) });
      }
    }
  }
  expect(derived.records).toEqual(parsed.records);
  for (const name of ['http', 'x11', 'HTTP-ALT', 'no-such-service']) expect(derived.byName(name)).toEqual(parsed.byName(name));
}

describe('the digested IANA registry', () => {
  it('answers as the parsed quirks CSV does, on every port', async () => {
    const { parsed, derived } = await parsedAndDerived(ianaFixturePath('quirks.csv'), join(dir, 'quirks-csv'));
    expectSameAnswers(parsed, derived, 1);
  });

  it('answers as the parsed quirks XML does, on every port', async () => {
    const { parsed, derived } = await parsedAndDerived(ianaFixturePath('quirks.xml'), join(dir, 'quirks-xml'));
    expectSameAnswers(parsed, derived, 1);
  });

  it('answers as the parsed official CSV does (every tcp port, every 7th of the others)', async () => {
    const { parsed, derived } = await parsedAndDerived(registryFiles.ianaCsv, join(dir, 'real'));
    expectSameAnswers(parsed, derived, 7);
    expect(derived.hasUnauthorizedUse('tcp', 6003)).toBe(true);
  });

  it('is not used once the file changes, nor when damaged', async () => {
    const cacheDir = join(dir, 'changes');
    const file = join(dir, 'registry.csv');
    copyFileSync(ianaFixturePath('quirks.csv'), file);
    await loadIanaFile(file, { derivedCacheDir: cacheDir });
    const digest = derivedPath(cacheDir, IANA_DERIVED_KIND, file);
    expect(readDerivedIanaRegistry(digest, file, sourceIdentity(file)!)).not.toBeNull();

    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}added-service,40404,tcp,Added after the digest,,,,,,,,\r\n`);
    expect(readDerivedIanaRegistry(digest, file, sourceIdentity(file)!)).toBeNull();
    const changed = await loadIanaFile(file, { derivedCacheDir: cacheDir });
    expect(changed.lookup('tcp', 40404)[0]?.names).toEqual(['added-service']);

    truncateSync(digest, 100);
    expect(readDerivedIanaRegistry(digest, file, sourceIdentity(file)!)).toBeNull();
    const reparsed = await loadIanaFile(file, { derivedCacheDir: cacheDir });
    expect(reparsed.lookup('tcp', 40404)[0]?.names).toEqual(['added-service']);
  });

  it('never hides a malformed file', async () => {
    const cacheDir = join(dir, 'malformed');
    await expect(loadIanaFile(ianaFixturePath('port-70000.csv'), { derivedCacheDir: cacheDir })).rejects.toThrow(/Expected a port from 0 to 65535/);
    await expect(loadIanaFile(ianaFixturePath('port-70000.csv'), { derivedCacheDir: cacheDir })).rejects.toThrow(/Expected a port from 0 to 65535/);
  });
});
