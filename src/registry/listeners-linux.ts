/**
 * Linux: sockets listening now, from /proc/net/{tcp,tcp6,udp,udp6}, with their
 * owning processes found through /proc/PID/fd symlinks (`socket:[inode]`) and
 * /proc/PID/comm. Processes of other users are invisible without privilege:
 * their sockets are still listed, without an owner.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { readFile, readdir, readlink } from 'node:fs/promises';
import { endianness } from 'node:os';
import path from 'node:path';
import type { ListeningSocket } from './listeners.js';
import { formatIPv4, formatIPv6, readIPv6Bytes } from '../scan/addresses.js';

/** One row of /proc/net/{tcp,udp}[6]. */
export interface ProcNetSocket {
  address: string;
  port: number;
  remoteAddress: string;
  remotePort: number;
  /** Kernel state, two hex digits (`0A` = TCP LISTEN, `07` = TCP_CLOSE, the state of an unconnected UDP socket). */
  state: string;
  inode: number;
}

const TCP_LISTEN = '0A';

/**
 * Parses one /proc/net file. `littleEndian` is the kernel's byte order (the
 * addresses are printed as native 32-bit words); it defaults to this machine's.
 */
export function parseProcNet(text: string, littleEndian: boolean = endianness() === 'LE'): ProcNetSocket[] {
  const sockets: ProcNetSocket[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    if (fields.length < 10 || !/^\d+:$/.test(fields[0] as string)) continue;
    const local = splitEndpoint(fields[1] as string, littleEndian);
    const remote = splitEndpoint(fields[2] as string, littleEndian);
    if (local === null || remote === null) continue;
    sockets.push({
      address: local.address,
      port: local.port,
      remoteAddress: remote.address,
      remotePort: remote.port,
      state: (fields[3] as string).toUpperCase(),
      inode: Number(fields[9]),
    });
  }
  return sockets;
}

function splitEndpoint(text: string, littleEndian: boolean): { address: string; port: number } | null {
  const colon = text.indexOf(':');
  if (colon === -1) return null;
  const hex = text.slice(0, colon);
  const port = Number.parseInt(text.slice(colon + 1), 16);
  if (!/^[0-9A-Fa-f]+$/.test(hex) || !Number.isFinite(port)) return null;
  if (hex.length === 8) return { address: formatIPv4(wordBytes(hex, littleEndian).reduce((value, byte) => value * 256 + byte, 0)), port };
  if (hex.length === 32) {
    const bytes: number[] = [];
    for (let word = 0; word < 4; word += 1) bytes.push(...wordBytes(hex.slice(word * 8, word * 8 + 8), littleEndian));
    return { address: formatIpv6(bytes), port };
  }
  return null;
}

/** The four bytes in memory order of a 32-bit word printed with %08X. */
function wordBytes(hex8: string, littleEndian: boolean): number[] {
  const bytes = [0, 2, 4, 6].map((at) => Number.parseInt(hex8.slice(at, at + 2), 16));
  return littleEndian ? bytes.reverse() : bytes;
}

/** RFC 5952 text (lowercase, longest zero run as `::`, IPv4-mapped as `::ffff:a.b.c.d`), shared with the scanner. */
export function formatIpv6(bytes: readonly number[]): string {
  return formatIPv6(readIPv6Bytes(Uint8Array.from(bytes), 0));
}

/** TCP sockets in LISTEN; UDP sockets bound and not connected (what `ss -l` shows). */
export function isListening(socket: ProcNetSocket, protocol: 'tcp' | 'udp'): boolean {
  if (protocol === 'tcp') return socket.state === TCP_LISTEN;
  return socket.remotePort === 0 && /^(0\.0\.0\.0|::)$/.test(socket.remoteAddress);
}

export interface LinuxReadOptions {
  /** Mount point of procfs (tests may point it at a fixture tree). */
  procRoot?: string;
  /**
   * Find each socket's owner now (default true). False leaves owners out and
   * keeps every socket's inode, for a later {@link socketOwnersSync} on just the
   * sockets someone asks about: the search reads every process's fd table.
   */
  owners?: boolean;
}

export interface LinuxListenersResult {
  sockets: ListeningSocket[];
  /** /proc/net files that could not be read (e.g. no IPv6 in the kernel). */
  unreadable: string[];
  /** Sockets whose owner could not be seen (another user's process); 0 when owners were not looked up. */
  withoutOwner: number;
}

