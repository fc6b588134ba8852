import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  NoFreePortError,
  SourceUnavailableError,
  UncheckedSourcesError,
  check,
  checkPorts,
  freePorts,
  loadSources,
  mapPorts,
  pickPort,
  portMapJson,
  suggest,
  type CustomSource,
  type LoadSourcesOptions,
} from '../../../src/index.js';
import { repoRoot } from '../../helpers/registry-files.js';
import { lab } from '../../helpers/lab.js';

/** The library half of docs/scripting.md: pickPort, checkPorts, strict, consult, caller sources, reservations as data, AbortSignal. */

const fixtures = join(repoRoot, 'test', 'fixtures', 'cli');
/** The small hand-written sources: IANA 7400-7420 Unassigned but 7410 (assigned) and 7411 (Reserved); nmap saw 7401 open; 7403 in services; 7404 reserved. */
const small: LoadSourcesOptions = {
  ianaFile: join(fixtures, 'iana-small.csv'),
  nmapServicesFile: join(fixtures, 'nmap-services-small'),
  servicesFile: join(fixtures, 'services-small'),
  reservationsFile: join(fixtures, 'reservations.json'),
  defaultsFile: join(repoRoot, 'test', 'fixtures', 'defaults', 'well-known-defaults-small.json'),
  listeners: false,
};
const noProbe = { bindProbe: false } as const;

/** A caller's inventory: a CMDB that holds 7405 and 7406. */
function cmdb(options: Partial<CustomSource> = {}): CustomSource {
  const held = new Map([
    [7405, 'billing-api (team payments)'],
    [7406, 'ledger (team payments)'],
  ]);
  return {
    name: 'cmdb',
    origin: 'https://cmdb.example.org',
    lookup: (protocol, port) => (protocol === 'tcp' && held.has(port) ? [{ description: held.get(port) as string, details: { ticket: `OPS-${port}` } }] : []),
    ...options,
  };
}

describe('pickPort', () => {
  it('is the first candidate of suggest({ name, count: 1 }), and the same on every call', async () => {
    const sources = await loadSources(small);
    const picked = await pickPort({ sources, name: 'myservice', ...noProbe });
    const again = await pickPort({ sources, name: 'MyService', ...noProbe });
    const suggested = await suggest({ sources, name: 'myservice', count: 1, ...noProbe });
    expect(picked.port).toBe(suggested.candidates[0]?.port);
    expect(again.port).toBe(picked.port); // names are case-insensitive
    expect(picked.candidate.sequencePosition).toBeGreaterThanOrEqual(0);
  });

  it('throws NoFreePortError when nothing passes, and InvalidArgumentError without a name', async () => {
    const sources = await loadSources(small);
    await expect(pickPort({ sources, name: 'x', range: '7410-7411', ...noProbe })).rejects.toThrow(NoFreePortError);
    await expect(pickPort({ sources, name: '  ', ...noProbe })).rejects.toThrow(InvalidArgumentError);
  });
});

describe('checkPorts', () => {
  it('judges several ports against sources loaded once', async () => {
    const result = await checkPorts({ ...small, ports: [7405, '7401', 7410], ...noProbe });
    expect(result.reports.map((report) => [report.port, report.overall])).toEqual([
      [7405, 'free'],
      [7401, 'conflict'],
      [7410, 'conflict'],
    ]);
    expect(result.overall).toBe('conflict');
    expect(result).not.toHaveProperty('exitCode');
    await expect(checkPorts({ ...small, ports: [] })).rejects.toThrow(/at least one port/);
  });
});

