/**
 * Ephemeral (dynamic client) port ranges: the range this machine's kernel uses
 * for outgoing connections, when it can be read, then each OS's default. A
 * service default inside one of these ranges can collide with a client socket.
 *
 * Defaults (as shipped):
 * - Linux 32768-60999 (net.ipv4.ip_local_port_range);
 * - Windows 49152-65535 (since Vista; `netsh int ipv4 show dynamicport tcp`);
 * - macOS 49152-65535 (net.inet.ip.portrange.first/last);
 * - FreeBSD 10000-65535 (IPPORT_EPHEMERALFIRST/LAST in netinet/in.h; same sysctls).
 *
 * Also a parser for Windows excluded port ranges (Hyper-V, WSL, Docker reserve
 * them: binding fails there although nothing listens).
 */
import { readFileSync } from 'node:fs';
import { runCommand, type CommandRunner } from './run-command.js';
import type { EphemeralRange, OperatingSystem } from './types.js';

export const DEFAULT_EPHEMERAL_RANGES: readonly EphemeralRange[] = Object.freeze([
  { os: 'linux', start: 32768, end: 60999, source: 'default' },
  { os: 'windows', start: 49152, end: 65535, source: 'default' },
  { os: 'macos', start: 49152, end: 65535, source: 'default' },
  { os: 'freebsd', start: 10000, end: 65535, source: 'default' },
] satisfies EphemeralRange[]);

export const LINUX_PORT_RANGE_FILE = '/proc/sys/net/ipv4/ip_local_port_range';

/** `/proc/sys/net/ipv4/ip_local_port_range` text (`32768\t60999`); null when malformed. */
export function parseLinuxPortRange(text: string): { start: number; end: number } | null {
  const match = /^\s*(\d+)\s+(\d+)\s*$/.exec(text);
  return match === null ? null : checkedRange(Number(match[1]), Number(match[2]));
}

/** `sysctl -n net.inet.ip.portrange.first net.inet.ip.portrange.last` output (two lines). */
export function parseSysctlPortRange(text: string): { start: number; end: number } | null {
  const numbers = text.trim().split(/\s+/);
  if (numbers.length !== 2 || !numbers.every((n) => /^\d+$/.test(n))) return null;
  return checkedRange(Number(numbers[0]), Number(numbers[1]));
}

/**
 * `netsh int ipv4 show dynamicport tcp`:
 *   Start Port      : 49152
 *   Number of Ports : 16384
 * The labels are localised, so the first two `: number` lines are taken as start and count.
 */
export function parseNetshDynamicPort(text: string): { start: number; end: number } | null {
  const numbers = [...text.matchAll(/:\s*(\d+)\s*$/gm)].map((match) => Number(match[1]));
  if (numbers.length < 2) return null;
  const [start, count] = numbers as [number, number];
  return count < 1 ? null : checkedRange(start, start + count - 1);
}

export interface ExcludedPortRange {
  start: number;
  end: number;
  /** Marked `*`: an administered exclusion (added with `netsh … add excludedportrange`). */
  administered: boolean;
}

/**
 * `netsh int ipv4 show excludedportrange protocol=tcp`:
 *   Start Port    End Port
 *   ----------    --------
 *         5357        5357
 *        50000       50059     *
 */
export function parseNetshExcludedRanges(text: string): ExcludedPortRange[] {
  const ranges: ExcludedPortRange[] = [];
  for (const match of text.matchAll(/^\s*(\d+)\s+(\d+)\s*(\*)?\s*$/gm)) {
    const range = checkedRange(Number(match[1]), Number(match[2]));
    if (range !== null) ranges.push({ ...range, administered: match[3] !== undefined });
  }
  return ranges;
}

function checkedRange(start: number, end: number): { start: number; end: number } | null {
  return start >= 1 && end <= 65535 && start <= end ? { start, end } : null;
}

export interface EphemeralOptions {
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  /** Linux only: the file to read instead of /proc/sys/net/ipv4/ip_local_port_range. */
  linuxRangeFile?: string;
}

/** This machine's range first (when readable), then the default of every OS. */
export async function ephemeralRanges(options: EphemeralOptions = {}): Promise<EphemeralRange[]> {
  const own = await thisMachineRange(options);
  return [...(own === null ? [] : [own]), ...DEFAULT_EPHEMERAL_RANGES.map((range) => ({ ...range }))];
}

/** The running kernel's ephemeral range, or null when it cannot be read. */
export async function thisMachineRange(options: EphemeralOptions = {}): Promise<EphemeralRange | null> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  try {
    if (platform === 'linux' || platform === 'android') {
      const file = options.linuxRangeFile ?? LINUX_PORT_RANGE_FILE;
      const range = parseLinuxPortRange(readFileSync(file, 'utf8'));
      return range === null ? null : { os: 'this machine', ...range, source: file };
    }
    if (platform === 'win32') {
      const range = parseNetshDynamicPort((await run('netsh', ['int', 'ipv4', 'show', 'dynamicport', 'tcp'])).stdout);
      return range === null ? null : { os: 'this machine', ...range, source: 'netsh int ipv4 show dynamicport tcp' };
    }
    if (platform === 'darwin' || platform === 'freebsd' || platform === 'openbsd' || platform === 'netbsd') {
      const result = await run('sysctl', ['-n', 'net.inet.ip.portrange.first', 'net.inet.ip.portrange.last']);
      const range = parseSysctlPortRange(result.stdout);
      return range === null ? null : { os: 'this machine', ...range, source: 'sysctl net.inet.ip.portrange.first/last' };
    }
  } catch {
    return null; // unreadable: the OS defaults still apply
  }
  return null;
}

/** The OperatingSystem name portpick uses for a Node platform, if it knows one. */
export function operatingSystemOf(platform: NodeJS.Platform): OperatingSystem | null {
  switch (platform) {
    case 'linux':
      return 'linux';
    case 'win32':
      return 'windows';
    case 'darwin':
      return 'macos';
    case 'freebsd':
      return 'freebsd';
    default:
      return null;
  }
}