/** Reads the listening sockets of this machine (its network namespace) from procfs. */
export async function readLinuxListeners(options: LinuxReadOptions = {}): Promise<LinuxListenersResult> {
  const procRoot = options.procRoot ?? '/proc';
  const found: { protocol: 'tcp' | 'udp'; socket: ProcNetSocket }[] = [];
  const unreadable: string[] = [];
  for (const [name, protocol] of [
    ['tcp', 'tcp'],
    ['tcp6', 'tcp'],
    ['udp', 'udp'],
    ['udp6', 'udp'],
  ] as const) {
    const file = path.join(procRoot, 'net', name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8'); // /proc text, a few KB: see locate.ts on synchronous reads
    } catch {
      unreadable.push(file);
      continue;
    }
    for (const socket of parseProcNet(text)) {
      if (isListening(socket, protocol)) found.push({ protocol, socket });
    }
  }
  if (options.owners === false) {
    const sockets = found.map(({ protocol, socket }): ListeningSocket => ({
      protocol,
      address: socket.address,
      port: socket.port,
      ...(socket.inode === 0 ? {} : { inode: socket.inode }),
    }));
    return { sockets, unreadable, withoutOwner: 0 };
  }
  const owners = await socketOwners(
    procRoot,
    new Set(found.map(({ socket }) => socket.inode).filter((inode) => inode !== 0)),
  );
  let withoutOwner = 0;
  const seen = new Set<string>();
  const sockets: ListeningSocket[] = [];
  for (const { protocol, socket } of found) {
    const owner = owners.get(socket.inode);
    const key = `${protocol}|${socket.address}|${socket.port}|${owner?.pid ?? `inode ${socket.inode}`}`;
    if (seen.has(key)) continue; // SO_REUSEPORT groups: one line per owner is enough
    seen.add(key);
    if (owner === undefined) withoutOwner += 1;
    sockets.push({ protocol, address: socket.address, port: socket.port, ...(owner ? { process: owner } : {}) });
  }
  return { sockets, unreadable, withoutOwner };
}

/** inode → owning process, for the inodes asked about, from every /proc/PID/fd this user may read. */
async function socketOwners(procRoot: string, inodes: ReadonlySet<number>): Promise<Map<number, { pid: number; command: string }>> {
  const owners = new Map<number, { pid: number; command: string }>();
  if (inodes.size === 0) return owners;
  let entries: string[];
  try {
    entries = await readdir(procRoot);
  } catch {
    return owners;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    const fdDir = path.join(procRoot, entry, 'fd');
    let fds: string[];
    try {
      fds = await readdir(fdDir);
    } catch {
      continue; // another user's process, or it exited
    }
    const targets = await Promise.all(fds.map((fd) => readlink(path.join(fdDir, fd)).catch(() => '')));
    const owned = targets
      .map((target) => /^socket:\[(\d+)\]$/.exec(target))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .filter((inode) => inodes.has(inode) && !owners.has(inode));
    if (owned.length === 0) continue;
    const command = (await readFile(path.join(procRoot, entry, 'comm'), 'utf8').catch(() => '')).trim();
    for (const inode of owned) owners.set(inode, { pid, command });
  }
  return owners;
}

/**
 * The same search as the asynchronous one, synchronously, for a few inodes: it
 * stops as soon as every inode has an owner. Used when a lookup asks about a
 * port that something listens on (see ListenerIndex in listeners.ts).
 */
export function socketOwnersSync(procRoot: string, inodes: ReadonlySet<number>): Map<number, { pid: number; command: string }> {
  const owners = new Map<number, { pid: number; command: string }>();
  if (inodes.size === 0) return owners;
  let entries: string[];
  try {
    entries = readdirSync(procRoot);
  } catch {
    return owners;
  }
  for (const entry of entries) {
    if (owners.size === inodes.size) break;
    if (!/^\d+$/.test(entry)) continue;
    const fdDir = path.join(procRoot, entry, 'fd');
    let fds: string[];
    try {
      fds = readdirSync(fdDir);
    } catch {
      continue; // another user's process, or it exited
    }
    const owned: number[] = [];
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(path.join(fdDir, fd));
      } catch {
        continue;
      }
      const match = /^socket:\[(\d+)\]$/.exec(target);
      const inode = match === null ? 0 : Number(match[1]);
      if (inodes.has(inode) && !owners.has(inode)) owned.push(inode);
    }
    if (owned.length === 0) continue;
    let command = '';
    try {
      command = readFileSync(path.join(procRoot, entry, 'comm'), 'utf8').trim();
    } catch {
      command = '';
    }
    const pid = Number(entry);
    for (const inode of owned) owners.set(inode, { pid, command });
  }
  return owners;
}
