import dgram from 'node:dgram';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../src/errors/index.js';
import { probeBind, type BindProbeResult } from '../../../../src/registry/bind-probe.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function tcpListen(host: string, port = 0, ipv6Only = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, ipv6Only }, () => {
      closers.push(() => new Promise((done) => server.close(() => done())));
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function udpBind(address: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(address.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', reject);
    socket.bind({ address, port }, () => {
      closers.push(() => new Promise((done) => socket.close(() => done())));
      resolve(socket.address().port);
    });
  });
}

/** A port the kernel just handed out and that nothing holds now. */
async function freshPort(): Promise<number> {
  const port = await tcpListen('127.0.0.1');
  await closers.pop()?.();
  return port;
}

const statusOf = (results: BindProbeResult[], address: string) => results.find((r) => r.address === address)?.outcome;

async function hasIpv6(): Promise<boolean> {
  try {
    await tcpListen('::1');
    await closers.pop()?.();
    return true;
  } catch {
    return false;
  }
}

describe('probeBind', () => {
  it('reports every address free on a port nothing holds (IPv6 unsupported only where it is absent)', async () => {
    const results = await probeBind(await freshPort(), 'tcp');
    expect(results.map((r) => r.address)).toEqual(['0.0.0.0', '::', '127.0.0.1', '::1']);
    const ipv6 = await hasIpv6();
    for (const result of results) {
      expect(result.outcome).toBe(result.address.includes(':') && !ipv6 ? 'unsupported' : 'free');
    }
  });

  it('sees a dual-stack TCP listener on :: from 0.0.0.0 and 127.0.0.1 too', async (context) => {
    if (!(await hasIpv6())) context.skip();
    const port = await tcpListen('::');
    const results = await probeBind(port, 'tcp');
    expect(statusOf(results, '0.0.0.0')).toBe('in-use');
    expect(statusOf(results, '::')).toBe('in-use');
    expect(statusOf(results, '127.0.0.1')).toBe('in-use');
    expect(statusOf(results, '0.0.0.0') && results.find((r) => r.address === '0.0.0.0')?.code).toBe('EADDRINUSE');
  });

  it('sees a TCP listener on 127.0.0.1 from 127.0.0.1 and the IPv4 wildcard', async () => {
    const port = await tcpListen('127.0.0.1');
    const results = await probeBind(port, 'tcp');
    expect(statusOf(results, '127.0.0.1')).toBe('in-use');
    expect(statusOf(results, '0.0.0.0')).toBe('in-use');
  });

  it('sees a bound UDP socket', async () => {
    const port = await udpBind('0.0.0.0');
    const results = await probeBind(port, 'udp');
    expect(statusOf(results, '0.0.0.0')).toBe('in-use');
    expect(statusOf(results, '127.0.0.1')).toBe('in-use');
  });

  it('reports a UDP port nothing holds as free on IPv4', async () => {
    const port = await udpBind('127.0.0.1');
    await closers.pop()?.();
    const results = await probeBind(port, 'udp');
    expect(statusOf(results, '0.0.0.0')).toBe('free');
    expect(statusOf(results, '127.0.0.1')).toBe('free');
  });

  it('rejects ports outside 1-65535 and unknown protocols', async () => {
    await expect(probeBind(0, 'tcp')).rejects.toThrow(InvalidArgumentError);
    await expect(probeBind(70000, 'tcp')).rejects.toThrow(/Expected a port from 1 to 65535, got `70000`/);
    await expect(probeBind(80, 'sctp' as 'tcp')).rejects.toThrow(/Expected protocol/);
  });
});
