import { describe, expect, it } from 'vitest';
import { checkPort, type CheckReport } from '../../../src/pick/check.js';
import { possessive } from '../../../src/pick/defaults-verdict.js';
import type { SourceVerdict, VerdictSource } from '../../../src/pick/verdict.js';
import type { OsReservedPorts } from '../../../src/registry/os-reserved-ports.js';
import { defaultsEntry, fakeOrg, fakeSources } from './fake-sources.js';

function verdict<S extends VerdictSource>(report: CheckReport, source: S): Extract<SourceVerdict, { source: S }> {
  const found = report.verdicts.find((v) => v.source === source);
  if (!found) throw new Error(`no ${source} verdict`);
  return found as Extract<SourceVerdict, { source: S }>;
}

describe('defaults verdict', () => {
  const sources = fakeSources({
    defaults: [
      defaultsEntry(5173, 'tcp', 'Vite', 'dev server', 'https://vite.dev/config/server-options#server-port'),
      defaultsEntry(3000, 'tcp', 'Next.js', 'dev server'),
      defaultsEntry(3000, 'tcp', 'Rails', 'web server'),
      defaultsEntry(6443, 'tcp', 'Kubernetes', 'API server'),
      defaultsEntry(8125, 'udp', 'StatsD', 'daemon'),
    ],
  });

  it('a port a well-known product defaults to is a conflict naming it, with the citation in the evidence', () => {
    const report = checkPort(sources, { port: 5173, protocol: 'tcp' });
    const v = verdict(report, 'defaults');
    expect(v.status).toBe('conflict');
    expect(v.summary).toBe("Vite's dev server defaults to 5173/tcp.");
    expect(v.evidence.defaults).toHaveLength(1);
    expect(v.evidence.defaults[0]?.citation).toEqual({
      url: 'https://vite.dev/config/server-options#server-port',
      kind: 'documentation',
      checked: '2026-08-01',
    });
    expect(report.overall).toBe('conflict');
    expect(report.conflicts).toEqual(['defaults']);
  });

  it('names every product that shares a port', () => {
    const v = verdict(checkPort(sources, { port: 3000, protocol: 'tcp' }), 'defaults');
    expect(v.summary).toBe("Next.js's dev server and Rails' web server default to 3000/tcp.");
    expect(v.evidence.defaults.map((d) => d.product)).toEqual(['Next.js', 'Rails']);
  });

  it('names three products and counts the rest; the evidence keeps every one', () => {
    const crowded = fakeSources({ defaults: ['A', 'B', 'C', 'D', 'E'].map((product) => defaultsEntry(4000, 'tcp', product, 'server')) });
    const v = verdict(checkPort(crowded, { port: 4000, protocol: 'tcp' }), 'defaults');
    expect(v.summary).toBe("A's server, B's server, C's server and 2 more default to 4000/tcp.");
    expect(v.evidence.defaults).toHaveLength(5);
  });

  it('judges each protocol apart', () => {
    expect(verdict(checkPort(sources, { port: 8125, protocol: 'udp' }), 'defaults').status).toBe('conflict');
    expect(verdict(checkPort(sources, { port: 8125, protocol: 'tcp' }), 'defaults').status).toBe('ok');
    expect(verdict(checkPort(sources, { port: 5173, protocol: 'udp' }), 'defaults').status).toBe('ok');
  });

  it('is not-checked without the dataset, never ok', () => {
    const v = verdict(checkPort(fakeSources({ defaults: null }), { port: 5173, protocol: 'tcp' }), 'defaults');
    expect(v.status).toBe('not-checked');
    expect(v.summary).toMatch(/NOT checked/);
  });

  it('writes possessives as English does', () => {
    expect(possessive('Vite')).toBe("Vite's");
    expect(possessive('Kubernetes')).toBe("Kubernetes'");
    expect(possessive('Node.js')).toBe("Node.js's");
    expect(possessive('NestJS')).toBe("NestJS's");
  });
});

