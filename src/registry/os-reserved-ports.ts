/**
 * Ports this machine's operating system sets aside, beyond its ephemeral range:
 *
 * - Linux `net.ipv4.ip_local_reserved_ports` (/proc/sys/net/ipv4/ip_local_reserved_ports,
 *   `8080,9000-9010`): an administrator took these out of the ephemeral range,
 *   usually to keep them for a service of this machine. It applies to every
 *   IPv4/IPv6 transport that takes ephemeral ports (TCP, UDP, SCTP, DCCP).
 * - Windows excluded port ranges (`netsh int ipv4 show excludedportrange
 *   protocol=tcp|udp`): blocks that Hyper-V, WinNAT, WSL or Docker reserve (or
 *   an administrator added, marked `*`). Binding a port inside one fails with
 *   "access denied" although nothing listens; the non-administered blocks move
 *   at every boot.
 */
import { readFileSync } from 'node:fs';
import { parseNetshExcludedRanges, type ExcludedPortRange } from './ephemeral.js';
import { runCommand, type CommandRunner } from './run-command.js';
import type { SourceStatus } from './types.js';

export const LINUX_RESERVED_PORTS_FILE = '/proc/sys/net/ipv4/ip_local_reserved_ports';

export interface OsReservedPorts {
  /** Linux ip_local_reserved_ports of this machine (empty when none); null when not Linux or unreadable. */
  linux: { ranges: { start: number; end: number }[]; origin: string } | null;
  /** Windows excluded port ranges of this machine per protocol; null when not Windows or netsh failed. */
  windows: { tcp: ExcludedPortRange[]; udp: ExcludedPortRange[]; origin: string } | null;
}

/**
 * `/proc/sys/net/ipv4/ip_local_reserved_ports`: comma-separated ports and
 * ranges (`8080,9000-9010`), or an empty line. Null when the text is not that.
 */
export function parseLinuxReservedPorts(text: string): { start: number; end: number }[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const ranges: { start: number; end: number }[] = [];
  for (const part of trimmed.split(',')) {
    const match = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (match === null) return null;
    const start = Number(match[1]);
    const end = match[2] === undefined ? start : Number(match[2]);
    if (start < 1 || end > 65535 || start > end) return null;
    ranges.push({ start, end });
  }
  return ranges;
}

export interface OsReservedOptions {
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  /** Linux only: the file to read instead of /proc/sys/net/ipv4/ip_local_reserved_ports. */
  linuxReservedFile?: string;
}

/** Reads this machine's reserved ports. Never throws: what cannot be read is null, and the status says so. */
export async function loadOsReservedPorts(options: OsReservedOptions = {}): Promise<{ reserved: OsReservedPorts | null; status: SourceStatus }> {
  const platform = options.platform ?? process.platform;
  if (platform === 'linux' || platform === 'android') {
    const file = options.linuxReservedFile ?? LINUX_RESERVED_PORTS_FILE;
    let ranges: { start: number; end: number }[] | null = null;
    try {
      ranges = parseLinuxReservedPorts(readFileSync(file, 'utf8'));
    } catch {
      ranges = null;
    }
    if (ranges === null) return unavailable(file, `${file} could not be read: reserved ports of this machine were NOT checked`);
    return {
      reserved: { linux: { ranges, origin: file }, windows: null },
      status: { id: 'os-reserved', available: true, origin: file, entries: ranges.length, note: describeRanges(ranges) },
    };
  }
  if (platform === 'win32') {
    const run = options.run ?? runCommand;
    const origin = 'netsh int ipv4 show excludedportrange';
    try {
      const [tcp, udp] = await Promise.all(
        (['tcp', 'udp'] as const).map(async (protocol) => {
          const result = await run('netsh', ['int', 'ipv4', 'show', 'excludedportrange', `protocol=${protocol}`]);
          if (result.exitCode !== 0) throw new Error(`netsh exited with ${result.exitCode}`);
          return parseNetshExcludedRanges(result.stdout);
        }),
      );
      return {
        reserved: { linux: null, windows: { tcp: tcp ?? [], udp: udp ?? [], origin } },
        status: {
          id: 'os-reserved',
          available: true,
          origin,
          entries: (tcp?.length ?? 0) + (udp?.length ?? 0),
          note: `tcp ${describeRanges(tcp ?? [])}; udp ${describeRanges(udp ?? [])}`,
        },
      };
    } catch (error) {
      return unavailable(origin, `${origin} failed (${(error as Error).message}): excluded port ranges of this machine were NOT checked`);
    }
  }
  return unavailable('none', `portpick reads no reserved-port list on ${platform}: reserved ports of this machine were NOT checked`);
}

function unavailable(origin: string, note: string): { reserved: null; status: SourceStatus } {
  return { reserved: null, status: { id: 'os-reserved', available: false, origin, entries: 0, note } };
}

function describeRanges(ranges: readonly { start: number; end: number }[]): string {
  if (ranges.length === 0) return 'none';
  return ranges.map((range) => (range.start === range.end ? String(range.start) : `${range.start}-${range.end}`)).join(',');
}