describe('strict', () => {
  it('check: a source consulted but not checked makes a free port `unchecked`', async () => {
    const sources = await loadSources({ ...small, nmapServicesFile: undefined, consult: ['iana', 'defaults', 'services', 'reservations'] });
    expect((await check({ sources, port: 7405, strict: true, ...noProbe })).overall).toBe('free');
    const missing = await loadSources({ ...small, orgDirs: [], consult: undefined });
    const report = await check({ sources: missing, port: 7405, strict: true, ...noProbe });
    expect(report).toMatchObject({ overall: 'unchecked', strict: true });
    expect(report.notChecked).toEqual(['org', 'network']);
    expect(report.notConsulted).toEqual(['listeners', 'bind']);
    const lenient = await check({ sources: missing, port: 7405, ...noProbe });
    expect(lenient).toMatchObject({ overall: 'free', strict: false });
  });

  it('suggest and pickPort refuse with UncheckedSourcesError naming each source and why', async () => {
    const sources = await loadSources(small);
    const refused = suggest({ sources, strict: true, ...noProbe });
    await expect(refused).rejects.toThrow(UncheckedSourcesError);
    const error = (await refused.catch((caught: unknown) => caught)) as UncheckedSourcesError;
    expect(error.unchecked.map((item) => item.source)).toEqual(['org', 'network']);
    expect(error.unchecked[1]?.reason).toMatch(/no network was given to sweep/);
    await expect(pickPort({ sources, name: 'x', strict: true, ...noProbe })).rejects.toThrow(/got 2 that could not be: org \(.*\); network \(/);
  });
});

describe('consult', () => {
  it('loads only the sources named; the others are null and their status says not consulted', async () => {
    const sources = await loadSources({ ...small, consult: 'iana,nmap' });
    expect(sources.nmap).not.toBeNull();
    expect(sources.services).toBeNull();
    expect(sources.reservations).toBeNull();
    expect(sources.defaults).toBeNull();
    expect(sources.status.find((status) => status.id === 'services')).toMatchObject({ available: false, origin: 'not consulted' });
    expect(sources.ephemeral.every((range) => range.os !== 'this machine')).toBe(true);
    const report = await check({ sources, port: 7403, ...noProbe });
    expect(report.overall).toBe('free'); // 7403 is in the services file, left out
    expect(report.notConsulted).toContain('services');
  });

  it('names of sources must be known, once, with iana; a named source that is unavailable throws', async () => {
    await expect(loadSources({ ...small, consult: ['iana', 'nope'] })).rejects.toThrow(InvalidArgumentError);
    await expect(loadSources({ ...small, consult: ['iana', 'nmap', 'nmap'] })).rejects.toThrow(/each source once/);
    await expect(loadSources({ ...small, consult: ['nmap'] })).rejects.toThrow(/include iana/);
    await expect(loadSources({ ...small, consult: ['iana', 'org'] })).rejects.toThrow(SourceUnavailableError);
    await expect(check({ ...small, consult: ['iana', 'network'], port: 7405 })).rejects.toThrow(SourceUnavailableError);
    const sources = await loadSources(small);
    await expect(check({ sources, consult: ['iana'], port: 7405 })).rejects.toThrow(/give `consult` to loadSources/);
  });
});

describe('reservations as data', () => {
  it('are judged like the same reservations in a file', async () => {
    const { reservationsFile: _file, ...withoutFile } = small;
    const fromData = await check({
      ...withoutFile,
      reservations: [{ port: 7404, protocol: 'tcp', service: 'billing', owner: 'payments-team', note: 'prod default' }],
      port: 7404,
      ...noProbe,
    });
    const fromFile = await check({ ...small, port: 7404, ...noProbe });
    const verdict = (report: typeof fromData) => report.verdicts.find((candidate) => candidate.source === 'reservations');
    expect(verdict(fromData)?.summary).toBe(verdict(fromFile)?.summary);
    expect(fromData.conflicts).toEqual(['reservations']);
    const ranged = await suggest({ ...withoutFile, reservations: [{ ports: '7400-7408', service: 'team-block' }], range: '7400-7420', count: 30, ...noProbe });
    expect(ranged.candidates.some((candidate) => candidate.port <= 7408)).toBe(false);
    expect(ranged.excluded.bySource.reservations).toBe(7); // of 7400-7408, 7401 and 7403 go to nmap and services first
  });

  it('with the file reader\'s rules and messages; not with a file as well', async () => {
    const { reservationsFile: _file, ...withoutFile } = small;
    await expect(loadSources({ ...withoutFile, reservations: [{ port: 70000, service: 'x' }] })).rejects.toThrow(
      /^Expected reservation 1 `port` to be a whole number from 1 to 65535, got `70000` \(number\)$/,
    );
    await expect(loadSources({ ...withoutFile, reservations: [{ port: 7400 } as never] })).rejects.toThrow(/reservation 1 `service`/);
    await expect(loadSources({ ...withoutFile, reservations: [{ port: Number.NaN, service: 'x' }] })).rejects.toThrow(/`port` to be text or a number, got `NaN`/);
    await expect(loadSources({ ...withoutFile, reservations: 'x' as never })).rejects.toThrow(InvalidArgumentError);
    await expect(loadSources({ ...small, reservations: [] })).rejects.toThrow(/as a file or as data, got both/);
  });
});

describe('a source added by the caller', () => {
  it('is a verdict of check, with its findings as evidence', async () => {
    const report = await check({ ...small, customSources: [cmdb()], port: 7405, ...noProbe });
    expect(report.conflicts).toEqual(['cmdb']);
    const verdict = report.verdicts.find((candidate) => candidate.source === 'cmdb');
    expect(verdict).toMatchObject({
      custom: true,
      status: 'conflict',
      summary: 'cmdb holds 7405/tcp: billing-api (team payments).',
      evidence: { origin: 'https://cmdb.example.org', findings: [{ description: 'billing-api (team payments)', details: { ticket: 'OPS-7405' } }] },
    });
    expect((await check({ ...small, customSources: [cmdb()], port: 7407, ...noProbe })).overall).toBe('free');
  });

  it('is excluded by suggest and pickPort, and not free in freePorts, counted under its name', async () => {
    const sources = await loadSources({ ...small, customSources: [cmdb()] });
    const report = await suggest({ sources, range: '7400-7420', count: 30, ...noProbe });
    const ports = report.candidates.map((candidate) => candidate.port);
    expect(ports).not.toContain(7405);
    expect(ports).not.toContain(7406);
    expect(report.excluded.bySource.cmdb).toBe(2);
    expect(report.candidates[0]?.reasons).toContain('cmdb names nothing on it.');
    const free = await freePorts({ sources, start: 7400, end: 7420 });
    expect(free.ports).not.toContain(7405);
    expect(free.excluded.bySource.cmdb).toBe(2);
    const plain = await freePorts({ ...small, start: 7400, end: 7420 });
    expect(plain.ports).toContain(7405);
  });

  it('is drawn by the map as a layer of its own', async () => {
    const map = portMapJson(await mapPorts({ ...small, customSources: [cmdb()], range: '7400-7420' }));
    expect(map.layers.find((layer) => layer.source === 'cmdb')).toMatchObject({ available: true, conflicts: 2 });
  });

  it('that says it is unavailable is not-checked, fails strict, and cannot be named in consult', async () => {
    const down = cmdb({ available: false, note: 'the CMDB did not answer' });
    const report = await check({ ...small, customSources: [down], port: 7405, ...noProbe });
    expect(report.verdicts.find((candidate) => candidate.source === 'cmdb')).toMatchObject({
      status: 'not-checked',
      summary: 'cmdb was NOT checked: the CMDB did not answer.',
    });
    const sources = await loadSources({ ...small, customSources: [down], consult: ['iana', 'nmap'] });
    await expect(suggest({ sources, strict: true, ...noProbe })).resolves.toBeDefined();
    const all = await loadSources({ ...small, customSources: [down], consult: ['iana', 'nmap', 'services'] });
    expect(all.consulted).not.toContain('cmdb');
    await expect(loadSources({ ...small, customSources: [down], consult: ['iana', 'cmdb'] })).rejects.toThrow(/cmdb \(the CMDB did not answer\)/);
    const consulted = await loadSources({ ...small, customSources: [down] });
    await expect(suggest({ sources: consulted, strict: true, ...noProbe })).rejects.toThrow(/cmdb \(the CMDB did not answer\)/);
  });

  it('left out of consult is not asked, and the report says so', async () => {
    let asked = 0;
    const counting = cmdb({ lookup: () => (asked += 1, []) });
    const report = await check({ ...small, customSources: [counting], consult: ['iana', 'nmap'], port: 7405, ...noProbe });
    expect(report.notConsulted).toContain('cmdb');
    await suggest({ ...small, customSources: [counting], consult: ['iana', 'nmap'], ...noProbe });
    expect(asked).toBe(0);
  });

  it('must be well formed', async () => {
    await expect(loadSources({ ...small, customSources: [cmdb({ name: 'Bad Name' })] })).rejects.toThrow(/lower-case letters/);
    await expect(loadSources({ ...small, customSources: [cmdb({ name: 'nmap' })] })).rejects.toThrow(/no built-in source uses/);
    await expect(loadSources({ ...small, customSources: [cmdb(), cmdb()] })).rejects.toThrow(/`cmdb` twice/);
    await expect(loadSources({ ...small, customSources: [{ name: 'x' } as never] })).rejects.toThrow(/lookup\(protocol, port\)/);
    const wrong = cmdb({ lookup: () => 'yes' as never });
    await expect(check({ ...small, customSources: [wrong], port: 7405, ...noProbe })).rejects.toThrow(/return a list of findings, got `yes`/);
  });
});

describe('AbortSignal', () => {
  it('an aborted signal stops loadSources, check, suggest and pickPort before they start', async () => {
    const signal = AbortSignal.abort();
    await expect(loadSources({ ...small, signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(check({ ...small, port: 7405, signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(suggest({ ...small, signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(pickPort({ ...small, name: 'x', signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(loadSources({ ...small, signal: 'soon' as never })).rejects.toThrow(/`signal` to be an AbortSignal/);
  });

  it('the reason the caller gives is what the call rejects with', async () => {
    const controller = new AbortController();
    const reason = new Error('deploy cancelled');
    controller.abort(reason);
    await expect(suggest({ ...small, signal: controller.signal })).rejects.toBe(reason);
  });

  it.skipIf(!lab.available || !lab.nft)('aborting during a network sweep rejects check at once', async () => {
    const controller = new AbortController();
    const started = Date.now();
    // Every SYN to the silent lab range is dropped: the sweep would wait out every timeout of every try.
    const pending = check({ ...small, port: 7405, networks: ['198.19.0.1'], sweep: { mode: 'connect', timeoutMs: 5000, retries: 3 }, signal: controller.signal });
    setTimeout(() => controller.abort(), 200);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - started).toBeLessThan(4000);
  });
});
