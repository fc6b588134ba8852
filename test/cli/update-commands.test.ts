import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countNmapServices } from '../helpers/nmap-services-oracle.js';
import { hasNmapServices, registryFiles, repoRoot } from '../helpers/registry-files.js';
import { runCli } from './run-cli.js';

/** `portpick update --from FILE` and `portpick sources`, offline, in a cache directory of their own. */
describe('portpick update / sources (offline)', () => {
  const htmlPage = join(repoRoot, 'test', 'fixtures', 'iana', 'html-error-page.html');

  it('refuses an HTML error page and keeps the cache empty', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'portpick-update-'));
    const run = await runCli(['update', '--from', htmlPage], { env: { PORTPICK_CACHE_DIR: cache } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/HTML|neither|Expected/i);
    expect(readdirSync(cache).filter((name) => !name.startsWith('.'))).toEqual([]);
  });

  it('refuses a missing file and an unknown --only kind', async () => {
    const missing = await runCli(['update', '--from', '/nonexistent/registry.csv']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/registry\.csv/);
    const bogus = await runCli(['update', '--only', 'bogus', '--from', htmlPage]);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toMatch(/bogus/);
  });

  it.skipIf(!hasNmapServices())('imports the official CSV and nmap-services; sources then reads them from the cache', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'portpick-update-'));
    const env = { PORTPICK_CACHE_DIR: cache };
    for (const file of [registryFiles.ianaCsv, registryFiles.nmapServices]) {
      const run = await runCli(['update', '--from', file, '--json'], { env });
      expect(run.code, run.stderr).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.files.map((f: { status: string }) => f.status)).toContain('updated');
    }
    const sources = await runCli(['sources', '--json'], { env });
    expect(sources.code, sources.stderr).toBe(0);
    const { sources: statuses } = JSON.parse(sources.stdout);
    const byId = Object.fromEntries(statuses.map((s: { id: string }) => [s.id, s]));
    expect(byId.nmap.origin).toContain(cache);
    expect(byId.nmap.entries).toBe(countNmapServices(readFileSync(registryFiles.nmapServices, 'utf8')).entries);
    expect(byId.iana.available).toBe(true);

    // A failed re-import (an HTML page) keeps the data imported before.
    const before = readFileSync(join(cache, readdirSync(cache).find((n) => n.includes('nmap') && !n.endsWith('.json')) ?? 'x'));
    const failed = await runCli(['update', '--from', htmlPage], { env });
    expect(failed.code).toBe(2);
    const after = readFileSync(join(cache, readdirSync(cache).find((n) => n.includes('nmap') && !n.endsWith('.json')) ?? 'x'));
    expect(after.equals(before)).toBe(true);
  });

  it('sources says when nmap-services is missing instead of pretending', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'portpick-update-'));
    const missing = join(cache, 'no-such-nmap-services');
    writeFileSync(join(cache, 'README'), 'empty cache for a test\n');
    const run = await runCli(['sources', '--json', '--nmap-services', missing], { env: { PORTPICK_CACHE_DIR: cache } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no-such-nmap-services');
  });
});
