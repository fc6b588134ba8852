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
    // The fast passes first; sources checkPort adds later follow them.
    expect(layers.map((layer) => layer.source).slice(0, 8)).toEqual(['iana', 'nmap', 'services', 'listeners', 'reservations', 'ephemeral', 'range', 'browser-unsafe']);
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

  it('draws no other layer when checkPort gives verdicts only for the sources it has fast passes for', () => {
    const layers = rangeVerdicts(sources, { protocol: 'tcp', range: { start: 1, end: 65535 } });
    const verdictSources = checkPort(sources, { port: 1, protocol: 'tcp' }).verdicts.map((verdict) => verdict.source as string);
    const drawn = layers.map((layer) => layer.source);
    // Bind probes and network sweeps are never drawn; browser-unsafe only for an HTTP service.
    expect(verdictSources.filter((source) => !drawn.includes(source))).toEqual(['bind', 'browser-unsafe', 'network']);
  });
});

describe('rangeVerdicts: sources without a fast pass, from the per-port judgement', () => {
  // An invented source, as a new one would come: data on the loaded sources, and a verdict per port.
  const teamBlock = { start: 7000, end: 7010 };
  const teamIndex = new EntryIndex('team' as never, [entry('team' as never, 8100, 'tcp', ['api']), entry('team' as never, 30100, 'tcp', ['gw'])]);
  const withTeam = { ...fakeSources(), team: { blocks: [teamBlock], index: teamIndex } } as LoadedSources;
  const teamVerdict = (port: number) => {
    if (port === 8100 || port === 30100) return { source: 'team', status: 'conflict' as const, summary: `The team's code uses ${port}/tcp.` };
    if (port >= teamBlock.start && port <= teamBlock.end) return { source: 'team', status: 'warning' as const, summary: `Port ${port} is in the team's block 7000-7010.` };
    return { source: 'team', status: 'ok' as const, summary: `The team does not use ${port}.` };
  };
  // A stretch no loaded data names (as Kubernetes' NodePort range is written in the code).
  const hiddenVerdict = (port: number) =>
    port >= 30000 && port <= 32767
      ? { source: 'hidden', status: 'warning' as const, summary: `Port ${port} is in the hidden range (30000-32767).` }
      : { source: 'hidden', status: 'ok' as const, summary: `Port ${port} is outside the hidden range.` };
  let calls = 0;
  const judge = (port: number) => {
    calls += 1;
    return [
      { source: 'iana', status: 'ok' as const, summary: 'fast pass' },
      teamVerdict(port),
      hiddenVerdict(port),
      { source: 'bind', status: 'not-checked' as const, summary: 'No bind probe was made.' },
      { source: 'unloaded', status: 'not-checked' as const, summary: 'The unloaded source was NOT checked.' },
    ];
  };

  it('agrees with the judgement at every port, asking it at a few hundred', () => {
    const range = { start: 1, end: 65535 };
    calls = 0;
    const layers = rangeVerdicts(withTeam, { protocol: 'tcp', range, judge });
    expect(layers.map((layer) => layer.source).slice(-3)).toEqual(['team', 'hidden', 'unloaded']);
    expect(calls).toBeLessThan(600);
    const team = layers.find((layer) => layer.source === 'team') as RangeLayer;
    const hidden = layers.find((layer) => layer.source === 'hidden') as RangeLayer;
    const wrong: string[] = [];
    for (let port = 1; port <= 65535; port += 1) {
      for (const [layer, verdict] of [[team, teamVerdict(port)], [hidden, hiddenVerdict(port)]] as const) {
        if (STATUS_CODES[layer.status[port - 1] as number] !== verdict.status) wrong.push(`${port} ${layer.source}`);
      }
    }
    expect(wrong.slice(0, 10)).toEqual([]);
    expect(team.explain(8100)).toBe("The team's code uses 8100/tcp.");
    expect(hidden.explain(31000)).toBe('Port 31000 is in the hidden range (30000-32767).');
  });

  it('shares a stretch\'s summary across its ports, and keeps a named port\'s own', () => {
    const range = { start: 6990, end: 32800 };
    const layers = rangeVerdicts(withTeam, { protocol: 'tcp', range, judge });
    const team = layers.find((layer) => layer.source === 'team') as RangeLayer;
    const hidden = layers.find((layer) => layer.source === 'hidden') as RangeLayer;
    const segment = (layer: RangeLayer, port: number) => layer.segment?.[port - range.start] ?? 0;
    expect(segment(team, 7000)).toBeGreaterThan(0);
    expect(segment(team, 7010)).toBe(segment(team, 7000));
    expect(segment(team, 8100)).toBe(0);
    expect(segment(hidden, 30000)).toBeGreaterThan(0);
    expect(segment(hidden, 32767)).toBe(segment(hidden, 30000));
    expect(segment(hidden, 30101)).toBe(segment(hidden, 30000));
    expect(segment(hidden, 30100)).toBe(0); // a port the data names is described by its own verdicts
  });

  it('makes a source that never gives a verdict a layer of not-checked ports', () => {
    const layers = rangeVerdicts(withTeam, { protocol: 'tcp', range: { start: 8000, end: 8200 }, judge });
    const unloaded = layers.find((layer) => layer.source === 'unloaded');
    expect(unloaded?.available).toBe(false);
    expect([...(unloaded?.status ?? [])].every((status) => status === NOT_CHECKED)).toBe(true);
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
