import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PortSpecError } from '../../../src/errors/index.js';
import { checkPort, type CheckReport } from '../../../src/pick/check.js';
import { VERDICT_SOURCES, type SourceVerdict, type VerdictSource } from '../../../src/pick/verdict.js';
import { LINUX_EPHEMERAL, WINDOWS_EPHEMERAL, baseIana, entry, fakeSources, nmapEntry } from './fake-sources.js';

function verdict<S extends VerdictSource>(report: CheckReport, source: S): Extract<SourceVerdict, { source: S }> {
  const found = report.verdicts.find((v) => v.source === source);
  if (!found) throw new Error(`no ${source} verdict`);
  return found as Extract<SourceVerdict, { source: S }>;
}

const FREE_PORT = 4999;

describe('checkPort', () => {
  it('gives one verdict per source, in order, and free when nothing conflicts', () => {
    const report = checkPort(fakeSources(), { port: FREE_PORT, protocol: 'tcp' });
    expect(report.verdicts.map((v) => v.source)).toEqual([...VERDICT_SOURCES]);
    expect(report.overall).toBe('free');
    expect(report.conflicts).toEqual([]);
    // No bind probe, no --org directory, no OS reserved list and no network sweep were given: reported, not passed.
    expect(report.notChecked).toEqual(['bind', 'org', 'os-reserved', 'network']);
    expect(report.classification.range.name).toBe('User');
  });

  it('reports a conflict as its overall verdict and leaves the exit code to the command line', () => {
    const report = checkPort(fakeSources(), { port: 1023, protocol: 'tcp' });
    expect(report.overall).toBe('conflict');
    expect(report).not.toHaveProperty('exitCode');
  });

  describe('iana', () => {
    const sources = fakeSources({
      iana: baseIana([
        { port: 8080, protocol: 'tcp', state: 'assigned', names: ['http-alt'], description: 'HTTP Alternate' },
        { port: 8080, protocol: 'udp', state: 'reserved' },
        { port: 7005, protocol: 'tcp', state: 'unassigned', extra: { unauthorizedUse: 'port 7005 used by Foo' } },
      ]),
    });

    it('assigned is a conflict naming the service', () => {
      const v = verdict(checkPort(sources, { port: 8080, protocol: 'tcp' }), 'iana');
      expect(v.status).toBe('conflict');
      expect(v.evidence.state).toBe('assigned');
      expect(v.evidence.names).toContain('http-alt');
      expect(v.summary).toContain('http-alt');
      expect(v.summary).toContain('HTTP Alternate');
    });

    it('reserved is a conflict with the status text', () => {
      const v = verdict(checkPort(sources, { port: 1023, protocol: 'tcp' }), 'iana');
      expect(v.status).toBe('conflict');
      expect(v.evidence.statusText).toEqual(['Reserved [RFC6335]']);
      expect(v.summary).toContain('Reserved [RFC6335]');
      expect(verdict(checkPort(sources, { port: 8080, protocol: 'udp' }), 'iana').evidence.state).toBe('reserved');
    });

    it('unknown (a gap) is a conflict, not free', () => {
      const gap = fakeSources({ iana: [{ port: [5000, 5001], state: 'unassigned' }] });
      const report = checkPort(gap, { port: 5002, protocol: 'tcp' });
      expect(verdict(report, 'iana').status).toBe('conflict');
      expect(verdict(report, 'iana').summary).toContain('gap in the registry is not free');
      expect(report.overall).toBe('conflict');
    });

    it('unassigned is ok; with unauthorized use reported it is a warning', () => {
      expect(verdict(checkPort(sources, { port: 7004, protocol: 'tcp' }), 'iana').status).toBe('ok');
      const v = verdict(checkPort(sources, { port: 7005, protocol: 'tcp' }), 'iana');
      expect(v.status).toBe('warning');
      expect(v.evidence.unauthorizedUse).toEqual(['port 7005 used by Foo']);
      expect(v.summary).toContain('port 7005 used by Foo');
    });
  });

  describe('nmap', () => {
    const sources = fakeSources({
      nmap: [nmapEntry(5000, 'tcp', 'upnp', 0.003), nmapEntry(5001, 'tcp', 'commplex-link', 0), nmapEntry(5002, 'tcp', 'unknown', 0.0001)],
    });

    it('frequency > 0 is a conflict (unknown-named observations too)', () => {
      const v = verdict(checkPort(sources, { port: 5000, protocol: 'tcp' }), 'nmap');
      expect(v.status).toBe('conflict');
      expect(v.evidence.frequency).toBe(0.003);
      expect(v.summary).toContain('upnp');
      expect(verdict(checkPort(sources, { port: 5002, protocol: 'tcp' }), 'nmap').status).toBe('conflict');
    });

    it('listed with frequency 0 is a warning', () => {
      const v = verdict(checkPort(sources, { port: 5001, protocol: 'tcp' }), 'nmap');
      expect(v.status).toBe('warning');
      expect(v.evidence).toEqual({ entries: [{ name: 'commplex-link', frequency: 0 }], frequency: 0 });
    });

    it('absent is ok; another protocol does not count', () => {
      expect(verdict(checkPort(sources, { port: 5003, protocol: 'tcp' }), 'nmap').status).toBe('ok');
      expect(verdict(checkPort(sources, { port: 5000, protocol: 'udp' }), 'nmap').status).toBe('ok');
    });

    it('a missing nmap-services is not-checked, never a pass', () => {
      const report = checkPort(fakeSources({ nmap: null }), { port: FREE_PORT, protocol: 'tcp' });
      const v = verdict(report, 'nmap');
      expect(v.status).toBe('not-checked');
      expect(v.summary).toContain('NOT checked');
      expect(report.notChecked).toContain('nmap');
    });
  });

  it('services: an entry is a conflict with file and line', () => {
    const sources = fakeSources({ services: [entry('services', 5000, 'tcp', ['myapp', 'alias'], { file: '/etc/services', line: 12 })] });
    const v = verdict(checkPort(sources, { port: 5000, protocol: 'tcp' }), 'services');
    expect(v.status).toBe('conflict');
    expect(v.evidence.entries).toEqual([{ names: ['myapp', 'alias'], file: '/etc/services', line: 12 }]);
    expect(v.summary).toContain('/etc/services:12');
    expect(verdict(checkPort(fakeSources({ services: null }), { port: 5000, protocol: 'tcp' }), 'services').status).toBe('not-checked');
    expect(verdict(checkPort(sources, { port: 5001, protocol: 'tcp' }), 'services').status).toBe('ok');
  });

  it('listeners: a listening socket is a conflict with address and process', () => {
    const sources = fakeSources({
      listeners: [entry('listeners', 5000, 'tcp', [], { address: '127.0.0.1', process: { pid: 42, command: 'node' } })],
    });
    const v = verdict(checkPort(sources, { port: 5000, protocol: 'tcp' }), 'listeners');
    expect(v.status).toBe('conflict');
    expect(v.evidence.sockets).toEqual([{ address: '127.0.0.1', process: { pid: 42, command: 'node' } }]);
    expect(v.summary).toContain('127.0.0.1 (node, pid 42)');
    expect(verdict(checkPort(fakeSources({ listeners: null }), { port: 5000, protocol: 'tcp' }), 'listeners').status).toBe('not-checked');
  });

  describe('bind probe', () => {
    const check = (bindProbe: Parameters<typeof checkPort>[1]['bindProbe']) =>
      verdict(checkPort(fakeSources(), { port: FREE_PORT, protocol: 'tcp', bindProbe }), 'bind');

    it('in-use anywhere is a conflict', () => {
      const v = check([
        { address: '0.0.0.0', outcome: 'free' },
        { address: '::', outcome: 'in-use' },
      ]);
      expect(v.status).toBe('conflict');
      expect(v.summary).toContain('::');
    });

    it('denied is a warning, all free is ok', () => {
      expect(check([{ address: '0.0.0.0', outcome: 'denied' }]).status).toBe('warning');
      // An unexpected bind error cannot prove the port free.
      expect(check([{ address: '0.0.0.0', outcome: 'error', code: 'EINVAL' }]).status).toBe('warning');
      expect(check([{ address: '0.0.0.0', outcome: 'free' }, { address: '::', outcome: 'unsupported' }]).status).toBe('ok');
    });

    it('absent, empty or only unsupported is not-checked', () => {
      expect(check(null).status).toBe('not-checked');
      expect(check(undefined).status).toBe('not-checked');
      expect(check([]).status).toBe('not-checked');
      expect(check([{ address: '::', outcome: 'unsupported' }]).status).toBe('not-checked');
    });
  });

  it('reservations: a reservation is a conflict with owner, service and note', () => {
    const sources = fakeSources({
      reservations: [entry('reservations', 5000, 'tcp', ['billing'], { owner: 'team-pay', note: 'prod only' })],
    });
    const v = verdict(checkPort(sources, { port: 5000, protocol: 'tcp' }), 'reservations');
    expect(v.status).toBe('conflict');
    expect(v.evidence.reservations).toEqual([{ service: ['billing'], owner: 'team-pay', note: 'prod only' }]);
    expect(v.summary).toBe('Reserved 5000/tcp for billing by team-pay (prod only).');
    expect(verdict(checkPort(fakeSources({ reservations: null }), { port: 5000, protocol: 'tcp' }), 'reservations').status).toBe(
      'not-checked',
    );
  });

  it('ephemeral: inside an OS range is a warning that explains the Linux overlap', () => {
    const sources = fakeSources({ ephemeral: [LINUX_EPHEMERAL, WINDOWS_EPHEMERAL] });
    const inside = checkPort(sources, { port: 40000, protocol: 'tcp' });
    const v = verdict(inside, 'ephemeral');
    expect(v.status).toBe('warning');
    expect(v.evidence.containing).toEqual([LINUX_EPHEMERAL]);
    expect(v.summary).toContain('linux 32768-60999');
    expect(v.summary).toContain('ip_local_reserved_ports');
    expect(inside.overall).toBe('free');
    expect(verdict(checkPort(sources, { port: 4000, protocol: 'tcp' }), 'ephemeral').status).toBe('ok');
    expect(verdict(checkPort(fakeSources({ ephemeral: [] }), { port: 4000, protocol: 'tcp' }), 'ephemeral').status).toBe('not-checked');
  });

  it('range: Dynamic is a conflict, System a warning, User ok', () => {
    const sources = fakeSources();
    expect(verdict(checkPort(sources, { port: 50000, protocol: 'tcp' }), 'range').status).toBe('conflict');
    expect(verdict(checkPort(sources, { port: 50000, protocol: 'tcp' }), 'range').summary).toContain('MUST NOT');
    expect(verdict(checkPort(sources, { port: 500, protocol: 'tcp' }), 'range').status).toBe('warning');
    expect(verdict(checkPort(sources, { port: 5000, protocol: 'tcp' }), 'range').status).toBe('ok');
    // A Dynamic port with no IANA row conflicts for both reasons.
    expect(checkPort(sources, { port: 65535, protocol: 'tcp' }).conflicts).toEqual(['iana', 'range']);
  });

  it('browser-unsafe: a conflict only for HTTP services', () => {
    const unsafe = new Set([6000, 6665]);
    const sources = fakeSources();
    const http = checkPort(sources, { port: 6000, protocol: 'tcp', http: true, browserUnsafe: unsafe });
    expect(verdict(http, 'browser-unsafe').status).toBe('conflict');
    expect(verdict(http, 'browser-unsafe').evidence).toEqual({ http: true, listed: true });
    const plain = checkPort(sources, { port: 6000, protocol: 'tcp', browserUnsafe: unsafe });
    expect(verdict(plain, 'browser-unsafe').status).toBe('ok');
    expect(verdict(checkPort(sources, { port: 6001, protocol: 'tcp', http: true, browserUnsafe: unsafe }), 'browser-unsafe').status).toBe('ok');
    expect(verdict(checkPort(sources, { port: 6000, protocol: 'tcp', http: true }), 'browser-unsafe').status).toBe('not-checked');
  });

  describe('network', () => {
    const finding = {
      networks: ['198.51.100.0/24'],
      openOn: [
        { address: '198.51.100.7', port: 5000 },
        { address: '198.51.100.9', port: 5001 },
      ],
      probes: 512,
      complete: true,
    };

    it('open on a swept host is a conflict naming the hosts', () => {
      const v = verdict(checkPort(fakeSources(), { port: 5000, protocol: 'tcp', network: finding }), 'network');
      expect(v.status).toBe('conflict');
      expect(v.evidence.openOn).toEqual(['198.51.100.7']);
      expect(v.summary).toContain('198.51.100.7');
    });

    it('closed everywhere is ok; an incomplete sweep is a warning; no sweep is not-checked', () => {
      expect(verdict(checkPort(fakeSources(), { port: 5002, protocol: 'tcp', network: finding }), 'network').status).toBe('ok');
      const partial = { ...finding, complete: false };
      expect(verdict(checkPort(fakeSources(), { port: 5002, protocol: 'tcp', network: partial }), 'network').status).toBe('warning');
      expect(verdict(checkPort(fakeSources(), { port: 5002, protocol: 'tcp', network: null }), 'network').status).toBe('not-checked');
    });
  });

  it('warnings alone keep the port free', () => {
    const sources = fakeSources({ nmap: [nmapEntry(40000, 'tcp', 'old-name', 0)] });
    const report = checkPort(sources, { port: 40000, protocol: 'tcp' });
    expect(report.warnings).toEqual(['nmap', 'ephemeral']);
    expect(report.overall).toBe('free');
  });

  it('validates its input', () => {
    const sources = fakeSources();
    expect(() => checkPort(sources, { port: 0, protocol: 'tcp' })).toThrow('Expected a port from 1 to 65535, got `0`');
    expect(() => checkPort(sources, { port: 70000, protocol: 'tcp' })).toThrow(PortSpecError);
    expect(() => checkPort(sources, { port: 80, protocol: 'ip' as never })).toThrow(InvalidArgumentError);
    expect(() => checkPort(sources, { port: 80, protocol: 'tcp', http: 'yes' as never })).toThrow('Expected `http` to be a boolean');
  });
});
