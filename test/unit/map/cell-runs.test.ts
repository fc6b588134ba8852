import { describe, expect, it } from 'vitest';
import { cellRuns, runEvidence, runTitle } from '../../../src/map/cell-runs.js';
import { classifyPorts } from '../../../src/map/classify.js';
import { rangeVerdicts } from '../../../src/map/range-verdicts.js';
import { baseIana, entry, fakeSources, nmapEntry } from '../pick/fake-sources.js';

const sources = fakeSources({
  iana: baseIana([
    { port: 8000, protocol: 'tcp', state: 'assigned', names: ['irdmi'], description: 'iRDMI' },
    { port: 8001, protocol: 'tcp', state: 'assigned', names: ['vcom-tunnel'], description: 'VCOM Tunnel' },
  ]),
  nmap: [nmapEntry(8001, 'tcp', 'vcom-tunnel', 0.001)],
  services: [],
  listeners: [entry('listeners', 8010, 'tcp', [], { address: '127.0.0.1', process: { pid: 7, command: 'node' } })],
  reservations: [],
  ephemeral: [{ os: 'linux', start: 8020, end: 8100, source: 'test' }],
});

function mapOf(range: { start: number; end: number }, candidates: number[] = []) {
  const layers = rangeVerdicts(sources, { protocol: 'tcp', range });
  return { layers, classification: classifyPorts(layers, range, candidates) };
}

describe('cellRuns', () => {
  it('joins neighbours of one class and shared evidence, and splits at each port that has its own', () => {
    const { layers, classification } = mapOf({ start: 7990, end: 8040 });
    const runs = cellRuns(classification, layers, 256).map((run) => `${run.start}-${run.end}`);
    // 8000 and 8001 are IANA-assigned (each its own evidence), 8010 has a listener; 8020 starts the ephemeral range.
    expect(runs).toEqual(['7990-7999', '8000-8000', '8001-8001', '8002-8009', '8010-8010', '8011-8019', '8020-8040']);
  });

  it('starts a new run at every row, and covers every port once', () => {
    const { layers, classification } = mapOf({ start: 8030, end: 8100 });
    const runs = cellRuns(classification, layers, 32);
    expect(runs.map((run) => `${run.start}-${run.end}`)).toEqual(['8030-8031', '8032-8063', '8064-8095', '8096-8100']);
    expect(runs.reduce((sum, run) => sum + run.end - run.start + 1, 0)).toBe(71);
  });

  it('keeps each candidate a run of its own, and joins by class alone when asked', () => {
    const { layers, classification } = mapOf({ start: 7990, end: 8009 }, [7995]);
    expect(cellRuns(classification, layers, 256).map((run) => `${run.start}-${run.end}`)).toEqual([
      '7990-7994',
      '7995-7995',
      '7996-7999',
      '8000-8000',
      '8001-8001',
      '8002-8009',
    ]);
    expect(cellRuns(classification, layers, 256, { byClassOnly: true }).map((run) => `${run.start}-${run.end}`)).toEqual([
      '7990-7994',
      '7995-7995',
      '7996-7999',
      '8000-8000', // IANA assigned
      '8001-8001', // nmap ranks first here
      '8002-8009',
    ]);
  });
});

describe('runTitle and runEvidence', () => {
  it('name one port and what each objecting source says about it, conflicts first', () => {
    const { layers, classification } = mapOf({ start: 8000, end: 8030 });
    const runs = cellRuns(classification, layers, 256);
    const title = runTitle(layers, classification, runs[1] as (typeof runs)[number], 'tcp');
    expect(title.split('\n')).toEqual([
      '8001/tcp',
      'nmap: nmap has seen 8001/tcp open in the wild (vcom-tunnel, open-frequency 0.001).',
      'iana: IANA assigned 8001/tcp to vcom-tunnel (VCOM Tunnel).',
    ]);
    const listener = runs.find((run) => run.start === 8010);
    expect(runTitle(layers, classification, listener as (typeof runs)[number], 'tcp')).toContain('Listening now on 8010/tcp: 127.0.0.1 (node, pid 7).');
  });

  it('describe a run by its span, the port numbers in ranges left alone', () => {
    const { layers, classification } = mapOf({ start: 8020, end: 8030 });
    const [run] = cellRuns(classification, layers, 256);
    expect(run).toMatchObject({ start: 8020, end: 8030 });
    const lines = runEvidence(layers, 8020, run as { start: number; end: number });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.summary).toMatch(/^Port 8020-8030 is inside the ephemeral range of linux 8020-8100:/);
    expect(runTitle(layers, classification, run as { start: number; end: number; cell: number }, 'tcp').split('\n')[0]).toBe(
      "8020-8030/tcp (11 ports): free, but in another OS's ephemeral range",
    );
  });

  it('name the warnings only, where some source conflicts', () => {
    const withEphemeral = fakeSources({
      iana: baseIana([{ port: 9000, protocol: 'tcp', state: 'assigned', names: ['cslistener'] }]),
      ephemeral: [{ os: 'linux', start: 8900, end: 9100, source: 'test' }],
    });
    const layers = rangeVerdicts(withEphemeral, { protocol: 'tcp', range: { start: 9000, end: 9000 } });
    const classification = classifyPorts(layers, { start: 9000, end: 9000 });
    expect(runTitle(layers, classification, { start: 9000, end: 9000, cell: classification.cells[0] as number }, 'tcp').split('\n')).toEqual([
      '9000/tcp',
      'iana: IANA assigned 9000/tcp to cslistener.',
      'Also warns: ephemeral.',
    ]);
  });

  it('say a candidate is one, with its rank', () => {
    const { layers, classification } = mapOf({ start: 7990, end: 7999 }, [7995]);
    const run = cellRuns(classification, layers, 256).find((candidate) => candidate.start === 7995);
    expect(runTitle(layers, classification, run as { start: number; end: number; cell: number }, 'tcp', 1).split('\n')).toEqual([
      '7995/tcp: candidate 1 of `suggest`',
      'No checked source objects.',
    ]);
  });
});
