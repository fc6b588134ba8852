import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { PortSpecError } from '../../../src/errors/port-spec-error.js';
import { SourceUnavailableError } from '../../../src/errors/source-unavailable-error.js';
import { EntryIndex } from '../../../src/registry/entry-index.js';
import type { RegistryEntry } from '../../../src/registry/types.js';
import { normalisePortList, parsePortRanges, parsePortSpec, portBits, portsFromBits, PortSet, topPortsFromNmap } from '../../../src/scan/ports.js';

const list = (spec: string): number[] => [...parsePortSpec(spec)];
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);

describe('parsePortSpec', () => {
  it('parses lists and ranges, merges duplicates, sorts', () => {
    expect(list('22,80,8000-8005')).toEqual([22, 80, ...range(8000, 8005)]);
    expect(list('443, 22 ,22,20-23')).toEqual([20, 21, 22, 23, 443]);
    expect(list('T:22,80')).toEqual([22, 80]);
    expect(list('t:22')).toEqual([22]);
  });

  it('merges random overlapping, touching and nested ranges exactly as a set of ports would', () => {
    let seed = 2024;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 200; round += 1) {
      const items: string[] = [];
      const expected = new Set<number>();
      for (let i = 0, n = 1 + next(6); i < n; i += 1) {
        const low = 1 + next(round % 2 ? 65535 : 60);
        const high = Math.min(65535, low + next(round % 3 ? 40 : 3000));
        items.push(low === high && next(2) ? `${low}` : `${low}-${high}`);
        for (let p = low; p <= high; p += 1) expected.add(p);
      }
      expect(list(items.join(','))).toEqual([...expected].sort((a, b) => a - b));
    }
  });

  it('supports nmap open ends and `-` for all ports', () => {
    expect(list('-').length).toBe(65535);
    expect(list('-')[0]).toBe(1);
    expect(list('-5')).toEqual([1, 2, 3, 4, 5]);
    expect(list('65530-')).toEqual(range(65530, 65535));
  });

  const bad: Array<[string, RegExp]> = [
    ['0', /^Expected a port from 1 to 65535, got `0`$/],
    ['70000', /^Expected a port from 1 to 65535, got `70000`$/],
    ['0-10', /got `0` in `0-10`/],
    ['90-80', /first port is not above its last, got `90-80`/],
    ['http', /got `http`/],
    ['22,,80', /empty item/],
    ['', /empty string/],
    ['U:53', /TCP ports.*`U:` prefix/],
    ['1-2-3', /range like/],
    ['22.5', /got `22\.5`/],
  ];
  it.each(bad)('rejects %j', (spec, message) => {
    expect(() => parsePortSpec(spec)).toThrow(PortSpecError);
    expect(() => parsePortSpec(spec)).toThrow(message);
  });

  it('converts to and from the 8192-byte port bitmap', () => {
    const ports = parsePortSpec('1,7,8,80,65535');
    const bits = portBits(ports);
    expect(bits.length).toBe(8192);
    expect(bits[0]).toBe(0b1000_0010);
    expect(bits[1]).toBe(0b0000_0001);
    expect(bits[8191]).toBe(0b1000_0000);
    expect([...portsFromBits(bits)]).toEqual([...ports]);
  });

  it('sets runs of ports in the bitmap exactly as port by port (run edges inside and across bytes)', () => {
    const bitByBit = (ports: readonly number[]): Uint8Array => {
      const bits = new Uint8Array(8192);
      for (const p of ports) bits[p >> 3] = (bits[p >> 3] as number) | (1 << (p & 7));
      return bits;
    };
    const specs = ['-', '1-7', '8-15', '7-8', '1-8', '9-23', '15-17', '100-107,108-300', '65528-65535', '65535', '3-5,7,9-40000,40002'];
    for (const spec of specs) {
      const ports = parsePortSpec(spec);
      expect(portBits(ports)).toEqual(bitByBit([...ports]));
    }
  });

  it('validates port lists', () => {
    expect([...normalisePortList([80, 22, 80])]).toEqual([22, 80]);
    expect(() => normalisePortList([0])).toThrow('Expected a port from 1 to 65535, got `0` (number)');
    expect(() => normalisePortList([1.5])).toThrow(PortSpecError);
    expect(() => normalisePortList([])).toThrow(PortSpecError);
  });
});

