import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readIanaDigest } from '../../../src/registry/digest.js';
import { parseIanaCsv } from '../../../src/registry/iana-csv.js';
import { SNAPSHOT_CSV, SNAPSHOT_DIGEST, loadIanaSnapshot, parseIanaSnapshot, writeIanaSnapshot } from '../../../src/registry/iana-snapshot.js';
import { PROTOCOLS } from '../../../src/registry/types.js';
import { registryFiles } from '../../helpers/registry-files.js';
import { expectSameAnswers } from './same-answers.js';

const dir = mkdtempSync(join(tmpdir(), 'portpick-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadIanaSnapshot', () => {
  const snapshot = loadIanaSnapshot();

  it('answers from the digest the build made of the official CSV kept in data/iana', () => {
    expect(SNAPSHOT_CSV).toBe(registryFiles.ianaCsv);
    expect(readIanaDigest(SNAPSHOT_DIGEST, null, parseIanaSnapshot)).not.toBeNull();
    expect(snapshot.constructor).not.toBe(parseIanaSnapshot().constructor);
    expect(loadIanaSnapshot()).toBe(snapshot);
  });

  it('names itself a snapshot with the newest date of the CSV', () => {
    expect(snapshot.updated).toBe(parseIanaCsv(readFileSync(SNAPSHOT_CSV, 'utf8'), SNAPSHOT_CSV).updated);
    expect(snapshot.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(snapshot.origin).toBe(`snapshot (IANA registry of ${snapshot.updated})`);
  });

  it('answers every question as the CSV parsed (states and unauthorized use on every port; lookups on every tcp port, every 7th of the others)', () => {
    expectSameAnswers(parseIanaSnapshot(), snapshot, 7);
  });

  it('answers the registry’s quirks', () => {
    expect(snapshot.stateOf('tcp', 6003)).toBe('assigned');
    expect(snapshot.lookup('tcp', 6003).some((entry) => entry.names.includes('x11') && entry.extra.unauthorizedUse)).toBe(true);
    expect(snapshot.stateOf('dccp', 81)).toBe('unassigned');
    expect(snapshot.stateOf('tcp', 230)).toBe('reserved');
    expect(snapshot.stateOf('tcp', 7775)).toBe('assigned');
    expect(snapshot.stateOf('tcp', 7776)).toBe('unassigned');
    expect(snapshot.stateOf('tcp', 716)).toBe('unknown');
    expect(snapshot.stateOf('tcp', 49_151)).toBe('reserved');
    expect(snapshot.lookup('tcp', 80).flatMap((entry) => entry.names).sort()).toEqual(['http', 'www', 'www-http']);
    expect(snapshot.lookup('tcp', 80).every((entry) => entry.extra.file === undefined)).toBe(true);
    expect(snapshot.byName('argus').length).toBeGreaterThan(0);
    expect(snapshot.hasUnauthorizedUse?.('tcp', 79)).toBe(true);
    expect(snapshot.hasUnauthorizedUse?.('tcp', 8080)).toBe(false);
    for (const protocol of PROTOCOLS) expect(() => snapshot.stateOf(protocol, 65_536)).toThrow(/Expected a port from 0 to 65535/);
  });

  it('writes the digest it reads', () => {
    const target = join(dir, 'snapshot.bin');
    expect(writeIanaSnapshot(target)).toBe(true);
    expectSameAnswers(parseIanaSnapshot(), readIanaDigest(target, null, parseIanaSnapshot)!, 97);
  });
});
