import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileAccessError } from '../../../src/errors/index.js';
import { digestPath, readDigest, readIanaDigest, sourceIdentity, writeDigest } from '../../../src/registry/digest.js';
import type { IanaRegistry } from '../../../src/registry/loaded-sources.js';
import { loadIanaFile } from '../../../src/registry/iana-load.js';
import { registryFiles } from '../../helpers/registry-files.js';
import { ianaFixturePath } from './iana-fixtures.js';
import { expectSameAnswers } from './same-answers.js';

const dir = mkdtempSync(join(tmpdir(), 'portpick-digest-'));
/** A digest's way to make its rows again, for reads that must not need it. */
const unused = (): never => {
  throw new Error('rows were made again although the digest file was unchanged');
};
const unusedParse = unused;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('digest files', () => {
  const source = join(dir, 'source.txt');
  writeFileSync(source, 'some registry text\n');
  const file = digestPath(dir, 'test-kind', source);
  const content = {
    header: { rows: 3 },
    columns: { numbers: Float64Array.from([0.5, 0.25]), bytes: Uint8Array.from([1, 2, 3]), ports: Uint16Array.from([22, 80, 443]) },
    rows: ['first', '', 'dernière ligne'],
  };

  it('round-trip a header, columns of each type and rows for the same source identity', () => {
    const identity = sourceIdentity(source)!;
    expect(writeDigest(file, 'test-kind', { file: source, identity }, content)).toBe(true);
    const stored = readDigest<{ rows: number }>(file, 'test-kind', { file: source, identity }, unused);
    expect(stored?.header).toEqual({ rows: 3 });
    expect(stored?.columns).toEqual(content.columns);
    expect(Array.from({ length: stored!.rowCount }, (_, row) => stored!.row(row))).toEqual(content.rows);
    expect(file).toMatch(/derived[\\/]test-kind-[0-9a-f]{16}\.bin$/);
  });

  it('miss on another kind, another source, a changed identity, no source (the snapshot’s kind), or damage', () => {
    const identity = sourceIdentity(source)!;
    writeDigest(file, 'test-kind', { file: source, identity }, content);
    expect(readDigest(file, 'other-kind', { file: source, identity }, unused)).toBeNull();
    expect(readDigest(file, 'test-kind', { file: join(dir, 'elsewhere.txt'), identity }, unused)).toBeNull();
    expect(readDigest(file, 'test-kind', { file: source, identity: identity.replace(/\d+$/, '1') }, unused)).toBeNull();
    expect(readDigest(file, 'test-kind', null, unused)).toBeNull();
    const data = readFileSync(file);
    for (const damaged of [data.subarray(0, data.length - 4), Buffer.concat([data, Buffer.from('x')]), Buffer.from('not a digest')]) {
      writeFileSync(file, damaged);
      expect(readDigest(file, 'test-kind', { file: source, identity }, unused)).toBeNull();
    }
    expect(readDigest(join(dir, 'missing.bin'), 'test-kind', { file: source, identity }, unused)).toBeNull();
  });

  it('read rows when asked: one at a time, then the rest at once, from the file as it was read', () => {
    const identity = sourceIdentity(source)!;
    const many = { header: {}, columns: {}, rows: Array.from({ length: 100 }, (_, row) => `row ${row} ${'é'.repeat(row % 5)}`) };
    writeDigest(file, 'test-kind', { file: source, identity }, many);
    const stored = readDigest(file, 'test-kind', { file: source, identity }, unused)!;
    expect([stored.row(99), stored.row(0)]).toEqual([many.rows[99], many.rows[0]]);
    expect(Array.from({ length: stored.rowCount }, (_, row) => stored.row(row))).toEqual(many.rows);
    expect(() => stored.row(100)).toThrow(RangeError);
  });

  it('make rows again with the caller’s reread once the file has gone or been replaced', () => {
    const identity = sourceIdentity(source)!;
    let rereads = 0;
    const reread = () => {
      rereads += 1;
      return content.rows;
    };
    writeDigest(file, 'test-kind', { file: source, identity }, content);
    const beforeDelete = readDigest(file, 'test-kind', { file: source, identity }, reread)!;
    rmSync(file);
    expect([beforeDelete.row(2), beforeDelete.row(0)]).toEqual([content.rows[2], content.rows[0]]);
    expect(rereads).toBe(1);
    writeDigest(file, 'test-kind', { file: source, identity }, content);
    const beforeReplace = readDigest(file, 'test-kind', { file: source, identity }, reread)!;
    writeDigest(file, 'test-kind', { file: source, identity }, content);
    expect(beforeReplace.row(1)).toBe(content.rows[1]);
    expect(rereads).toBe(2);
    const wrongCount = readDigest(file, 'test-kind', { file: source, identity }, () => ['only one'])!;
    rmSync(file);
    expect(() => wrongCount.row(0)).toThrow(/expected 3 rows/);
  });

  it('report false, leaving nothing, when the directory cannot be written', () => {
    const blocked = join(dir, 'a-file');
    writeFileSync(blocked, 'x');
    expect(writeDigest(join(blocked, 'derived', 'x.bin'), 'test-kind', null, { header: {}, columns: {}, rows: [] })).toBe(false);
  });
});

