/**
 * Pure parsers for the tools that list listening sockets on macOS and Windows:
 * `lsof -nP -iTCP -sTCP:LISTEN` / `lsof -nP -iUDP` (macOS, also BSD),
 * `netstat -ano` and `tasklist /fo csv /nh` (Windows). They read captured text,
 * so they are tested on any OS.
 */
import type { ListeningSocket } from './listeners.js';

/**
 * lsof rows: `COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME [(STATE)]`, e.g.
 * `node 4242 alice 23u IPv6 0x… 0t0 TCP [::1]:3000 (LISTEN)`.
 * Kept: TCP rows in LISTEN, UDP rows without a peer (`->`). `*` becomes
 * 0.0.0.0 or :: by the TYPE column.
 */
export function parseLsof(text: string): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  const row = /^(\S+)\s+(\d+)\s+.*?\s(IPv4|IPv6)\s+.*\s(TCP|UDP)\s+(\S+)(?:\s+\(([A-Za-z_]+)\))?\s*$/;
  for (const line of text.split(/\r?\n/)) {
    const match = row.exec(line);
    if (match === null) continue;
    const [, command, pid, family, protocolName, name, state] = match as unknown as [string, string, string, string, string, string, string | undefined];
    const protocol = protocolName === 'TCP' ? 'tcp' : 'udp';
    if (name.includes('->')) continue; // connected: a client, not a listener
    if (protocol === 'tcp' && state !== undefined && state.toUpperCase() !== 'LISTEN') continue;
    const endpoint = splitHostPort(name);
    if (endpoint === null) continue;
    const address = endpoint.host === '*' ? (family === 'IPv6' ? '::' : '0.0.0.0') : endpoint.host;
    sockets.push({ protocol, address, port: endpoint.port, process: { pid: Number(pid), command: unescapeLsof(command) } });
  }
  return sockets;
}

/** lsof prints unprintable command characters (and spaces) as `\xNN`. */
function unescapeLsof(command: string): string {
  return command.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** `host:port`, `[v6]:port`, `*:port`; null when the port is not a number (`*:*`). */
function splitHostPort(text: string): { host: string; port: number } | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  let host = text.slice(0, colon);
  const portText = text.slice(colon + 1);
  if (!/^\d+$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

/**
 * `netstat -ano` rows: `TCP 0.0.0.0:135 0.0.0.0:0 LISTENING 1012` and
 * `UDP [::]:5353 *:* 2312`. The state word is localised on Windows, so a TCP
 * listener is recognised by its unspecified foreign address (`0.0.0.0:0`, `[::]:0`)
 * and a bound UDP socket by `*:*`. `commands` maps PIDs to image names (tasklist).
 */
export function parseNetstat(text: string, commands: ReadonlyMap<number, string> = new Map()): ListeningSocket[] {
  const sockets: ListeningSocket[] = [];
  const row = /^\s*(TCP|UDP)\s+(\S+)\s+(\S+)\s+(?:\S+\s+)?(\d+)\s*$/i;
  for (const line of text.split(/\r?\n/)) {
    const match = row.exec(line);
    if (match === null) continue;
    const protocol = (match[1] as string).toLowerCase() as 'tcp' | 'udp';
    const foreign = match[3] as string;
    const listening = protocol === 'tcp' ? /^(0\.0\.0\.0|\[::\]):0$/.test(foreign) : foreign === '*:*';
    if (!listening) continue;
    const endpoint = splitHostPort(match[2] as string);
    if (endpoint === null) continue;
    const pid = Number(match[4]);
    const command = commands.get(pid);
    sockets.push({ protocol, address: endpoint.host, port: endpoint.port, process: { pid, command: command ?? '' } });
  }
  return sockets;
}

/** `tasklist /fo csv /nh`: `"node.exe","4412","Console","1","52,332 K"` → pid → image name. */
export function parseTasklist(text: string): Map<number, string> {
  const commands = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    const fields = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((match) => (match[1] as string).replace(/""/g, '"'));
    if (fields.length < 2) continue;
    const pid = Number(fields[1]);
    if (Number.isInteger(pid) && fields[0] !== undefined) commands.set(pid, fields[0]);
  }
  return commands;
}
