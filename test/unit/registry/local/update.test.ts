import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpdateError } from '../../../../src/errors/index.js';
import { CACHE_SOURCE_URLS, cachedFile, sha256Hex } from '../../../../src/registry/cache.js';
import { loadNmapServices } from '../../../../src/registry/nmap-services.js';
import { detectKind, update, type UpdateOptions } from '../../../../src/registry/update.js';
import { countNmapServices } from '../../../helpers/nmap-services-oracle.js';
import { hasNmapServices, registryFiles } from '../../../helpers/registry-files.js';

/** Invented nmap-services text with `count` entries, all with frequencies. */
function nmapBody(count: number, salt = 0): string {
  let text = '# invented test data\n';
  for (let i = 1; i <= count; i += 1) text += `svc${i}\t${i}/tcp\t0.${String(100000 + ((i * 7919 + salt) % 900000)).padStart(6, '0')}\t# test ${i}\n`;
  return text;
}

/** Invented IANA-shaped CSV with `count` records. */
function ianaBody(count: number): string {
  let text = 'Service Name,Port Number,Transport Protocol,Description,Assignee,Contact,Registration Date,Modification Date,Reference,Service Code,Unauthorized Use Reported,Assignment Notes\r\n';
  for (let i = 1; i <= count; i += 1) text += `name${i},${i},tcp,Test ${i},,,,,,,,\r\n`;
  return text;
}

interface Call {
  url: string;
  headers: Record<string, string>;
}

/** A fetch that answers from a queue of responses (or throws), recording what was asked. */
function fakeFetch(answers: (Response | Error)[], calls: Call[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
    const answer = answers.shift();
    if (answer === undefined) throw new Error('unexpected fetch');
    if (answer instanceof Error) throw answer;
    return answer;
  }) as typeof fetch;
}

const now = new Date('2026-01-02T03:04:05.000Z');
let cacheDir = '';
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'portpick-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

function options(answers: (Response | Error)[], calls: Call[], extra: Partial<UpdateOptions> = {}): UpdateOptions {
  return { cacheDir, now, fetch: fakeFetch(answers, calls), only: ['nmap'], ...extra };
}

async function seedGoodNmap(calls: Call[] = []): Promise<string> {
  const body = nmapBody(1500);
  const report = await update(
    options([new Response(body, { headers: { etag: '"v1"', 'last-modified': 'Mon, 01 Dec 2025 00:00:00 GMT' } })], calls),
  );
  expect(report.files[0]?.status).toBe('updated');
  return body;
}

