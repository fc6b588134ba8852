import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PortSpecError } from '../../../src/errors/index.js';
import { compressRanges, freePorts, toRanges } from '../../../src/pick/free.js';
import { FakeIana } from './fake-sources.js';

const iana = new FakeIana([
  { port: [100, 120], state: 'unassigned' },
  { port: 105, protocol: 'tcp', state: 'assigned', names: ['inside'] }, // an assignment inside an Unassigned range wins
  { port: 110, state: 'reserved' },
  { port: 115, protocol: 'udp', state: 'assigned', names: ['udponly'] },
  // 121-125: no row at all (unknown)
]);

describe('freePorts', () => {
  it('lists exactly the unassigned ports and counts every state', () => {
    const result = freePorts({ iana }, { start: 100, end: 125, protocol: 'tcp' });
    const expected = [];
    for (let p = 100; p <= 120; p += 1) if (p !== 105 && p !== 110) expected.push(p);
    expect(result.ports).toEqual(expected);
    expect(result.counted).toEqual({ unassigned: 19, assigned: 1, reserved: 1, unknown: 5 });
    const total = Object.values(result.counted).reduce((a, b) => a + b, 0);
    expect(total).toBe(26);
  });

  it('judges each protocol separately', () => {
    const udp = freePorts({ iana }, { start: 105, end: 115, protocol: 'udp' });
    expect(udp.ports).toContain(105);
    expect(udp.ports).not.toContain(115);
  });

  it('never treats unknown as free', () => {
    expect(freePorts({ iana }, { start: 121, end: 125, protocol: 'tcp' }).ports).toEqual([]);
  });

  it('accepts port 0 in the range and validates input', () => {
    expect(freePorts({ iana }, { start: 0, end: 0, protocol: 'tcp' }).counted.unknown).toBe(1);
    expect(() => freePorts({ iana }, { start: 10, end: 5, protocol: 'tcp' })).toThrow(PortSpecError);
    expect(() => freePorts({ iana }, { start: 1, end: 70000, protocol: 'tcp' })).toThrow('got `70000`');
    expect(() => freePorts({ iana }, { start: 1, end: 5, protocol: 'icmp' as never })).toThrow(InvalidArgumentError);
  });
});

describe('compressRanges', () => {
  it('renders runs compactly', () => {
    expect(compressRanges([1, 2, 3, 7])).toBe('1-3,7');
    expect(compressRanges([7, 3, 2, 1, 2])).toBe('1-3,7');
    expect(compressRanges([5])).toBe('5');
    expect(compressRanges([])).toBe('');
    expect(compressRanges([1, 3, 5, 6])).toBe('1,3,5-6');
  });

  it('round-trips through toRanges', () => {
    const ports = [0, 1, 2, 10, 11, 65535];
    const expanded = toRanges(ports).flatMap((r) => Array.from({ length: r.end - r.start + 1 }, (_, i) => r.start + i));
    expect(expanded).toEqual(ports);
  });
});
