import { describe, expect, it } from 'vitest';
import { loadSources } from '../../../src/api/load-sources.js';
import { checkPort } from '../../../src/pick/check.js';
import { CONFLICT, NOT_CHECKED, OK, STATUS_CODES, WARNING, rangeVerdicts, type RangeLayer } from '../../../src/map/range-verdicts.js';
import { EntryIndex } from '../../../src/registry/entry-index.js';
import type { LoadedSources } from '../../../src/registry/loaded-sources.js';
import type { Protocol } from '../../../src/registry/types.js';
import { hasNmapServices, registryFiles } from '../../helpers/registry-files.js';
import { LINUX_EPHEMERAL, baseIana, entry, fakeSources, nmapEntry } from '../pick/fake-sources.js';

/**
 * The layers must say, port by port, what `check` says: same status, same
 * summary. Compared on every port of a range for each source checkPort knows.
 */
function expectSameAsCheck(sources: LoadedSources, layers: readonly RangeLayer[], protocol: Protocol, ports: Iterable<number>, start: number, http = false): void {
  const mismatches: string[] = [];
  for (const port of ports) {
    const report = checkPort(sources, { port, protocol, http, ...(http ? { browserUnsafe: new Set([2049, 5060]) } : {}) });
    for (const layer of layers) {
      const verdict = report.verdicts.find((candidate) => candidate.source === layer.source);
      if (verdict === undefined) continue;
      const status = STATUS_CODES[layer.status[port - start] as number];
      if (status !== verdict.status) mismatches.push(`${port} ${layer.source}: layer ${status}, check ${verdict.status}`);
      else if (status !== 'ok' && layer.explain(port) !== verdict.summary) mismatches.push(`${port} ${layer.source}: "${layer.explain(port)}" ≠ "${verdict.summary}"`);
    }
  }
  expect(mismatches.slice(0, 10)).toEqual([]);
}

