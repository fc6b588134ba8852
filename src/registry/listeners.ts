/**
 * Sockets listening on this machine now, as the `listeners` source: Linux reads
 * procfs; macOS and the BSDs run lsof; Windows runs netstat -ano (and tasklist
 * for process names). When the OS will not tell, the index is null and the
 * status says the check was not made.
 */
import { EntryIndex } from './entry-index.js';
import { readLinuxListeners } from './listeners-linux.js';
import { parseLsof, parseNetstat, parseTasklist } from './listeners-netstat.js';
import { runCommand, type CommandRunner } from './run-command.js';
import type { SourceLoadResult } from './source-result.js';
import type { OwningProcess, RegistryEntry } from './types.js';

/** One listening socket: TCP in LISTEN, or a bound, unconnected UDP socket. */
export interface ListeningSocket {
  protocol: 'tcp' | 'udp';
  /** The bound address as the OS prints it: `0.0.0.0`, `::`, `127.0.0.1`, `fe80::1%7` … */
  address: string;
  port: number;
  /** The owner, when the OS tells (command is '' when only the PID is known). */
  process?: OwningProcess;
}

export function listenersToIndex(sockets: readonly ListeningSocket[]): EntryIndex {
  const index = new EntryIndex('listeners');
  for (const socket of sockets) {
    const owner = socket.process ? ` (pid ${socket.process.pid}${socket.process.command ? ` ${socket.process.command}` : ''})` : '';
    const entry: RegistryEntry = {
      port: socket.port,
      protocol: socket.protocol,
      state: 'assigned',
      names: [],
      description: `listening on ${socket.address}${owner}`,
      source: 'listeners',
      extra: { address: socket.address },
    };
    if (socket.process) entry.extra.process = socket.process;
    index.add(entry);
  }
  return index;
}

export interface LoadListenersOptions {
  platform?: NodeJS.Platform;
  run?: CommandRunner;
  /** Linux only: procfs mount point. */
  procRoot?: string;
}

/** Loads this machine's listening sockets. Never throws for an OS that will not tell: the status says so. */
export async function loadListeners(options: LoadListenersOptions = {}): Promise<SourceLoadResult> {
  const platform = options.platform ?? process.platform;
  const run = options.run ?? runCommand;
  const unavailable = (origin: string, why: string): SourceLoadResult => ({
    index: null,
    status: { id: 'listeners', available: false, origin, entries: 0, note: `${why}: local listeners were NOT checked` },
  });
  if (platform === 'linux' || platform === 'android') {
    const result = await readLinuxListeners(options.procRoot === undefined ? {} : { procRoot: options.procRoot });
    if (result.unreadable.length === 4) return unavailable('/proc/net', 'cannot read /proc/net/{tcp,tcp6,udp,udp6}');
    const notes: string[] = [];
    if (result.unreadable.length > 0) notes.push(`unreadable: ${result.unreadable.join(', ')}`);
    if (result.withoutOwner > 0) notes.push(`owner of ${result.withoutOwner} socket(s) not visible to this user`);
    return ready('/proc/net', result.sockets, notes);
  }
  if (platform === 'win32') {
    let netstat: { stdout: string; exitCode: number };
    try {
      netstat = await run('netstat', ['-ano']);
    } catch (error) {
      return unavailable('netstat -ano', `netstat could not run (${describeError(error)})`);
    }
    let commands = new Map<number, string>();
    const notes: string[] = [];
    try {
      commands = parseTasklist((await run('tasklist', ['/fo', 'csv', '/nh'])).stdout);
    } catch (error) {
      notes.push(`tasklist could not run (${describeError(error)}): process names unknown`);
    }
    return ready('netstat -ano', parseNetstat(netstat.stdout, commands), notes);
  }
  // macOS and the BSDs: lsof. It exits 1 with no output when nothing matches.
  try {
    const tcp = await run('lsof', ['-nP', '-iTCP', '-sTCP:LISTEN']);
    const udp = await run('lsof', ['-nP', '-iUDP']);
    const notes = typeof process.getuid === 'function' && process.getuid() !== 0 ? ["lsof shows only this user's processes unless run as root"] : [];
    return ready('lsof', [...parseLsof(tcp.stdout), ...parseLsof(udp.stdout)], notes);
  } catch (error) {
    return unavailable('lsof', `lsof could not run (${describeError(error)})`);
  }
}

function ready(origin: string, sockets: ListeningSocket[], notes: string[]): SourceLoadResult {
  const index = listenersToIndex(sockets);
  return {
    index,
    status: {
      id: 'listeners',
      available: true,
      origin,
      entries: index.size,
      updated: new Date().toISOString(),
      ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
    },
  };
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : String(error);
}
