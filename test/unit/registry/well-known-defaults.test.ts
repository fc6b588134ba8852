import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAccessError, RegistryParseError } from '../../../src/errors/index.js';
import { loadWellKnownDefaults, parseWellKnownDefaults, wellKnownDefaultsToIndex } from '../../../src/registry/well-known-defaults.js';
import { repoRoot } from '../../helpers/registry-files.js';

const fixtureFile = join(repoRoot, 'test', 'fixtures', 'defaults', 'well-known-defaults-small.json');
const fixtureText = readFileSync(fixtureFile, 'utf8');

function withEntry(change: (entry: Record<string, unknown>) => void): string {
  const data = JSON.parse(fixtureText) as { entries: Record<string, unknown>[] };
  change(data.entries[1] as Record<string, unknown>);
  return JSON.stringify(data, null, 2);
}

describe('parseWellKnownDefaults', () => {
  it('reads every entry with its ports, protocols and citation', () => {
    const defaults = parseWellKnownDefaults(fixtureText, fixtureFile);
    expect(defaults.map((entry) => entry.id)).toContain('vite-dev');
    const vite = defaults.find((entry) => entry.id === 'vite-dev');
    expect(vite).toMatchObject({ product: 'Vite', service: 'dev server', ports: [{ first: 5173, last: 5173 }], protocols: ['tcp'] });
    expect(vite?.citation.url).toMatch(/^https:\/\/vite\.dev\//);
    expect(defaults.find((entry) => entry.id === 'fixture-range')?.ports).toEqual([{ first: 6000, last: 6063 }]);
  });

  it('indexes every port of every range for each protocol', () => {
    const index = wellKnownDefaultsToIndex(parseWellKnownDefaults(fixtureText, fixtureFile), fixtureFile);
    expect(index.lookup('tcp', 6031).map((entry) => entry.extra.wellKnown?.id)).toEqual(['fixture-range']);
    expect(index.lookup('udp', 7415)).toHaveLength(1);
    expect(index.lookup('tcp', 3000).map((entry) => entry.extra.wellKnown?.product)).toEqual(['Next.js', 'Rails']);
    expect(index.has('udp', 5173)).toBe(false);
  });

  it('gives the same entries through lookup, entries, size and forEachPort (the shipped dataset, both protocols)', async () => {
    const { index } = await loadWellKnownDefaults();
    const all = [...index!.entries()];
    expect(index!.size).toBe(all.length);
    expect(all.filter((entry) => entry.port >= 30000 && entry.port <= 32767).length).toBeGreaterThanOrEqual(2 * 2768);
    for (const protocol of ['tcp', 'udp'] as const) {
      const visited: number[] = [];
      (index as unknown as { forEachPort(p: string, visit: (port: number) => void): void }).forEachPort(protocol, (port) => visited.push(port));
      const listed = all.filter((entry) => entry.protocol === protocol);
      expect(visited.sort((a, b) => a - b)).toEqual(listed.map((entry) => entry.port).sort((a, b) => a - b));
      const byLookup = Array.from({ length: 65536 }, (_, port) => index!.lookup(protocol, port)).flat();
      const key = (entry: (typeof all)[number]) => `${entry.port}/${entry.protocol}/${entry.extra.wellKnown?.id}`;
      expect(byLookup.map(key).sort()).toEqual(listed.map(key).sort());
      expect(index!.has(protocol, listed[0]!.port)).toBe(true);
    }
  });

  it.each([
    ['a port out of range', (entry: Record<string, unknown>) => (entry.ports = [70000]), /vite-preview.*`ports`.*70000/],
    ['a reversed range', (entry: Record<string, unknown>) => (entry.ports = [{ from: 10, to: 5 }]), /from: 10, to: 5/],
    ['no citation', (entry: Record<string, unknown>) => delete entry.citation, /`citation`/],
    ['a citation that is no address', (entry: Record<string, unknown>) => (entry.citation = { url: 'vite docs', kind: 'documentation', checked: '2026-08-01' }), /citation\.url/],
    ['an unknown protocol', (entry: Record<string, unknown>) => (entry.protocols = ['icmp']), /icmp/],
    ['a duplicate id', (entry: Record<string, unknown>) => (entry.id = 'vite-dev'), /each `id` once/],
  ])('refuses %s, naming the entry and its line', (_what, change, message) => {
    const text = withEntry(change);
    expect(() => parseWellKnownDefaults(text, 'defaults.json')).toThrow(RegistryParseError);
    expect(() => parseWellKnownDefaults(text, 'defaults.json')).toThrow(message);
    expect(() => parseWellKnownDefaults(text, 'defaults.json')).toThrow(/^defaults\.json:\d+: entry 2/);
  });

  it('refuses another format version and text that is not JSON', () => {
    expect(() => parseWellKnownDefaults('{"version": 2, "entries": []}', 'd.json')).toThrow(/version.*got `2`/);
    expect(() => parseWellKnownDefaults('{"version": 1,', 'd.json')).toThrow(/valid JSON/);
  });
});

describe('loadWellKnownDefaults', () => {
  it('loads a given file, with its newest check date', async () => {
    const loaded = await loadWellKnownDefaults({ file: fixtureFile });
    expect(loaded.status).toMatchObject({ id: 'defaults', available: true, origin: fixtureFile, updated: '2026-08-01' });
    expect(loaded.index?.has('tcp', 5173)).toBe(true);
  });

  it('a given file that is missing is an error', async () => {
    await expect(loadWellKnownDefaults({ file: join(repoRoot, 'no-such-defaults.json') })).rejects.toThrow(FileAccessError);
  });
});
