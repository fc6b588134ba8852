import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNetshExcludedRanges } from '../../../src/registry/ephemeral.js';
import { loadOsReservedPorts, parseLinuxReservedPorts } from '../../../src/registry/os-reserved-ports.js';
import { repoRoot } from '../../helpers/registry-files.js';

const platformFixture = (name: string): string => readFileSync(join(repoRoot, 'test', 'fixtures', 'platform', name), 'utf8');

describe('parseLinuxReservedPorts', () => {
  it('reads ports and ranges, and an empty list', () => {
    expect(parseLinuxReservedPorts('8080,9000-9010\n')).toEqual([
      { start: 8080, end: 8080 },
      { start: 9000, end: 9010 },
    ]);
    expect(parseLinuxReservedPorts('\n')).toEqual([]);
  });

  it('refuses text that is not such a list', () => {
    expect(parseLinuxReservedPorts('8080;9000')).toBeNull();
    expect(parseLinuxReservedPorts('9010-9000')).toBeNull();
    expect(parseLinuxReservedPorts('70000')).toBeNull();
  });
});

describe('netsh excluded port ranges, from captured output', () => {
  it('reads the TCP list with trailing spaces and an administered exclusion', () => {
    expect(parseNetshExcludedRanges(platformFixture('netsh-excludedportrange-tcp.txt'))).toEqual([
      { start: 80, end: 80, administered: false },
      { start: 5986, end: 5986, administered: false },
      { start: 47001, end: 47001, administered: false },
      { start: 55679, end: 55679, administered: true },
      { start: 56638, end: 56737, administered: false },
    ]);
  });

  it('reads a localised (Spanish) output', () => {
    const ranges = parseNetshExcludedRanges(platformFixture('netsh-excludedportrange-tcp-es.txt'));
    expect(ranges.map((range) => `${range.start}-${range.end}`)).toEqual(['1025-1124', '5357-5357', '25313-25412', '50000-50059']);
  });
});

describe('loadOsReservedPorts', () => {
  it('reads this Linux machine’s list from the sysctl file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'portpick-reserved-'));
    try {
      const file = join(dir, 'ip_local_reserved_ports');
      await writeFile(file, '7000-7002\n');
      const { reserved, status } = await loadOsReservedPorts({ platform: 'linux', linuxReservedFile: file });
      expect(reserved).toEqual({ linux: { ranges: [{ start: 7000, end: 7002 }], origin: file }, windows: null });
      expect(status).toMatchObject({ id: 'os-reserved', available: true, entries: 1, note: '7000-7002' });
      const missing = await loadOsReservedPorts({ platform: 'linux', linuxReservedFile: join(dir, 'absent') });
      expect(missing.reserved).toBeNull();
      expect(missing.status.note).toMatch(/NOT checked/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('asks netsh for TCP and UDP on Windows', async () => {
    const calls: string[] = [];
    const { reserved, status } = await loadOsReservedPorts({
      platform: 'win32',
      run: async (file, args) => {
        calls.push([file, ...args].join(' '));
        const protocol = args.at(-1) === 'protocol=udp' ? 'udp' : 'tcp';
        return { stdout: platformFixture(`netsh-excludedportrange-${protocol}.txt`), exitCode: 0 };
      },
    });
    expect(calls.sort()).toEqual([
      'netsh int ipv4 show excludedportrange protocol=tcp',
      'netsh int ipv4 show excludedportrange protocol=udp',
    ]);
    expect(reserved?.windows?.tcp).toHaveLength(5);
    expect(reserved?.windows?.udp).toEqual([
      { start: 56030, end: 56129, administered: false },
      { start: 56130, end: 56229, administered: false },
    ]);
    expect(status.available).toBe(true);
  });

  it('says so when netsh fails or the OS has no list portpick reads', async () => {
    const failed = await loadOsReservedPorts({ platform: 'win32', run: async () => ({ stdout: '', exitCode: 1 }) });
    expect(failed.reserved).toBeNull();
    expect(failed.status.note).toMatch(/NOT checked/);
    const mac = await loadOsReservedPorts({ platform: 'darwin' });
    expect(mac.reserved).toBeNull();
    expect(mac.status.note).toMatch(/darwin.*NOT checked/);
  });
});
