import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIpv6, isListening, parseProcNet, readLinuxListeners } from '../../../../src/registry/listeners-linux.js';
import { parseLsof, parseNetstat, parseTasklist } from '../../../../src/registry/listeners-netstat.js';
import { listenersToIndex, loadListeners } from '../../../../src/registry/listeners.js';
import { fixture } from './fixtures.js';

describe('/proc/net parsing', () => {
  it('decodes little-endian IPv4 rows and tells LISTEN from established', () => {
    const rows = parseProcNet(fixture('proc-net-tcp.txt'), true);
    expect(rows.map((r) => `${r.address}:${r.port} ${r.state} ${r.inode}`)).toEqual([
      '127.0.0.1:8080 0A 51001',
      '0.0.0.0:22 0A 51002',
      '127.0.0.1:8080 01 51003',
      '198.18.0.5:9000 0A 51004',
    ]);
    expect(rows.filter((r) => isListening(r, 'tcp')).map((r) => r.inode)).toEqual([51001, 51002, 51004]);
  });

  it('decodes IPv6 rows, including :: and IPv4-mapped addresses', () => {
    const rows = parseProcNet(fixture('proc-net-tcp6.txt'), true);
    expect(rows.map((r) => `[${r.address}]:${r.port}`)).toEqual(['[::]:3000', '[::1]:5432', '[::ffff:127.0.0.1]:7000', '[2001:db8::1]:443']);
  });

  it('decodes big-endian kernels too', () => {
    const rows = parseProcNet('  0: 7F000001:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1\n', false);
    expect(rows[0]?.address).toBe('127.0.0.1');
  });

  it('keeps bound, unconnected UDP sockets only', () => {
    const rows = parseProcNet(fixture('proc-net-udp.txt'), true);
    expect(rows.filter((r) => isListening(r, 'udp')).map((r) => `${r.address}:${r.port}`)).toEqual(['0.0.0.0:5353']);
  });

  it('formats IPv6 the RFC 5952 way', () => {
    const bytes = (hex: string) => hex.match(/../g)!.map((b) => Number.parseInt(b, 16));
    expect(formatIpv6(bytes('20010db8000000000001000000000001'))).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(bytes('20010db8000100010001000100010001'))).toBe('2001:db8:1:1:1:1:1:1');
    expect(formatIpv6(bytes('00000000000000000000000000000001'))).toBe('::1');
  });
});

describe('reading procfs from a fixture tree', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'portpick-proc-'));
    await mkdir(join(root, 'net'), { recursive: true });
    await writeFile(join(root, 'net', 'tcp'), fixture('proc-net-tcp.txt'));
    await writeFile(join(root, 'net', 'udp'), fixture('proc-net-udp.txt'));
    // tcp6 and udp6 missing: a kernel without IPv6
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('lists listeners without owners and notes the unreadable files', async () => {
    const result = await readLinuxListeners({ procRoot: root });
    expect(result.sockets.map((s) => `${s.protocol} ${s.address}:${s.port}`)).toEqual([
      'tcp 127.0.0.1:8080',
      'tcp 0.0.0.0:22',
      'tcp 198.18.0.5:9000',
      'udp 0.0.0.0:5353',
    ]);
    expect(result.unreadable).toEqual([join(root, 'net', 'tcp6'), join(root, 'net', 'udp6')]);
    expect(result.withoutOwner).toBe(4);
    const loaded = await loadListeners({ platform: 'linux', procRoot: root });
    expect(loaded.status).toMatchObject({ id: 'listeners', available: true, origin: '/proc/net', entries: 4 });
    expect(loaded.status.note).toMatch(/unreadable/);
  });

  it('says the check was not made when /proc/net cannot be read at all', async () => {
    const loaded = await loadListeners({ platform: 'linux', procRoot: join(root, 'nothing') });
    expect(loaded.index).toBeNull();
    expect(loaded.status.note).toMatch(/NOT checked/);
  });
});

