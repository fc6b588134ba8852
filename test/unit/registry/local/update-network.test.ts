import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_SOURCE_URLS } from '../../../../src/registry/cache.js';
import { update } from '../../../../src/registry/update.js';
import { runCli } from '../../../cli/run-cli.js';
import { repoRoot } from '../../../helpers/registry-files.js';

/**
 * `update` over real sockets, all on loopback: an origin server (HTTP on
 * 127.0.0.2, HTTPS on 127.0.0.3 with the test certificate) and a forward proxy
 * on 127.0.0.1 that records what it was asked (CONNECT tunnels, which undici's
 * proxy agent uses for http: and https: alike; absolute-form GETs are served too).
 * The proxy settings come from the `env` option, as they would from the process
 * environment.
 */
const tls = join(repoRoot, 'test', 'fixtures', 'tls');
const cert = readFileSync(join(tls, 'loopback-cert.pem'), 'utf8');
const key = readFileSync(join(tls, 'loopback-key.pem'), 'utf8');

function nmapBody(count: number): string {
  let text = '# invented test data\n';
  for (let i = 1; i <= count; i += 1) text += `svc${i}\t${i}/tcp\t0.${String(100000 + ((i * 7919) % 900000)).padStart(6, '0')}\t# test ${i}\n`;
  return text;
}
const body = nmapBody(1500);

/** What the origin answers per path. */
function origin(request: IncomingMessage, response: ServerResponse): void {
  switch (request.url) {
    case '/nmap-services':
      response.writeHead(200, { 'content-type': 'text/plain' }).end(body);
      return;
    case '/stalls':
      // Headers and half the body, then nothing: only the timeout ends it.
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
      response.write(body.slice(0, body.length / 2));
      return;
    case '/huge-declared':
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(64 * 1024) }).end(body.repeat(1).padEnd(64 * 1024, '#'));
      return;
    case '/huge-chunked': {
      // No Content-Length: the cap must hold while reading.
      response.writeHead(200, { 'content-type': 'text/plain' });
      let sent = 0;
      const more = (): void => {
        while (sent < 4 * 1024 * 1024) {
          sent += 16 * 1024;
          if (!response.write('#'.repeat(16 * 1024))) {
            response.once('drain', more);
            return;
          }
        }
        response.end();
      };
      more();
      return;
    }
    default:
      response.writeHead(404).end();
  }
}

const proxied: string[] = [];
const sockets = new Set<Socket>();
let httpOrigin: Server;
let httpsOrigin: Server;
let proxy: Server;
let httpBase = '';
let httpsBase = '';
let proxyUrl = '';

