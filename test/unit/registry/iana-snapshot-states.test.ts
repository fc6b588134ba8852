import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../src/errors/index.js';
import { PortNumbersFile } from '../../../src/registry/iana-port-numbers-file.js';
import {
  SNAPSHOT_STATES_PATH,
  SUPPLEMENT_PATH,
  buildIanaSnapshot,
  loadIanaSnapshot,
  openIanaSnapshot,
  readPortNumbers,
  readSupplement,
  resolvePortNumbersIndex,
} from '../../../src/registry/iana-snapshot.js';
import { packRanks, snapshotStatesFrom, unpackRanks } from '../../../src/registry/iana-snapshot-states.js';
import { PROTOCOLS } from '../../../src/registry/types.js';

// The shipped snapshot built the slow way: every record from port-numbers' index.json and the supplement.
const portNumbers = readPortNumbers();
const supplementData = readSupplement(SUPPLEMENT_PATH);
const slow = buildIanaSnapshot(portNumbers, supplementData);
const stamp = {
  portNumbers: { version: portNumbers.version, indexBytes: readFileSync(resolvePortNumbersIndex()).length, rows: Object.keys(portNumbers.index).length },
  supplement: { csvSha256: supplementData.supplement.source.sha256, rows: supplementData.records.length },
};

describe('the precomputed snapshot states (data/iana-snapshot-states.json)', () => {
  const fast = loadIanaSnapshot();

  it('are used by the shipped snapshot', () => {
    expect(fast.snapshot.precomputedStates).toBe(true);
    expect(slow.snapshot.precomputedStates).toBe(false);
  });

  it('are what the generator makes from the installed port-numbers and the supplement (regenerate with --states-only)', () => {
    const shipped = JSON.parse(readFileSync(SNAPSHOT_STATES_PATH, 'utf8')) as unknown;
    expect(shipped).toEqual(snapshotStatesFrom(slow, Object.keys(portNumbers.index), stamp));
  });

  it('answer every state, the counts and the dates as the records do', () => {
    for (const protocol of PROTOCOLS) {
      for (let port = 0; port < 65_536; port += 1) {
        if (fast.stateOf(protocol, port) !== slow.stateOf(protocol, port)) {
          expect(`${port}/${protocol}: ${fast.stateOf(protocol, port)}`).toBe(`${port}/${protocol}: ${slow.stateOf(protocol, port)}`);
        }
      }
    }
    expect(fast.entryCount).toBe(slow.entryCount);
    expect(fast.updated).toBe(slow.updated);
    expect(fast.origin).toBe(slow.origin);
    expect({ ...fast.snapshot, precomputedStates: false }).toEqual(slow.snapshot);
  });

  it('look up the same entries, in the same order, as the records do', () => {
    const ports = [0, 1, 7, 42, 63, 79, 80, 81, 100, 1023, 1024, 3306, 4480, 5349, 6000, 6003, 6063, 7775, 7776, 8080, 11_434, 49_151, 49_152, 65_535];
    for (let port = 0; port < 65_536; port += 211) ports.push(port);
    for (const protocol of PROTOCOLS) {
      for (const port of ports) expect(fast.lookup(protocol, port), `${port}/${protocol}`).toEqual(slow.lookup(protocol, port));
    }
    expect(fast.lookup('tcp', 80)).toBe(fast.lookup('tcp', 80));
    expect(fast.byName('http')).toEqual(slow.byName('http'));
  });

  it('refuse a bad protocol or port like the records do', () => {
    expect(() => fast.stateOf('icmp' as never, 1)).toThrow(/Expected a protocol/);
    expect(() => fast.lookup('tcp', 70_000)).toThrow(/Expected a port from 0 to 65535/);
  });
});

describe('openIanaSnapshot with other states files', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portpick-states-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('builds every record when the states were derived from other inputs, or are missing', async () => {
    const stale = { ...JSON.parse(readFileSync(SNAPSHOT_STATES_PATH, 'utf8')), portNumbers: { ...stamp.portNumbers, version: '0.0.1' } };
    const path = join(dir, 'stale.json');
    await writeFile(path, JSON.stringify(stale));
    for (const states of [path, join(dir, 'missing.json')]) {
      const snapshot = openIanaSnapshot({ supplement: SUPPLEMENT_PATH, states });
      expect(snapshot.snapshot.precomputedStates).toBe(false);
      expect(snapshot.stateOf('tcp', 6003)).toBe('assigned');
    }
  });

  it('refuses a states file of its format that is malformed', async () => {
    const broken = { ...JSON.parse(readFileSync(SNAPSHOT_STATES_PATH, 'utf8')), entryCount: 'many' };
    const path = join(dir, 'broken.json');
    await writeFile(path, JSON.stringify(broken));
    expect(() => openIanaSnapshot({ supplement: SUPPLEMENT_PATH, states: path })).toThrow(RegistryParseError);
  });
});

describe('packed ranks', () => {
  it('round-trip every value at every port', () => {
    const table = new Uint8Array(65_536).map((_, port) => (port * 7 + (port >> 3)) & 3);
    expect(unpackRanks(packRanks(table), 'x')).toEqual(table);
    expect(() => unpackRanks('AAAA', 'x')).toThrow(RegistryParseError);
  });
});

describe('PortNumbersFile', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portpick-pn-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a key only where it stands as a key, and reads its value with escapes', async () => {
    const path = join(dir, 'index.json');
    const index = {
      '7/tcp': ['echo', 'mentions "80/tcp": in a description'],
      '80/tcp': ['http', 'World Wide Web "HTTP" \\ [x] {y}'],
      '80/udp': ['', 'Reserved'],
    };
    await writeFile(path, JSON.stringify(index, null, 1));
    const file = new PortNumbersFile(path);
    expect(file.row('80/tcp')).toEqual(index['80/tcp']);
    expect(file.row('80/udp')).toEqual(['', 'Reserved']);
    expect(file.row('7/tcp')).toEqual(index['7/tcp']);
    expect(file.row('81/tcp')).toBeUndefined();
  });
});
