/**
 * Can this machine bind a port right now? Tries each local wildcard and
 * loopback address in turn, the way a new service would, and reports what the
 * kernel said. Checks run one after another and each socket is closed before
 * the next bind, so a probe never collides with itself.
 *
 * The IPv6 wildcard is bound dual-stack (the default of a Node server), so a
 * listener on 0.0.0.0 makes `::` report in-use, and a dual-stack listener on
 * `::` makes 0.0.0.0 report in-use — what a real service would meet.
 */
import dgram, { type Socket as UdpSocket } from 'node:dgram';
import net from 'node:net';
import { InvalidArgumentError, describeValue } from '../errors/index.js';

export type BindProbeOutcome = 'free' | 'in-use' | 'denied' | 'unsupported' | 'error';

export interface BindProbeResult {
  address: string;
  /**
   * free: the bind worked; in-use: EADDRINUSE; denied: EACCES/EPERM (privileged port,
   * or a Windows excluded range); unsupported: the address family or address does
   * not exist here (EADDRNOTAVAIL, EAFNOSUPPORT: no IPv6); error: anything else, with its code.
   */
  outcome: BindProbeOutcome;
  /** The errno code when the bind failed. */
  code?: string;
}

/** The addresses probed, in order. */
export const PROBE_ADDRESSES = ['0.0.0.0', '::', '127.0.0.1', '::1'] as const;

const OUTCOME_BY_CODE: Readonly<Record<string, BindProbeOutcome>> = {
  EADDRINUSE: 'in-use',
  EACCES: 'denied',
  EPERM: 'denied',
  EADDRNOTAVAIL: 'unsupported',
  EAFNOSUPPORT: 'unsupported',
  EPROTONOSUPPORT: 'unsupported',
};

export async function probeBind(port: number, protocol: 'tcp' | 'udp'): Promise<BindProbeResult[]> {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError(`Expected a port from 1 to 65535, got ${describeValue(port)}`);
  }
  if (protocol !== 'tcp' && protocol !== 'udp') {
    throw new InvalidArgumentError(`Expected protocol \`tcp\` or \`udp\`, got ${describeValue(protocol)}`);
  }
  const results: BindProbeResult[] = [];
  for (const address of PROBE_ADDRESSES) {
    const error = protocol === 'tcp' ? await tryTcp(port, address) : await tryUdp(port, address);
    if (error === null) {
      results.push({ address, outcome: 'free' });
      continue;
    }
    const code = typeof error.code === 'string' ? error.code : 'UNKNOWN';
    results.push({ address, outcome: OUTCOME_BY_CODE[code] ?? 'error', code });
  }
  return results;
}

/** Binds and closes again; resolves with the bind error, or null when the bind worked. */
function tryTcp(port: number, host: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close(() => resolve(error));
    });
    server.listen({ port, host, exclusive: true, ipv6Only: false }, () => {
      server.close(() => resolve(null));
    });
  });
}

function tryUdp(port: number, address: string): Promise<NodeJS.ErrnoException | null> {
  return new Promise((resolve) => {
    let socket: UdpSocket;
    try {
      socket = dgram.createSocket({ type: address.includes(':') ? 'udp6' : 'udp4', reuseAddr: false, ipv6Only: false });
    } catch (error) {
      resolve(error as NodeJS.ErrnoException);
      return;
    }
    socket.once('error', (error: NodeJS.ErrnoException) => {
      try {
        socket.close(() => resolve(error));
      } catch {
        resolve(error); // never bound: nothing to close
      }
    });
    socket.bind({ port, address, exclusive: true }, () => {
      socket.close(() => resolve(null));
    });
  });
}