/** Loads `file` twice through the cache directory: the second load must come from its digest. */
async function parsedAndDigested(file: string, cacheDir: string): Promise<{ parsed: IanaRegistry; digested: IanaRegistry }> {
  const parsed = await loadIanaFile(file);
  await loadIanaFile(file, { derivedCacheDir: cacheDir });
  const digested = await loadIanaFile(file, { derivedCacheDir: cacheDir });
  expect(readIanaDigest(digestPath(cacheDir, 'iana-registry', file), { file, identity: sourceIdentity(file)! }, unusedParse)).not.toBeNull();
  expect(digested.constructor).not.toBe(parsed.constructor);
  return { parsed, digested };
}

describe('the digested IANA registry', () => {
  it('answers as the parsed quirks CSV does, on every port', async () => {
    const { parsed, digested } = await parsedAndDigested(ianaFixturePath('quirks.csv'), join(dir, 'quirks-csv'));
    expectSameAnswers(parsed, digested, 1);
  });

  it('answers as the parsed quirks XML does, on every port', async () => {
    const { parsed, digested } = await parsedAndDigested(ianaFixturePath('quirks.xml'), join(dir, 'quirks-xml'));
    expectSameAnswers(parsed, digested, 1);
  });

  it('answers as the parsed official CSV does (states on every port; lookups on every tcp port, every 7th of the others)', async () => {
    const { parsed, digested } = await parsedAndDigested(registryFiles.ianaCsv, join(dir, 'real'));
    expectSameAnswers(parsed, digested, 7);
    expect(digested.hasUnauthorizedUse?.('tcp', 6003)).toBe(true);
  });

  it('is not used once the file changes, nor when damaged', async () => {
    const cacheDir = join(dir, 'changes');
    const file = join(dir, 'registry.csv');
    copyFileSync(ianaFixturePath('quirks.csv'), file);
    await loadIanaFile(file, { derivedCacheDir: cacheDir });
    const digest = digestPath(cacheDir, 'iana-registry', file);
    expect(readIanaDigest(digest, { file, identity: sourceIdentity(file)! }, unusedParse)).not.toBeNull();

    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}added-service,40404,tcp,Added after the digest,,,,,,,,\r\n`);
    expect(readIanaDigest(digest, { file, identity: sourceIdentity(file)! }, unusedParse)).toBeNull();
    const changed = await loadIanaFile(file, { derivedCacheDir: cacheDir });
    expect(changed.lookup('tcp', 40404)[0]?.names).toEqual(['added-service']);

    truncateSync(digest, 100);
    expect(readIanaDigest(digest, { file, identity: sourceIdentity(file)! }, unusedParse)).toBeNull();
    const reparsed = await loadIanaFile(file, { derivedCacheDir: cacheDir });
    expect(reparsed.lookup('tcp', 40404)[0]?.names).toEqual(['added-service']);
  });

  it('keeps answering once its digest is deleted (from the file again), and says so when the file has changed too', async () => {
    const cacheDir = join(dir, 'deleted');
    const file = join(dir, 'deleted.csv');
    copyFileSync(ianaFixturePath('quirks.csv'), file);
    const { parsed, digested } = await parsedAndDigested(file, cacheDir);
    rmSync(join(cacheDir, 'derived'), { recursive: true });
    expectSameAnswers(parsed, digested, 1);
    const listed = Array.from({ length: 65536 }, (_, port) => port).find((port) => parsed.lookup('tcp', port).length > 0)!;

    const again = await loadIanaFile(file, { derivedCacheDir: cacheDir });
    await loadIanaFile(file, { derivedCacheDir: cacheDir });
    const stale = await loadIanaFile(file, { derivedCacheDir: cacheDir });
    expect(stale.constructor).toBe(digested.constructor);
    rmSync(join(cacheDir, 'derived'), { recursive: true });
    writeFileSync(file, `${readFileSync(file, 'utf8')}added-service,40404,tcp,Added later,,,,,,,,\r\n`);
    const error = (() => {
      try {
        stale.lookup('tcp', listed);
      } catch (thrown) {
        return thrown;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(FileAccessError);
    expect((error as FileAccessError).message).toMatch(/as it was when the sources were loaded, got a changed file/);
    expect(again.constructor).not.toBe(digested.constructor);
  });

  it('never hides a malformed file', async () => {
    const cacheDir = join(dir, 'malformed');
    await expect(loadIanaFile(ianaFixturePath('port-70000.csv'), { derivedCacheDir: cacheDir })).rejects.toThrow(/Expected a port from 0 to 65535/);
    await expect(loadIanaFile(ianaFixturePath('port-70000.csv'), { derivedCacheDir: cacheDir })).rejects.toThrow(/Expected a port from 0 to 65535/);
  });
});