describe('update: fetching nmap-services', () => {
  it('stores a good body with its metadata, atomically, and the loader then finds it', async () => {
    const calls: Call[] = [];
    const body = await seedGoodNmap(calls);
    expect(calls[0]?.url).toBe(CACHE_SOURCE_URLS.nmap);
    expect(calls[0]?.headers['if-none-match']).toBeUndefined();
    const cached = await cachedFile('nmap', { cacheDir });
    expect(cached?.path).toBe(join(cacheDir, 'nmap-services'));
    expect(await readFile(cached!.path, 'utf8')).toBe(body);
    expect(cached?.meta).toEqual({
      kind: 'nmap',
      sourceUrl: CACHE_SOURCE_URLS.nmap,
      etag: '"v1"',
      lastModified: 'Mon, 01 Dec 2025 00:00:00 GMT',
      fetchedAt: now.toISOString(),
      checkedAt: now.toISOString(),
      sha256: sha256Hex(body),
      bytes: Buffer.byteLength(body),
      entries: 1500,
    });
    expect((await readdir(cacheDir)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    const loaded = await loadNmapServices({ cacheDir });
    expect(loaded.status.origin).toBe(cached?.path);
    expect(loaded.status.entries).toBe(1500);
  });

  it('sends the stored validators and keeps the data on 304', async () => {
    const body = await seedGoodNmap();
    const calls: Call[] = [];
    const later = new Date('2026-02-01T00:00:00.000Z');
    const report = await update(options([new Response(null, { status: 304 })], calls, { now: later }));
    expect(calls[0]?.headers['if-none-match']).toBe('"v1"');
    expect(calls[0]?.headers['if-modified-since']).toBe('Mon, 01 Dec 2025 00:00:00 GMT');
    expect(report.files[0]).toMatchObject({ status: 'unchanged', reason: '304 Not Modified', entries: 1500 });
    const cached = await cachedFile('nmap', { cacheDir });
    expect(await readFile(cached!.path, 'utf8')).toBe(body);
    expect(cached?.meta?.checkedAt).toBe(later.toISOString());
    expect(cached?.meta?.fetchedAt).toBe(now.toISOString());
  });

  const refusals: [string, () => Response | Error, RegExp][] = [
    ['an HTML error page', () => new Response('<!DOCTYPE html><html><body>Rate limited</body></html>\n', { headers: { 'content-type': 'text/html' } }), /HTML page/],
    ['an HTML page sent as text/plain', () => new Response('<html><body>oops</body></html>\n', { headers: { 'content-type': 'text/plain' } }), /HTML page/],
    ['a body cut off mid-line', () => new Response(nmapBody(1500, 1).slice(0, 40000)), /truncated/],
    ['fewer bytes than Content-Length', () => new Response(nmapBody(1500, 1), { headers: { 'content-length': '999999' } }), /Content-Length/],
    ['a body that does not parse', () => new Response(`${nmapBody(1500, 1)}this is not a services line\n`), /parse error/],
    ['too few entries with frequencies', () => new Response('a\t1/tcp\t0.5\nb\t2/tcp\t0.5\n'), /at least 1000/],
    ['an empty body', () => new Response(''), /empty body/],
    ['HTTP 503', () => new Response('busy', { status: 503, statusText: 'Service Unavailable' }), /HTTP 503 Service Unavailable/],
    ['a network error', () => Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), /download failed \(ENOTFOUND/],
  ];
  for (const [what, answer, reason] of refusals) {
    it(`refuses ${what} and keeps the previous data`, async () => {
      const body = await seedGoodNmap();
      const report = await update(options([answer()], []));
      const result = report.files[0];
      expect(result?.status).toBe('failed');
      expect(result?.reason).toMatch(reason);
      expect(result?.error).toBeInstanceOf(UpdateError);
      expect(result?.error?.message).toMatch(/previous data is kept/);
      expect(result?.entries).toBe(1500);
      expect(await readFile(join(cacheDir, 'nmap-services'), 'utf8')).toBe(body);
      expect((await cachedFile('nmap', { cacheDir }))?.meta?.sha256).toBe(sha256Hex(body));
    });
  }

  it('refuses a body with less than half the entries of the cached copy', async () => {
    const big = nmapBody(3000);
    await update(options([new Response(big)], []));
    const report = await update(options([new Response(nmapBody(1200, 1))], []));
    expect(report.files[0]).toMatchObject({ status: 'failed', entries: 3000 });
    expect(report.files[0]?.reason).toMatch(/Expected about 3000 entries like the cached copy, got 1200/);
    expect(await readFile(join(cacheDir, 'nmap-services'), 'utf8')).toBe(big);
  });

  it('replaces the data when a new good body arrives', async () => {
    await seedGoodNmap();
    const fresh = nmapBody(1600, 3);
    const report = await update(options([new Response(fresh, { headers: { etag: '"v2"' } })], []));
    expect(report.files[0]).toMatchObject({ status: 'updated', entries: 1600 });
    expect(await readFile(join(cacheDir, 'nmap-services'), 'utf8')).toBe(fresh);
    expect((await cachedFile('nmap', { cacheDir }))?.meta?.etag).toBe('"v2"');
  });

  it('reports unchanged when a 200 brings the same bytes', async () => {
    const body = await seedGoodNmap();
    const report = await update(options([new Response(body)], []));
    expect(report.files[0]).toMatchObject({ status: 'unchanged', reason: 'same content' });
  });

  it('fails a 304 when there is nothing cached, and sends no validators for a tampered file', async () => {
    const empty = await update(options([new Response(null, { status: 304 })], []));
    expect(empty.files[0]).toMatchObject({ status: 'failed', entries: null });
    await seedGoodNmap();
    await writeFile(join(cacheDir, 'nmap-services'), 'tampered\t1/tcp\t0.5\n');
    const calls: Call[] = [];
    await update(options([new Response(nmapBody(1500))], calls));
    expect(calls[0]?.headers['if-none-match']).toBeUndefined();
  });

  it('rethrows when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const abortError = Object.assign(new Error('aborted'), { name: 'AbortError' });
    await expect(update(options([abortError], [], { signal: controller.signal }))).rejects.toThrow('aborted');
  });
});

describe('update: IANA', () => {
  it('uses the injected validator and its count', async () => {
    const seen: number[] = [];
    const validateIana = (text: string) => {
      seen.push(text.length);
      return { entries: 4242 };
    };
    const report = await update({ cacheDir, now, only: ['iana'], validateIana, fetch: fakeFetch([new Response(ianaBody(1200))], []) });
    expect(seen).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ kind: 'iana', status: 'updated', entries: 4242, path: join(cacheDir, 'service-names-port-numbers.csv') });
  });

  it('refuses what the validator rejects, and counts records without one', async () => {
    const validateIana = () => {
      throw new Error('row 7: bad port');
    };
    const rejected = await update({ cacheDir, now, only: ['iana'], validateIana, fetch: fakeFetch([new Response(ianaBody(1200))], []) });
    expect(rejected.files[0]).toMatchObject({ status: 'failed' });
    expect(rejected.files[0]?.reason).toMatch(/row 7: bad port/);
    expect(await cachedFile('iana', { cacheDir })).toBeNull();
    const counted = await update({ cacheDir, now, only: ['iana'], fetch: fakeFetch([new Response(ianaBody(1200))], []) });
    expect(counted.files[0]).toMatchObject({ status: 'updated', entries: 1200 });
  });

  it('updates both kinds by default, each reported on its own', async () => {
    const calls: Call[] = [];
    const report = await update({ cacheDir, now, fetch: fakeFetch([new Response(ianaBody(1200)), new Response('<html></html>\n')], calls) });
    expect(calls.map((c) => c.url)).toEqual([CACHE_SOURCE_URLS.iana, CACHE_SOURCE_URLS.nmap]);
    expect(report.files.map((f) => `${f.kind} ${f.status}`)).toEqual(['iana updated', 'nmap failed']);
  });
});

