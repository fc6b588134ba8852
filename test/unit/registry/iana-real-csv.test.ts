import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseIanaCsv } from '../../../src/registry/iana-csv.js';
import { PROTOCOLS } from '../../../src/registry/types.js';
import { registryFiles } from '../../helpers/registry-files.js';

// Figures for the copy of the official CSV kept in the repository (data/iana/README.md).
describe('parseIanaCsv on the real CSV (data/iana)', () => {
  const text = readFileSync(registryFiles.ianaCsv, 'utf8');
  const registry = parseIanaCsv(text, registryFiles.ianaCsv);
  const records = registry.records;

  it('reads 14,512 records: 763 written as ranges, 1,058 without a port, per-protocol counts', () => {
    expect(records).toHaveLength(14_512);
    const writtenAsRange = text.match(/^[^,\r\n]*,\d+-\d+,/gm) ?? [];
    expect(writtenAsRange).toHaveLength(763);
    // Six of them are one-port ranges such as 4748-4748.
    expect(records.filter((record) => record.ports && record.ports.start !== record.ports.end)).toHaveLength(757);
    expect(records.filter((record) => record.ports === null)).toHaveLength(1_058);
    const byProtocol = (protocol: string | null) => records.filter((record) => record.protocol === protocol).length;
    expect([byProtocol('tcp'), byProtocol('udp'), byProtocol(null), byProtocol('sctp'), byProtocol('dccp')]).toEqual([6_593, 6_351, 1_464, 93, 11]);
    expect(Math.max(...records.map((record) => record.ports?.end ?? 0))).toBe(49_151);
    expect(registry.updated).toBe('2026-04-09');
  });

  it('has 7775/tcp assigned inside the Unassigned range 7748-7776, and 7997/tcp inside 7983-7997', () => {
    expect(registry.stateOf('tcp', 7775)).toBe('assigned');
    expect(registry.lookup('tcp', 7775).map((entry) => [entry.state, entry.names])).toEqual([['assigned', ['inetfs']], ['unassigned', []]]);
    // Its udp side has its own Reserved row, which outranks the range.
    expect(registry.lookup('udp', 7775).map((entry) => entry.state)).toEqual(['reserved', 'unassigned']);
    expect(registry.stateOf('udp', 7776)).toBe('unassigned');
    expect(registry.stateOf('tcp', 7997)).toBe('assigned');
  });

  it('has gaps: 716/tcp and 2376/udp are unknown (17 tcp and 19 udp ports have no row)', () => {
    expect(registry.stateOf('tcp', 716)).toBe('unknown');
    expect(registry.stateOf('udp', 2376)).toBe('unknown');
    const gaps = (protocol: 'tcp' | 'udp') => {
      let count = 0;
      for (let port = 0; port <= 49_151; port += 1) if (registry.stateOf(protocol, port) === 'unknown') count += 1;
      return count;
    };
    expect([gaps('tcp'), gaps('udp')]).toEqual([17, 19]);
  });

  it('reserves the range edges 0, 1023, 1024 and 49151 for every transport', () => {
    for (const protocol of ['tcp', 'udp'] as const) {
      for (const port of [0, 1023, 1024, 49_151]) expect(registry.stateOf(protocol, port), `${port}/${protocol}`).toBe('reserved');
    }
    expect(registry.stateOf('sctp', 49_151)).toBe('reserved');
  });

  it('splits 11434: tcp assigned to ollama, udp reserved', () => {
    expect(registry.stateOf('tcp', 11_434)).toBe('assigned');
    expect(registry.lookup('tcp', 11_434)[0]?.names).toEqual(['ollama']);
    expect(registry.stateOf('udp', 11_434)).toBe('reserved');
  });

  it('leaves the Dynamic range without rows', () => {
    for (const protocol of PROTOCOLS) expect(registry.stateOf(protocol, 49_152)).toBe('unknown');
  });

  it('counts 42,441 IANA-unassigned tcp User ports (notes §5); 2825 "(unassigned) Possibly assigned" is not one', () => {
    let pool = 0;
    for (let port = 1024; port <= 49_151; port += 1) if (registry.stateOf('tcp', port) === 'unassigned') pool += 1;
    expect(pool).toBe(42_441);
    expect(registry.stateOf('tcp', 2825)).toBe('assigned');
    expect(registry.lookup('tcp', 2825)[0]?.description).toBe('(unassigned) Possibly assigned');
  });

  it('keeps several names per port and the legacy names', () => {
    expect(registry.lookup('tcp', 80).flatMap((entry) => entry.names)).toEqual(['http', 'www', 'www-http']);
    expect(registry.byName('whois++').map((entry) => `${entry.port}/${entry.protocol}`)).toEqual(['63/tcp', '63/udp']);
    expect(registry.byName('x11')).toHaveLength(128);
  });

  it('marks single unauthorized-use ports named inside ranges', () => {
    const marked = (port: number) => registry.lookup('tcp', port).some((entry) => entry.extra.unauthorizedUse !== undefined);
    expect([11_487, 11_488, 4_489, 4_490, 4_491, 4_492, 6_002, 6_003].map(marked)).toEqual([false, true, false, true, true, false, false, true]);
  });
});