describe.skipIf(process.platform !== 'linux')('this machine’s listeners (Linux)', () => {
  const servers: net.Server[] = [];
  const listen = (host: string) =>
    new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      servers.push(server);
      server.once('error', reject);
      server.listen({ port: 0, host }, () => resolve((server.address() as net.AddressInfo).port));
    });
  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  it('finds listeners this test opened on 127.0.0.1 and on ::, owned by this process', async () => {
    const v4 = await listen('127.0.0.1');
    let v6: number | null = null;
    try {
      v6 = await listen('::');
    } catch {
      v6 = null; // no IPv6 in this kernel: the IPv4 check still stands
    }
    const { index, status } = await loadListeners();
    expect(status.available).toBe(true);
    const command = readFileSync('/proc/self/comm', 'utf8').trim();
    const mine = index?.lookup('tcp', v4).find((entry) => entry.extra.address === '127.0.0.1');
    expect(mine?.extra.process).toEqual({ pid: process.pid, command });
    expect(mine?.source).toBe('listeners');
    if (v6 !== null) {
      const wildcard = index?.lookup('tcp', v6).find((entry) => entry.extra.address === '::');
      expect(wildcard?.extra.process?.pid).toBe(process.pid);
    }
  });
});

describe('lsof output (macOS)', () => {
  it('keeps TCP listeners with their owners and maps * by address family', () => {
    const sockets = parseLsof(fixture('lsof-tcp-listen.txt'));
    expect(sockets.map((s) => `${s.protocol} ${s.address} ${s.port} ${s.process?.pid} ${s.process?.command}`)).toEqual([
      'tcp 0.0.0.0 49152 512 rapportd',
      'tcp :: 49152 512 rapportd',
      'tcp ::1 3000 42424 node',
      'tcp 127.0.0.1 5432 1337 postgres',
      'tcp 198.18.0.10 8080 9001 Google ',
    ]);
  });

  it('keeps unconnected UDP sockets and skips connected ones and *:*', () => {
    const sockets = parseLsof(fixture('lsof-udp.txt'));
    expect(sockets.map((s) => `${s.address} ${s.port}`)).toEqual(['0.0.0.0 5353', ':: 5353', '2001:db8::5 514']);
  });
});

describe('netstat -ano output (Windows)', () => {
  const commands = parseTasklist(fixture('tasklist.csv'));

  it('reads tasklist CSV, quotes included', () => {
    expect(commands.get(1012)).toBe('svchost.exe');
    expect(commands.get(2312)).toBe('dns "helper".exe');
    expect(commands.get(0)).toBe('System Idle Process');
  });

  it('finds listeners whatever the state word’s language, with owners', () => {
    const sockets = parseNetstat(fixture('netstat-ano.txt'), commands);
    expect(sockets.map((s) => `${s.protocol} ${s.address} ${s.port} ${s.process?.pid} ${s.process?.command}`)).toEqual([
      'tcp 0.0.0.0 135 1012 svchost.exe',
      'tcp 0.0.0.0 445 4 System',
      'tcp 198.18.0.20 139 4 System',
      'tcp :: 135 1012 svchost.exe',
      'tcp ::1 49670 4412 postgres.exe',
      'udp 0.0.0.0 5353 2312 dns "helper".exe',
      'udp :: 5353 2312 dns "helper".exe',
      'udp ::1 1900 4920 ',
      'udp fe80::1%7 1900 4920 ',
    ]);
  });

  it('loads through injected commands on win32', async () => {
    const run = async (file: string) => ({ stdout: file === 'netstat' ? fixture('netstat-ano.txt') : fixture('tasklist.csv'), exitCode: 0 });
    const { index, status } = await loadListeners({ platform: 'win32', run });
    expect(status).toMatchObject({ available: true, origin: 'netstat -ano', entries: 9 });
    expect(index?.lookup('tcp', 135).map((e) => e.extra.address)).toEqual(['0.0.0.0', '::']);
  });

  it('says the check was not made when the tool cannot run', async () => {
    const run = async () => {
      throw Object.assign(new Error('spawn lsof ENOENT'), { code: 'ENOENT' });
    };
    const { index, status } = await loadListeners({ platform: 'darwin', run });
    expect(index).toBeNull();
    expect(status.note).toMatch(/lsof could not run \(ENOENT\): local listeners were NOT checked/);
  });
});

describe('listenersToIndex', () => {
  it('makes assigned entries with address and owner', () => {
    const index = listenersToIndex([{ protocol: 'udp', address: '::1', port: 5353, process: { pid: 7, command: 'mdns' } }]);
    expect(index.lookup('udp', 5353)[0]).toEqual({
      port: 5353,
      protocol: 'udp',
      state: 'assigned',
      names: [],
      description: 'listening on ::1 (pid 7 mdns)',
      source: 'listeners',
      extra: { address: '::1', process: { pid: 7, command: 'mdns' } },
    });
  });
});
