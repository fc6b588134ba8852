import { describe, expect, it } from 'vitest';
import { countPorts, formatPortList, parsePortList } from '../../../src/scan/reporters/port-list.js';

describe('canonical port lists (ScanMeta.ports)', () => {
  it('formats ascending ports as ranges and reads them back', () => {
    const ports = [22, 23, 80, 443, 8000, 8001, 8002];
    const text = formatPortList(Uint16Array.from(ports));
    expect(text).toBe('22-23,80,443,8000-8002');
    expect(countPorts(text)).toBe(ports.length);
    expect(parsePortList(text).flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, k) => r.first + k))).toEqual(ports);
  });

  it('writes every port as `-` and counts it', () => {
    const all = Uint16Array.from({ length: 65535 }, (_, k) => k + 1);
    expect(formatPortList(all)).toBe('-');
    expect(countPorts('-')).toBe(65535);
  });

  it('rejects unsorted, overlapping or out-of-range lists instead of guessing', () => {
    expect(() => formatPortList([80, 22])).toThrow(/ascending/);
    expect(() => formatPortList([22, 22])).toThrow(/ascending/);
    for (const bad of ['80,22', '22-30,25', '0', '70000', '90-80', '', 'http', '22,']) expect(() => parsePortList(bad), bad).toThrow(/canonical form/);
  });
});