describe('update --from FILE', () => {
  it('tells the kinds apart by content', () => {
    expect(detectKind(ianaBody(3))).toBe('iana');
    expect(detectKind(nmapBody(3))).toBe('nmap');
    expect(detectKind('<html></html>')).toBeNull();
  });

  it('refuses a file of neither kind and a missing file', async () => {
    const file = join(cacheDir, 'random.txt');
    await writeFile(file, 'hello\n');
    await expect(update({ cacheDir, from: file })).rejects.toThrow(UpdateError);
    await expect(update({ cacheDir, from: join(cacheDir, 'missing') })).rejects.toThrow(/Expected a readable file to import/);
  });

  it.skipIf(!hasNmapServices())('imports the installed nmap-services and the official IANA CSV offline', async () => {
    const nmapText = readFileSync(registryFiles.nmapServices);
    const nmap = await update({ cacheDir, now, from: registryFiles.nmapServices });
    expect(nmap.files[0]).toMatchObject({ kind: 'nmap', status: 'updated', entries: countNmapServices(nmapText.toString('utf8')).entries, bytes: nmapText.length });
    const iana = await update({ cacheDir, now, from: registryFiles.ianaCsv });
    expect(iana.files[0]).toMatchObject({ kind: 'iana', status: 'updated', entries: 14512, bytes: 1153971 });
    const cached = await cachedFile('iana', { cacheDir });
    expect(cached?.meta?.sourceUrl).toMatch(/^file:\/\/.*service-names-port-numbers\.csv$/);
    expect(cached?.meta?.sha256).toBe('b27a00f94cabd719b9c29f1ff1ffc92be84d708282015dc8b933ee8574c8b884');
    const again = await update({ cacheDir, now, from: registryFiles.nmapServices });
    expect(again.files[0]?.status).toBe('unchanged');
  });
});