describe('PortSet', () => {
  const specs = ['-', '22,80,443', '1-7,9,4000-4100,65535', '443,22,22', '8-15,1-7', '100-107,108-300', '3-5,7,9-40000,40002', '65535', 'T:1,2'];

  it('made from a spec or from its ports, holds the same list, bitmap and canonical list', () => {
    for (const spec of specs) {
      const ports = parsePortSpec(spec);
      const fromSpec = PortSet.ofSpec(spec);
      const fromPorts = PortSet.ofPorts([...ports].reverse());
      expect([...fromSpec.list], spec).toEqual([...ports]);
      expect([...fromPorts.list], spec).toEqual([...ports]);
      expect(fromSpec.bits, spec).toEqual(portBits(ports));
      expect(fromPorts.bits, spec).toEqual(fromSpec.bits);
      expect(fromPorts.canonical, spec).toBe(fromSpec.canonical);
      expect(fromSpec.ranges, spec).toEqual(parsePortRanges(spec));
    }
  });

  it('merges overlapping and touching ranges, and writes every port as `-`', () => {
    expect(parsePortRanges('8-15,1-7,20,19,30-40,35-36')).toEqual([
      { first: 1, last: 15 },
      { first: 19, last: 20 },
      { first: 30, last: 40 },
    ]);
    expect(PortSet.ofSpec('22,23,80,8000-8002').canonical).toBe('22-23,80,8000-8002');
    expect(PortSet.ofSpec('1-100,50-65535').canonical).toBe('-');
    expect(PortSet.ofSpec('2-65535').canonical).toBe('2-65535');
  });

  it('refuses what parsePortSpec and normalisePortList refuse, with their errors', () => {
    expect(() => PortSet.ofSpec('0')).toThrow(PortSpecError);
    expect(() => PortSet.ofSpec('90-80')).toThrow(/not above its last/);
    expect(() => PortSet.ofPorts([0])).toThrow('Expected a port from 1 to 65535, got `0` (number)');
    expect(() => PortSet.ofPorts([])).toThrow(PortSpecError);
    expect(() => PortSet.ofPorts([1.5])).toThrow(PortSpecError);
  });
});

describe('topPortsFromNmap', () => {
  const entry = (port: number, protocol: 'tcp' | 'udp', frequency: number): RegistryEntry => ({
    port,
    protocol,
    state: 'assigned',
    names: ['svc'],
    description: '',
    source: 'nmap',
    extra: { nmapFrequency: frequency },
  });
  const index = new EntryIndex('nmap', [
    entry(80, 'tcp', 0.48),
    entry(23, 'tcp', 0.22),
    entry(443, 'tcp', 0.2),
    entry(53, 'udp', 0.9),
    entry(21, 'tcp', 0.2),
    entry(9, 'tcp', 0),
  ]);

  it('takes the most frequent TCP ports (ties by port number) and returns them ascending', () => {
    expect([...topPortsFromNmap(index, 1)]).toEqual([80]);
    expect([...topPortsFromNmap(index, 3)]).toEqual([21, 23, 80]);
    expect([...topPortsFromNmap(index, 5)]).toEqual([9, 21, 23, 80, 443]);
  });

  it('says how to fix a missing nmap-services', () => {
    expect(() => topPortsFromNmap(null, 10)).toThrow(SourceUnavailableError);
    expect(() => topPortsFromNmap(null, 10)).toThrow(/portpick update/);
  });

  it('rejects counts out of range', () => {
    expect(() => topPortsFromNmap(index, 0)).toThrow(InvalidArgumentError);
    expect(() => topPortsFromNmap(index, 6)).toThrow(/at most 5.*got `6`/);
  });
});