function listen(server: Server, host: string): Promise<number> {
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

beforeAll(async () => {
  httpOrigin = createHttpServer(origin);
  httpsOrigin = createHttpsServer({ cert, key }, origin);
  httpBase = `http://127.0.0.2:${await listen(httpOrigin, '127.0.0.2')}`;
  httpsBase = `https://127.0.0.3:${await listen(httpsOrigin, '127.0.0.3')}`;
  proxy = createHttpServer((request, response) => {
    // Absolute-form request for an http: URL: forward it.
    proxied.push(`GET ${request.url}`);
    const target = new URL(request.url ?? '');
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname, method: request.method, headers: request.headers },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  proxy.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => {
    proxied.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? '').split(':');
    // This proxy reaches loopback only: anything else is refused, never forwarded.
    if (!host?.startsWith('127.')) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  proxyUrl = `http://127.0.0.1:${await listen(proxy, '127.0.0.1')}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([httpOrigin, httpsOrigin, proxy].map((server) => new Promise((resolve) => server.close(resolve))));
});

let cacheDir = '';
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'portpick-update-net-'));
  proxied.length = 0;
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function fetchNmap(url: string, extra: Parameters<typeof update>[0] = {}) {
  const report = await update({ cacheDir, only: ['nmap'], urls: { nmap: url }, env: {}, ...extra });
  return report.files[0]!;
}

describe('update over the network (loopback)', () => {
  it('fetches directly when no proxy is set', async () => {
    const result = await fetchNmap(`${httpBase}/nmap-services`);
    expect(result.status, result.reason).toBe('updated');
    expect(result.entries).toBe(1500);
    expect(proxied).toEqual([]);
  });

  it('sends http: downloads through HTTP_PROXY (undici 6 tunnels them with CONNECT too)', async () => {
    const result = await fetchNmap(`${httpBase}/nmap-services`, { env: { HTTP_PROXY: proxyUrl } });
    expect(result.status, result.reason).toBe('updated');
    expect(proxied).toEqual([`CONNECT ${httpBase.slice('http://'.length)}`]);
  });

  it('tunnels https: downloads through HTTPS_PROXY (lower case too) with CONNECT', async () => {
    for (const name of ['HTTPS_PROXY', 'https_proxy']) {
      proxied.length = 0;
      const result = await fetchNmap(`${httpsBase}/nmap-services`, { env: { [name]: proxyUrl }, ca: cert, cacheDir: await mkdtemp(join(tmpdir(), 'portpick-update-net-')) });
      expect(result.status, result.reason).toBe('updated');
      expect(proxied).toEqual([`CONNECT ${httpsBase.slice('https://'.length)}`]);
    }
  });

  it('goes direct for hosts NO_PROXY lists, and through the proxy for the others', async () => {
    const env = { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, NO_PROXY: 'localhost,127.0.0.2' };
    const direct = await fetchNmap(`${httpBase}/nmap-services`, { env });
    expect(direct.status, direct.reason).toBe('updated');
    expect(proxied).toEqual([]);
    const tunnelled = await fetchNmap(`${httpsBase}/nmap-services`, { env, ca: cert, cacheDir: await mkdtemp(join(tmpdir(), 'portpick-update-net-')) });
    expect(tunnelled.status, tunnelled.reason).toBe('updated');
    expect(proxied).toEqual([`CONNECT ${httpsBase.slice('https://'.length)}`]);
  });

  it('the portpick command reads HTTPS_PROXY from its environment (the proxy, refusing, ends it)', async () => {
    const run = await runCli(['update', '--only', 'nmap', '--json'], {
      env: { HTTPS_PROXY: proxyUrl, https_proxy: '', NO_PROXY: '', no_proxy: '', PORTPICK_CACHE_DIR: cacheDir },
    });
    expect(run.code).toBe(2);
    expect(proxied).toEqual([`CONNECT ${new URL(CACHE_SOURCE_URLS.nmap).host}:443`]);
    const report = JSON.parse(run.stdout) as { files: Array<{ status: string }> };
    expect(report.files.map((file) => file.status)).toEqual(['failed']);
    expect(run.stderr).not.toMatch(/experimental/i);
  });

  it('refuses an untrusted certificate (no silent downgrade): the download fails, nothing is stored', async () => {
    const result = await fetchNmap(`${httpsBase}/nmap-services`);
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/download failed/);
    expect(result.entries).toBeNull();
  });

  it('gives up on a server that stalls, after the timeout, keeping the previous data', async () => {
    const first = await fetchNmap(`${httpBase}/nmap-services`);
    expect(first.status).toBe('updated');
    const started = Date.now();
    const stalled = await fetchNmap(`${httpBase}/stalls`, { timeoutMs: 400 });
    expect(stalled.status).toBe('failed');
    expect(stalled.reason).toMatch(/within 0\.4 s \(timeout\)/);
    expect(stalled.error?.message).toMatch(/previous data is kept/);
    expect(stalled.entries).toBe(1500);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('refuses a body above the size cap, declared or streamed', async () => {
    const declared = await fetchNmap(`${httpBase}/huge-declared`, { maxBytes: 32 * 1024 });
    expect(declared.status).toBe('failed');
    expect(declared.reason).toMatch(/at most 32768 bytes, got a Content-Length of 65536/);
    const streamed = await fetchNmap(`${httpBase}/huge-chunked`, { maxBytes: 256 * 1024 });
    expect(streamed.status).toBe('failed');
    expect(streamed.reason).toMatch(/at most 262144 bytes, got more/);
  });

  it('refuses a timeout or cap that is not a positive whole number', async () => {
    await expect(update({ cacheDir, only: ['nmap'], timeoutMs: 0 })).rejects.toThrow(/timeoutMs to be a positive whole number, got/);
    await expect(update({ cacheDir, only: ['nmap'], maxBytes: 1.5 })).rejects.toThrow(/maxBytes to be a positive whole number, got/);
  });
});