describe('rangeVerdicts: what check says, for every port of a range at once', () => {
  const sources = fakeSources({
    iana: baseIana([
      { port: 5000, protocol: 'tcp', state: 'assigned', names: ['commplex-main'] },
      { port: [5001, 5003], protocol: 'tcp', state: 'reserved' },
      { port: 5004, protocol: 'tcp', state: 'unassigned', extra: { unauthorizedUse: 'Some product uses it' } },
      { port: [49151, 49151], state: 'reserved' },
    ]),
    nmap: [nmapEntry(5005, 'tcp', 'hot', 0.2), nmapEntry(5006, 'tcp', 'listed', 0), nmapEntry(5000, 'tcp', 'commplex-main', 0.01)],
    services: [entry('services', 5007, 'tcp', ['svc'], { file: '/etc/services', line: 3 })],
    listeners: [entry('listeners', 5008, 'tcp', [], { address: '127.0.0.1', process: { pid: 42, command: 'node' } })],
    reservations: [entry('reservations', 5009, 'tcp', ['billing'], { owner: 'payments' })],
    ephemeral: [LINUX_EPHEMERAL, { os: 'this machine', start: 40000, end: 40100, source: 'test' }],
  });

  it('agrees with checkPort on status and summary, source by source and port by port', () => {
    const range = { start: 1, end: 65535 };
    const layers = rangeVerdicts(sources, { protocol: 'tcp', range, http: true, browserUnsafe: new Set([2049, 5060]) });
    expect(layers.map((layer) => layer.source)).toEqual(['iana', 'nmap', 'services', 'listeners', 'reservations', 'ephemeral', 'range', 'browser-unsafe']);
    const ports = [...Array.from({ length: 40 }, (_, i) => 4990 + i), 1, 80, 1023, 1024, 2049, 5060, 32767, 32768, 39999, 40000, 40100, 40101, 49151, 49152, 60999, 61000, 65535];
    expectSameAsCheck(sources, layers, 'tcp', ports, range.start, true);
  });

  it('marks what each source says at the ports it knows', () => {
    const range = { start: 4999, end: 5010 };
    const layers = Object.fromEntries(rangeVerdicts(sources, { protocol: 'tcp', range }).map((layer) => [layer.source, layer]));
    const at = (source: string, port: number) => layers[source]?.status[port - range.start];
    expect([4999, 5000, 5001, 5004].map((port) => at('iana', port))).toEqual([OK, CONFLICT, CONFLICT, WARNING]);
    expect(layers.iana?.kinds?.[layers.iana.kind?.[5002 - range.start] as number]).toBe('reserved');
    expect([5005, 5006, 5007].map((port) => at('nmap', port))).toEqual([CONFLICT, WARNING, OK]);
    expect(layers.nmap?.heat?.[5005 - range.start]).toBe(0.2);
    expect(at('services', 5007)).toBe(CONFLICT);
    expect(at('listeners', 5008)).toBe(CONFLICT);
    expect(at('reservations', 5009)).toBe(CONFLICT);
    expect(at('reservations', 5008)).toBe(OK);
    expect(layers['browser-unsafe']).toBeUndefined();
  });

  it('makes absent sources layers of not-checked ports, never ok', () => {
    const bare = fakeSources({ nmap: null, services: null, listeners: null, reservations: null, ephemeral: [] });
    const range = { start: 8000, end: 8010 };
    const layers = rangeVerdicts(bare, { protocol: 'tcp', range });
    for (const source of ['nmap', 'services', 'listeners', 'reservations', 'ephemeral']) {
      const layer = layers.find((candidate) => candidate.source === source);
      expect(layer?.available, source).toBe(false);
      expect([...(layer?.status ?? [])].every((status) => status === NOT_CHECKED), source).toBe(true);
    }
    expectSameAsCheck(bare, layers, 'tcp', [8000, 8005, 8010], range.start);
  });

  it('gives range-wide verdicts a shared segment and entry verdicts none', () => {
    const range = { start: 39990, end: 49160 };
    const layers = Object.fromEntries(rangeVerdicts(sources, { protocol: 'tcp', range }).map((layer) => [layer.source, layer]));
    const segment = (source: string, port: number) => layers[source]?.segment?.[port - range.start] ?? 0;
    // Inside Linux's range only, then inside Linux's and this machine's, then Linux's again.
    expect(segment('ephemeral', 39999)).toBe(segment('ephemeral', 39998));
    expect(segment('ephemeral', 40000)).not.toBe(segment('ephemeral', 39999));
    expect(segment('ephemeral', 40000)).toBe(segment('ephemeral', 40100));
    expect(segment('ephemeral', 40101)).toBe(segment('ephemeral', 39999));
    expect(layers.ephemeral?.kinds?.[layers.ephemeral.kind?.[40050 - range.start] as number]).toBe('this-machine');
    expect(layers.ephemeral?.kinds?.[layers.ephemeral.kind?.[40101 - range.start] as number]).toBe('other-os');
    expect(segment('range', 49152)).toBe(segment('range', 49160));
    expect(segment('range', 49152)).toBeGreaterThan(0);
    // A Reserved row is the port's own verdict; a Dynamic port without a row shares its summary but for the number.
    expect(segment('iana', 49151)).toBe(0);
    expect(segment('iana', 49152)).toBe(segment('iana', 49160));
    expect(layers.iana?.explain(49152).replace('49152', 'N')).toBe(layers.iana?.explain(49160).replace('49160', 'N'));
  });

  it('draws a source it does not name: an EntryIndex property judged by checkPort, else a conflict naming the entries', () => {
    const withDefaults = {
      ...fakeSources(),
      defaults: new EntryIndex('defaults' as never, [entry('defaults' as never, 5173, 'tcp', ['vite'], { file: 'data/defaults.yaml', line: 12 })]),
      platform: [{ start: 30000, end: 32767, name: 'kubernetes NodePort' }],
      teamDirectory: null,
      status: [{ id: 'teamDirectory' as never, available: false, origin: 'not configured', entries: 0 }],
    } as LoadedSources;
    const range = { start: 5170, end: 32770 };
    const layers = rangeVerdicts(withDefaults, { protocol: 'tcp', range });
    const defaults = layers.find((layer) => layer.source === 'defaults');
    expect(defaults?.status[5173 - range.start]).toBe(CONFLICT);
    expect(defaults?.status[5174 - range.start]).toBe(OK);
    expect(defaults?.explain(5173)).toBe('defaults lists 5173/tcp (vite) at data/defaults.yaml:12.');
    const platform = layers.find((layer) => layer.source === 'platform');
    expect(platform?.status[30000 - range.start]).toBe(CONFLICT);
    expect(platform?.status[29999 - range.start]).toBe(OK);
    expect(platform?.segment?.[30000 - range.start]).toBe(platform?.segment?.[32767 - range.start]);
    expect(platform?.explain(30001)).toBe('platform: port 30001 is inside 30000-32767.');
    const directory = layers.find((layer) => layer.source === 'teamDirectory');
    expect(directory?.available).toBe(false);
    expect(directory?.status[0]).toBe(NOT_CHECKED);
  });

  it('takes a new source\'s own verdicts from checkPort when checkPort gives them', () => {
    // A stand-in for a source whose verdict check.ts would add: checkPort is asked, and its verdict wins.
    const sourcesWithVerdict = { ...fakeSources(), org: new EntryIndex('org' as never, [entry('org' as never, 7000, 'tcp', ['api'])]) } as LoadedSources;
    const layers = rangeVerdicts(sourcesWithVerdict, { protocol: 'tcp', range: { start: 7000, end: 7001 } });
    const org = layers.find((layer) => layer.source === 'org');
    const report = checkPort(sourcesWithVerdict, { port: 7000, protocol: 'tcp' });
    const own = report.verdicts.find((verdict) => (verdict.source as string) === 'org');
    if (own === undefined) {
      expect(org?.status[0]).toBe(CONFLICT);
      expect(org?.explain(7000)).toBe('org lists 7000/tcp (api).');
    } else {
      expect(STATUS_CODES[org?.status[0] as number]).toBe(own.status);
      expect(org?.explain(7000)).toBe(own.summary);
    }
  });
});

describe('rangeVerdicts on the real registries', () => {
  it.skipIf(!hasNmapServices())('agrees with checkPort on the shipped IANA snapshot, nmap-services and /etc/services', async () => {
    const sources = await loadSources({ nmapServicesFile: registryFiles.nmapServices, listeners: false, reservationsFile: undefined });
    for (const protocol of ['tcp', 'udp'] as const) {
      const range = { start: 1, end: 65535 };
      const layers = rangeVerdicts(sources, { protocol, range });
      const ports: number[] = [];
      for (let port = 1; port <= 65535; port += 37) ports.push(port);
      for (let port = 7990; port <= 8100; port += 1) ports.push(port);
      expectSameAsCheck(sources, layers, protocol, ports, range.start);
    }
  });
});
