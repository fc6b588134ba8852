/**
 * The offline IANA snapshot that ships with portpick: the official CSV kept in
 * data/iana (CC0), digested when the package is built (`npm run build:ts` runs
 * scripts/build-iana-snapshot.mjs), so a command reads its states and the few
 * records it needs without parsing the CSV. Without the digest (a build that
 * skipped it, another byte order) the CSV itself is parsed: the same answers,
 * slower. The registry is immutable, so one instance is shared per process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileAccessError } from '../errors/file-access-error.js';
import { packageRoot } from '../package-root.js';
import { readIanaDigest, writeIanaDigest } from './digest.js';
import { readIanaCsvRecords } from './iana-csv.js';
import { RecordIanaRegistry, newestIanaDate } from './iana-registry.js';
import type { IanaRegistry } from './loaded-sources.js';

export const SNAPSHOT_CSV = join(packageRoot(), 'data', 'iana', 'service-names-port-numbers.csv');
export const SNAPSHOT_DIGEST = join(packageRoot(), 'dist', 'iana-snapshot.bin');

let shared: IanaRegistry | undefined;

/** The shipped snapshot (synchronous; cached after the first call). */
export function loadIanaSnapshot(): IanaRegistry {
  shared ??= readIanaDigest(SNAPSHOT_DIGEST, null, parseIanaSnapshot) ?? parseIanaSnapshot();
  return shared;
}

/** The snapshot parsed from data/iana; its entries name no file (the origin says "snapshot"). */
export function parseIanaSnapshot(): RecordIanaRegistry {
  let text: string;
  try {
    text = readFileSync(SNAPSHOT_CSV, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new FileAccessError(`Expected portpick's IANA snapshot at ${SNAPSHOT_CSV}, got ${code}`, SNAPSHOT_CSV, { cause: error });
  }
  const records = readIanaCsvRecords(text, SNAPSHOT_CSV);
  const updated = newestIanaDate(records);
  return new RecordIanaRegistry(records, { origin: `snapshot (IANA registry of ${updated ?? 'unknown date'})`, updated });
}

/** Writes the snapshot's digest (the build runs this); false when it could not be stored. */
export function writeIanaSnapshot(target = SNAPSHOT_DIGEST): boolean {
  return writeIanaDigest(target, null, parseIanaSnapshot());
}
