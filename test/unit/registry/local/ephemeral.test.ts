import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_EPHEMERAL_RANGES,
  ephemeralRanges,
  parseLinuxPortRange,
  parseNetshDynamicPort,
  parseNetshExcludedRanges,
  parseSysctlPortRange,
} from '../../../../src/registry/ephemeral.js';

describe('ephemeral range parsers', () => {
  it('reads the Linux proc file and rejects nonsense', () => {
    expect(parseLinuxPortRange('32768\t60999\n')).toEqual({ start: 32768, end: 60999 });
    expect(parseLinuxPortRange('60999 32768')).toBeNull();
    expect(parseLinuxPortRange('')).toBeNull();
  });

  it('reads sysctl output', () => {
    expect(parseSysctlPortRange('49152\n65535\n')).toEqual({ start: 49152, end: 65535 });
    expect(parseSysctlPortRange('sysctl: unknown oid')).toBeNull();
  });

  it('reads netsh dynamicport output, in English or not', () => {
    const english = '\r\nProtocol tcp Dynamic Port Range\r\n---------------------------------\r\nStart Port      : 49152\r\nNumber of Ports : 16384\r\n';
    const german = '\r\nProtokoll tcp Dynamischer Portbereich\r\n---------------------------------\r\nStartport       : 10000\r\nAnzahl der Ports : 1000\r\n';
    expect(parseNetshDynamicPort(english)).toEqual({ start: 49152, end: 65535 });
    expect(parseNetshDynamicPort(german)).toEqual({ start: 10000, end: 10999 });
    expect(parseNetshDynamicPort('nothing here')).toBeNull();
  });

  it('reads netsh excluded port ranges, administered ones marked', () => {
    const text = [
      '',
      'Protocol tcp Port Exclusion Ranges',
      '',
      'Start Port    End Port',
      '----------    --------',
      '      5357        5357',
      '     50000       50059     *',
      '     50060       50159',
      '',
      '* - Administered port exclusions.',
      '',
    ].join('\r\n');
    expect(parseNetshExcludedRanges(text)).toEqual([
      { start: 5357, end: 5357, administered: false },
      { start: 50000, end: 50059, administered: true },
      { start: 50060, end: 50159, administered: false },
    ]);
  });
});

describe('ephemeralRanges', () => {
  it('puts this machine’s range first, then every OS default', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portpick-eph-'));
    try {
      const file = join(dir, 'ip_local_port_range');
      await writeFile(file, '40000\t50000\n');
      const ranges = await ephemeralRanges({ platform: 'linux', linuxRangeFile: file });
      expect(ranges[0]).toEqual({ os: 'this machine', start: 40000, end: 50000, source: file });
      expect(ranges.slice(1)).toEqual(DEFAULT_EPHEMERAL_RANGES);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has the documented defaults', () => {
    expect(DEFAULT_EPHEMERAL_RANGES).toEqual([
      { os: 'linux', start: 32768, end: 60999, source: 'default' },
      { os: 'windows', start: 49152, end: 65535, source: 'default' },
      { os: 'macos', start: 49152, end: 65535, source: 'default' },
      { os: 'freebsd', start: 10000, end: 65535, source: 'default' },
    ]);
  });

  it('falls back to the defaults alone when the machine’s range cannot be read', async () => {
    const ranges = await ephemeralRanges({ platform: 'linux', linuxRangeFile: '/nonexistent/ip_local_port_range' });
    expect(ranges).toEqual(DEFAULT_EPHEMERAL_RANGES);
  });

  it('asks netsh on Windows and sysctl on macOS', async () => {
    const calls: string[] = [];
    const run = async (file: string, args: readonly string[]) => {
      calls.push([file, ...args].join(' '));
      return { stdout: file === 'netsh' ? 'Start Port : 50000\nNumber of Ports : 100\n' : '49152\n65535\n', exitCode: 0 };
    };
    expect((await ephemeralRanges({ platform: 'win32', run }))[0]).toMatchObject({ os: 'this machine', start: 50000, end: 50099 });
    expect((await ephemeralRanges({ platform: 'darwin', run }))[0]).toMatchObject({ os: 'this machine', start: 49152, end: 65535 });
    expect(calls).toEqual(['netsh int ipv4 show dynamicport tcp', 'sysctl -n net.inet.ip.portrange.first net.inet.ip.portrange.last']);
  });

  it.skipIf(process.platform !== 'linux')('reads this Linux machine’s range', async () => {
    const ranges = await ephemeralRanges();
    expect(ranges[0]?.os).toBe('this machine');
    expect(ranges[0]?.source).toBe('/proc/sys/net/ipv4/ip_local_port_range');
  });
});