describe('org verdict', () => {
  const org = fakeOrg([
    { first: 8080, file: 'org/api/docker-compose.yml', line: 12, owner: 'service api' },
    { first: 8080, file: 'org/k8s/api.yaml', line: 30, kind: 'kubernetes', owner: 'Deployment/api container app', field: 'containerPort' },
    { first: 9000, last: 9002, protocol: 'udp', file: 'org/Dockerfile', line: 4, kind: 'dockerfile', owner: 'image', field: 'EXPOSE' },
    { first: 4000, file: 'org/web/package.json', line: 6, kind: 'package-json', owner: 'script start', field: '-p', confidence: 'low' },
  ]);
  const sources = fakeSources({ org });

  it('a port the organisation declares is a conflict naming file and line', () => {
    const v = verdict(checkPort(sources, { port: 8080, protocol: 'tcp' }), 'org');
    expect(v.status).toBe('conflict');
    expect(v.summary).toContain('service api at org/api/docker-compose.yml:12 (ports)');
    expect(v.summary).toContain('Deployment/api container app at org/k8s/api.yaml:30 (containerPort)');
    expect(v.evidence.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['org/api/docker-compose.yml:12', 'org/k8s/api.yaml:30']);
    expect(v.evidence.roots).toEqual(['org']);
  });

  it('covers every port of a declared range, for its protocol only', () => {
    expect(verdict(checkPort(sources, { port: 9001, protocol: 'udp' }), 'org').status).toBe('conflict');
    expect(verdict(checkPort(sources, { port: 9001, protocol: 'tcp' }), 'org').status).toBe('ok');
  });

  it('a reading of low confidence alone is a warning', () => {
    const v = verdict(checkPort(sources, { port: 4000, protocol: 'tcp' }), 'org');
    expect(v.status).toBe('warning');
    expect(v.summary).toContain('may use');
    expect(v.summary).toContain('low confidence');
  });

  it('says when files could not be read, and is not-checked without --org', () => {
    const withProblems = fakeSources({ org: fakeOrg([], [{ file: 'org/bad.yaml', line: 3, problem: 'malformed', message: 'x' }]) });
    const v = verdict(checkPort(withProblems, { port: 8080, protocol: 'tcp' }), 'org');
    expect(v.status).toBe('ok');
    expect(v.summary).toContain('1 file(s) could not be read');
    expect(verdict(checkPort(fakeSources(), { port: 8080, protocol: 'tcp' }), 'org').status).toBe('not-checked');
  });
});

describe('kubernetes verdict', () => {
  it('the NodePort range is a warning, a conflict with k8s, and ok outside', () => {
    expect(verdict(checkPort(fakeSources(), { port: 30000, protocol: 'tcp' }), 'kubernetes').status).toBe('warning');
    expect(verdict(checkPort(fakeSources(), { port: 32767, protocol: 'udp' }), 'kubernetes').status).toBe('warning');
    const withK8s = checkPort(fakeSources(), { port: 31000, protocol: 'tcp', k8s: true });
    expect(verdict(withK8s, 'kubernetes').status).toBe('conflict');
    expect(verdict(withK8s, 'kubernetes').summary).toContain('30000-32767');
    expect(withK8s.overall).toBe('conflict');
    expect(verdict(checkPort(fakeSources(), { port: 29999, protocol: 'tcp', k8s: true }), 'kubernetes').status).toBe('ok');
    expect(verdict(checkPort(fakeSources(), { port: 32768, protocol: 'tcp', k8s: true }), 'kubernetes').status).toBe('ok');
  });

  it('refuses a k8s that is not a boolean', () => {
    expect(() => checkPort(fakeSources(), { port: 31000, protocol: 'tcp', k8s: 'yes' as never })).toThrow(/k8s/);
  });
});

describe('os-reserved verdict', () => {
  const windows: OsReservedPorts = {
    linux: null,
    windows: {
      tcp: [
        { start: 5357, end: 5357, administered: false },
        { start: 50000, end: 50059, administered: true },
      ],
      udp: [{ start: 56030, end: 56129, administered: false }],
      origin: 'netsh int ipv4 show excludedportrange',
    },
  };
  const linux: OsReservedPorts = { linux: { ranges: [{ start: 9000, end: 9010 }], origin: '/proc/sys/net/ipv4/ip_local_reserved_ports' }, windows: null };

  it('a Windows excluded range is a conflict for its protocol', () => {
    const v = verdict(checkPort(fakeSources({ osReserved: windows }), { port: 5357, protocol: 'tcp' }), 'os-reserved');
    expect(v.status).toBe('conflict');
    expect(v.summary).toContain('access denied');
    expect(v.evidence.windowsExcluded).toEqual([{ start: 5357, end: 5357, administered: false }]);
    expect(verdict(checkPort(fakeSources({ osReserved: windows }), { port: 5357, protocol: 'udp' }), 'os-reserved').status).toBe('ok');
    expect(verdict(checkPort(fakeSources({ osReserved: windows }), { port: 56100, protocol: 'udp' }), 'os-reserved').status).toBe('conflict');
  });

  it("this machine's ip_local_reserved_ports is a warning", () => {
    const v = verdict(checkPort(fakeSources({ osReserved: linux }), { port: 9005, protocol: 'udp' }), 'os-reserved');
    expect(v.status).toBe('warning');
    expect(v.summary).toContain('ip_local_reserved_ports');
    expect(verdict(checkPort(fakeSources({ osReserved: linux }), { port: 9011, protocol: 'tcp' }), 'os-reserved').status).toBe('ok');
  });

  it('is not-checked when nothing was read, with the source note', () => {
    const sources = { ...fakeSources(), status: [{ id: 'os-reserved' as const, available: false, origin: 'none', entries: 0, note: 'portpick reads no reserved-port list on darwin: reserved ports of this machine were NOT checked' }] };
    const v = verdict(checkPort(sources, { port: 9005, protocol: 'tcp' }), 'os-reserved');
    expect(v.status).toBe('not-checked');
    expect(v.summary).toBe('Portpick reads no reserved-port list on darwin: reserved ports of this machine were NOT checked.');
  });
});
