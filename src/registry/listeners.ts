/**
 * Sockets listening on this machine now, as the `listeners` source: Linux reads
 * procfs; macOS and the BSDs run lsof; Windows runs netstat -ano (and tasklist
 * for process names). When the OS will not tell, the index is null and the
 * status says the check was not made.
 */
import { EntryIndex } from './entry-index.js';
import { readLinuxListeners, socketOwnersSync } from './listeners-linux.js';
import { runCommand, type CommandRunner } from './run-command.js';
import type { SourceLoadResult } from './source-result.js';
import type { OwningProcess, Protocol, RegistryEntry } from './types.js';

/** One listening socket: TCP in LISTEN, or a bound, unconnected UDP socket. */
export interface ListeningSocket {
  protocol: 'tcp' | 'udp';
  /** The bound address as the OS prints it: `0.0.0.0`, `::`, `127.0.0.1`, `fe80::1%7` … */
  address: string;
  port: number;
  /** The owner, when the OS tells (command is '' when only the PID is known). */
  process?: OwningProcess;
  /** Linux: the socket's inode, kept when the owner is to be looked up later (see ListenerIndex). */
  inode?: number;
}

export function listenersToIndex(sockets: readonly ListeningSocket[]): EntryIndex {
  const index = new EntryIndex('listeners');
  for (const socket of sockets) index.add(listenerEntry(socket));
  return index;
}

function listenerEntry(socket: ListeningSocket): RegistryEntry {
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
  return entry;
}

/** Finds the owners of these socket inodes (inode → process); inodes it cannot see are left out. */
export type OwnerResolver = (inodes: ReadonlySet<number>) => Map<number, OwningProcess>;

/**
 * Listening sockets whose owners are found only when someone asks about their
 * port: finding an owner means reading every process's fd table, and most
 * questions (every port `suggest` considers, a free port for `check`) concern
 * ports nothing listens on. `lookup` and `entries` find the owners they need
 * (synchronously, through procfs) and remember them; `forEachPort`, which is
 * all a per-port table needs, finds none. Sockets of one owner that share an
 * address and port (an SO_REUSEPORT group) become one entry once the owner is
 * known, so `size` may shrink then.
 */
export class ListenerIndex extends EntryIndex {
  private readonly socketsByKey = new Map<number, ListeningSocket[]>();
  private readonly resolved = new Map<number, readonly RegistryEntry[]>();
  private readonly resolveOwners: OwnerResolver;
  private socketCount = 0;

  constructor(sockets: readonly ListeningSocket[], resolveOwners: OwnerResolver) {
    super('listeners');
    this.resolveOwners = resolveOwners;
    for (const socket of sockets) {
      const key = listenerKey(socket.protocol, socket.port);
      const list = this.socketsByKey.get(key);
      if (list) list.push(socket);
      else this.socketsByKey.set(key, [socket]);
      this.socketCount += 1;
    }
  }

  override lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    const added = super.lookup(protocol, port);
    if (protocol !== 'tcp' && protocol !== 'udp') return added;
    const key = listenerKey(protocol, port);
    if (!this.socketsByKey.has(key)) return added;
    this.resolve([key]);
    const own = this.resolved.get(key) ?? [];
    return added.length === 0 ? own : [...own, ...added];
  }

  override has(protocol: Protocol, port: number): boolean {
    return ((protocol === 'tcp' || protocol === 'udp') && this.socketsByKey.has(listenerKey(protocol, port))) || super.has(protocol, port);
  }

  override get size(): number {
    return this.socketCount + super.size;
  }

  override *entries(): IterableIterator<RegistryEntry> {
    this.resolve([...this.socketsByKey.keys()]);
    for (const key of this.socketsByKey.keys()) yield* this.resolved.get(key) ?? [];
    yield* super.entries();
  }

  /** Every listened (port, 0) of `protocol`, owners not looked up (see port-marks.ts). */
  forEachPort(protocol: Protocol, visit: (port: number, frequency: number) => void): void {
    for (const sockets of this.socketsByKey.values()) {
      for (const socket of sockets) if (socket.protocol === protocol) visit(socket.port, 0);
    }
    for (const entry of super.entries()) if (entry.protocol === protocol) visit(entry.port, 0);
  }

  /** Looks up the owners of these keys' sockets in one search, then makes their entries. */
  private resolve(keys: readonly number[]): void {
    const pending = keys.filter((key) => !this.resolved.has(key));
    if (pending.length === 0) return;
    const inodes = new Set<number>();
    for (const key of pending) {
      for (const socket of this.socketsByKey.get(key) ?? []) if (socket.process === undefined && socket.inode !== undefined) inodes.add(socket.inode);
    }
    const owners = inodes.size === 0 ? new Map<number, OwningProcess>() : this.resolveOwners(inodes);
    for (const key of pending) {
      const sockets = this.socketsByKey.get(key) ?? [];
      const seen = new Set<string>();
      const entries: RegistryEntry[] = [];
      for (const socket of sockets) {
        const owner = socket.process ?? (socket.inode === undefined ? undefined : owners.get(socket.inode));
        // One entry per owner and address is enough (SO_REUSEPORT groups), as readLinuxListeners does.
        const identity = `${socket.address}|${owner?.pid ?? `inode ${socket.inode ?? 0}`}`;
        if (seen.has(identity)) continue;
        seen.add(identity);
        const { inode: _inode, ...plain } = socket;
        entries.push(listenerEntry(owner === undefined ? plain : { ...plain, process: owner }));
      }
      this.socketCount -= sockets.length - entries.length;
      this.resolved.set(key, Object.freeze(entries));
    }
  }
}

function listenerKey(protocol: 'tcp' | 'udp', port: number): number {
  return (protocol === 'tcp' ? 0 : 65536) + port;
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
    // Owners are looked up only for the ports someone asks about (see ListenerIndex).
    const procRoot = options.procRoot ?? '/proc';
    const result = await readLinuxListeners({ procRoot, owners: false });
    if (result.unreadable.length === 4) return unavailable('/proc/net', 'cannot read /proc/net/{tcp,tcp6,udp,udp6}');
    const notes: string[] = [];
    if (result.unreadable.length > 0) notes.push(`unreadable: ${result.unreadable.join(', ')}`);
    const index = new ListenerIndex(result.sockets, (inodes) => socketOwnersSync(procRoot, inodes));
    return readyIndex('/proc/net', index, notes);
  }
  if (platform === 'win32') {
    let netstat: { stdout: string; exitCode: number };
    try {
      netstat = await run('netstat', ['-ano']);
    } catch (error) {
      return unavailable('netstat -ano', `netstat could not run (${describeError(error)})`);
    }
    const { parseNetstat, parseTasklist } = await import('./listeners-netstat.js');
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
  const { parseLsof } = await import('./listeners-netstat.js');
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
  return readyIndex(origin, listenersToIndex(sockets), notes);
}

function readyIndex(origin: string, index: EntryIndex, notes: string[]): SourceLoadResult {
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
