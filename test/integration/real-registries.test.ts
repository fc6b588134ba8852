import { describe, expect, it } from 'vitest';
import { check, freePorts, loadSources, request, suggest } from '../../src/index.js';
import { readFileSync } from 'node:fs';
import { parseIanaCsv } from '../../src/registry/iana-csv.js';
import { countNmapServices } from '../helpers/nmap-services-oracle.js';
import { join } from 'node:path';
import { hasEtcServices, hasNmapServices, registryFiles, repoRoot } from '../helpers/registry-files.js';

/**
 * The port picker end to end on the real registry files: the official IANA CSV
 * kept in the repository, the nmap-services the nmap package installed and the
 * system's services file (skipped, visibly, where either is absent).
 */
describe.skipIf(!hasNmapServices() || !hasEtcServices())('port choice on the real IANA CSV, nmap-services and services file', () => {
  const loading = loadSources({
    ianaFile: registryFiles.ianaCsv,
    nmapServicesFile: registryFiles.nmapServices,
    servicesFile: registryFiles.etcServices,
    listeners: false,
  });

  it('counts the User-range pool the way the RFC 6335 method does', async () => {
    const sources = await loading;
    const free = await freePorts({ sources, start: 1024, end: 49151 });
    expect(free.counted.unassigned).toBe(42_441);
    // The expected exclusions, counted independently: unassigned User ports that nmap saw
    // open (ratio > 0), then those of the rest that the services file lists. Ports nmap lists
    // with ratio 0 (never seen open) are kept, ranked last.
    const csv = parseIanaCsv(readFileSync(registryFiles.ianaCsv, 'utf8'), registryFiles.ianaCsv);
    const seenOpen = countNmapServices(readFileSync(registryFiles.nmapServices, 'utf8')).seenOpenTcp;
    const listed = servicesTcpPorts(readFileSync(registryFiles.etcServices, 'utf8'));
    const defaults = wellKnownTcpPorts(readFileSync(join(repoRoot, 'data', 'defaults', 'well-known-defaults.json'), 'utf8'));
    let byNmap = 0;
    let byDefaults = 0;
    let byServices = 0;
    for (let port = 1024; port <= 49151; port += 1) {
      if (csv.stateOf('tcp', port) !== 'unassigned') continue;
      if (seenOpen.has(port)) byNmap += 1;
      else if (defaults.has(port)) byDefaults += 1;
      else if (listed.has(port)) byServices += 1;
    }
    expect(byNmap).toBeGreaterThan(1_000);
    const report = await suggest({ sources, bindProbe: false });
    expect(report.excluded.bySource.nmap).toBe(byNmap);
    expect(report.excluded.bySource.defaults).toBe(byDefaults);
    expect(report.excluded.bySource.services ?? 0).toBe(byServices);
    expect(report.poolSize).toBe(42_441 - byNmap - byDefaults - byServices);
    // free lists exactly the pool suggest picks from.
    expect(free.ports).toHaveLength(report.poolSize);
  });

  it('judges 8080 a conflict with IANA, nmap and the services file', async () => {
    const sources = await loading;
    const report = await check({ sources, port: 8080, bindProbe: false });
    expect(report.overall).toBe('conflict');
    expect(report.conflicts).toEqual(expect.arrayContaining(['iana', 'nmap', 'services']));
  });

  it('suggests only ports that IANA leaves Unassigned and nmap never saw open, and each checks free', async () => {
    const sources = await loading;
    const report = await suggest({ sources, count: 20, name: 'portpick-test', bindProbe: false });
    expect(report.candidates).toHaveLength(20);
    for (const candidate of report.candidates) {
      expect(sources.iana.stateOf('tcp', candidate.port)).toBe('unassigned');
      const seen = sources.nmap?.lookup('tcp', candidate.port).some((entry) => (entry.extra.nmapFrequency ?? 0) > 0);
      expect(seen).toBeFalsy();
      const verdict = await check({ sources, port: candidate.port, bindProbe: false });
      expect(verdict.overall, `${candidate.port}: ${verdict.conflicts.join(',')}`).toBe('free');
    }
  });

  it('treats a gap in the registry (716/tcp has no row) as not free', async () => {
    const sources = await loading;
    const report = await check({ sources, port: 716, bindProbe: false });
    expect(report.overall).toBe('conflict');
    expect(sources.iana.stateOf('tcp', 716)).toBe('unknown');
  });

  it('refuses to draft a request for a registered name', async () => {
    const sources = await loading;
    const draft = await request({ sources, name: 'http', port: 47000, protocols: ['tcp'], bindProbe: false });
    expect(draft.valid).toBe(false);
    expect(draft.problems.join(' ')).toMatch(/http/);
  });
});

/** tcp ports the well-known defaults dataset lists, read from its JSON directly. */
function wellKnownTcpPorts(text: string): Set<number> {
  const ports = new Set<number>();
  const data = JSON.parse(text) as { entries: { ports: (number | { from: number; to: number })[]; protocols: string[] }[] };
  for (const entry of data.entries) {
    if (!entry.protocols.includes('tcp')) continue;
    for (const item of entry.ports) {
      const [from, to] = typeof item === 'number' ? [item, item] : [item.from, item.to];
      for (let port = from; port <= to; port += 1) ports.add(port);
    }
  }
  return ports;
}

/** tcp ports of a services file, read naively (`name port/proto …`, comments after `#`). */
function servicesTcpPorts(text: string): Set<number> {
  const ports = new Set<number>();
  for (const line of text.split('\n')) {
    const key = line.split('#')[0]!.trim().split(/\s+/)[1];
    if (key?.endsWith('/tcp')) ports.add(Number(key.slice(0, -4)));
  }
  return ports;
}
