import { describe, expect, it } from 'vitest';
import { checkPort } from '../../../src/pick/check.js';
import { parseSourceList, SELECTABLE_SOURCES } from '../../../src/pick/source-selection.js';
import { suggestPorts } from '../../../src/pick/suggest.js';
import { combineVerdicts, type AnyVerdict } from '../../../src/pick/verdict.js';
import { entry, fakeSources, nmapEntry } from './fake-sources.js';

describe('parseSourceList', () => {
  it('takes a comma list or an array, in the order given, case-insensitive', () => {
    expect(parseSourceList('iana, NMAP,defaults')).toEqual(['iana', 'nmap', 'defaults']);
    expect(parseSourceList(['iana', 'cmdb'], { customNames: ['cmdb'] })).toEqual(['iana', 'cmdb']);
    expect(parseSourceList([...SELECTABLE_SOURCES])).toEqual([...SELECTABLE_SOURCES]);
  });

  it.each([
    ['', /got none/],
    ['iana,,nmap', /got ``/],
    ['iana,cmdb', /got `cmdb`/],
    ['iana,nmap,nmap', /`nmap` twice/],
    ['nmap,defaults', /include iana/],
  ])('refuses %j', (value, message) => {
    expect(() => parseSourceList(value)).toThrow(message);
  });

  it('refuses a name a command does not read', () => {
    expect(() => parseSourceList('iana,bind', { allowed: ['iana', 'nmap'] })).toThrow(/among iana, nmap, got `bind`/);
  });
});

describe('checkPort with a source selection', () => {
  const sources = fakeSources({
    nmap: [nmapEntry(5005, 'tcp', 'hot', 0.2)],
    services: [entry('services', 5005, 'tcp', ['svc'])],
  });

  it('a source left out is not-checked with its own sentence, and listed apart from the sources that could not be checked', () => {
    const report = checkPort({ ...sources, consulted: ['iana', 'services'] }, { port: 5005, protocol: 'tcp' });
    expect(report.conflicts).toEqual(['services']);
    const nmap = report.verdicts.find((verdict) => verdict.source === 'nmap');
    expect(nmap).toMatchObject({ status: 'not-checked', summary: 'Not consulted: nmap is left out of this run on request.' });
    expect(report.notConsulted).toContain('nmap');
    expect(report.notChecked).not.toContain('nmap');
    expect(report.notConsulted).not.toContain('ephemeral'); // each OS's default range still applies
  });

  it('suggest does not exclude by a source left out', () => {
    const options = { protocol: 'tcp', range: { start: 5000, end: 5010 }, count: 20 } as const;
    const all = suggestPorts(sources, options).candidates.map((candidate) => candidate.port);
    const some = suggestPorts({ ...sources, consulted: ['iana'] }, options).candidates.map((candidate) => candidate.port);
    expect(all).not.toContain(5005);
    expect(some).toContain(5005);
  });
});

describe('combineVerdicts', () => {
  const verdict = (source: string, status: AnyVerdict['status']): AnyVerdict =>
    ({ source, status, summary: '', evidence: { origin: '', findings: [] }, custom: true }) as AnyVerdict;

  it('strict turns a free port with a source not checked into unchecked; a conflict stays a conflict', () => {
    const verdicts = [verdict('iana', 'ok'), verdict('nmap', 'not-checked')];
    expect(combineVerdicts(verdicts)).toMatchObject({ overall: 'free', notChecked: ['nmap'] });
    expect(combineVerdicts(verdicts, { strict: true })).toMatchObject({ overall: 'unchecked' });
    expect(combineVerdicts([...verdicts, verdict('services', 'conflict')], { strict: true })).toMatchObject({ overall: 'conflict' });
  });

  it('strict does not count a source left out on request', () => {
    const verdicts = [verdict('iana', 'ok'), verdict('nmap', 'not-checked')];
    expect(combineVerdicts(verdicts, { strict: true, notConsulted: new Set(['nmap']) })).toMatchObject({
      overall: 'free',
      notChecked: [],
      notConsulted: ['nmap'],
    });
  });
});
