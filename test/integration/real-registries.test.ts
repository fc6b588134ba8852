import { describe, expect, it } from 'vitest';
import { check, freePorts, loadSources, request, suggest } from '../../src/index.js';
import { hasSharedData, sharedData } from '../helpers/shared-data.js';

/**
 * The port picker end to end on the real registry files in ../shared/data
 * (read in place; skipped, visibly, where the folder is absent).
 */
describe.skipIf(!hasSharedData)('port choice on the real IANA CSV, nmap-services and Debian services', () => {
  const loading = loadSources({
    ianaFile: sharedData.ianaCsv,
    nmapServicesFile: sharedData.nmapServices,
    servicesFile: sharedData.etcServicesDebian,
    listeners: false,
  });

  it('counts the User-range pool the way the RFC 6335 method does', async () => {
    const sources = await loading;
    const free = await freePorts({ sources, start: 1024, end: 49151 });
    expect(free.ports).toHaveLength(42_441);
    const report = await suggest({ sources, bindProbe: false });
    // 1,273 unassigned ports are seen open by nmap (ratio > 0) and 2 more are in Debian's services file;
    // 17 more are listed by nmap with ratio 0 (never seen open): kept, ranked last.
    expect(report.excluded.bySource.nmap).toBe(1_273);
    expect(report.excluded.bySource.services).toBe(2);
    expect(report.poolSize).toBe(42_441 - 1_273 - 2);
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
