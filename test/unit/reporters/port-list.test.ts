import { describe, expect, it } from 'vitest';
import { countPorts, parsePortList } from '../../../src/scan/reporters/port-list.js';
import { PortSet } from '../../../src/scan/ports.js';

describe('canonical port lists (ScanMeta.ports)', () => {
  it('formats ascending ports as ranges and reads them back', () => {
    const ports = [22, 23, 80, 443, 8000, 8001, 8002];
    const text = PortSet.ofPorts(ports).canonical;
    expect(text).toBe('22-23,80,443,8000-8002');
    expect(countPorts(text)).toBe(ports.length);
    expect(parsePortList(text).flatMap((r) => Array.from({ length: r.last - r.first + 1 }, (_, k) => r.first + k))).toEqual(ports);
  });

  it('writes every port as `-` and counts it', () => {
    const all = Uint16Array.from({ length: 65535 }, (_, k) => k + 1);
    expect(PortSet.ofPorts(all).canonical).toBe('-');
    expect(PortSet.ofSpec('1-100,101-65535').canonical).toBe('-');
    expect(countPorts('-')).toBe(65535);
  });

  it('rejects unsorted, overlapping or out-of-range lists instead of guessing', () => {
    for (const bad of ['80,22', '22-30,25', '0', '70000', '90-80', '', 'http', '22,']) expect(() => parsePortList(bad), bad).toThrow(/canonical form/);
  });
});
