import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';
import { required } from '../helpers/required.js';
import { cliFixtures, runCli, smallSources, type CliRun } from './run-cli.js';

/** Port choice in scripts and CI (docs/scripting.md): plain output, pick, several ports, --strict, --sources, schema ids. */

const temp = mkdtempSync(join(tmpdir(), 'portpick-scripting-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const iana = ['--iana', join(cliFixtures, 'iana-small.csv')];
const defaultsFile = ['--defaults', join(repoRoot, 'test', 'fixtures', 'defaults', 'well-known-defaults-small.json')];
const nmapSmall = ['--nmap-services', join(cliFixtures, 'nmap-services-small')];
const reservations = ['--reservations', join(cliFixtures, 'reservations.json')];

describe('suggest --plain and pick', () => {
  it('suggest --plain --count 1 prints one number and nothing else', async () => {
    const run = await runCli(['suggest', '--plain', '--count', '1', ...smallSources]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\d+\n$/);
    expect(run.stderr).toBe('');
  });

  it('suggest --plain prints the candidates one per line, in rank order', async () => {
    const plain = await runCli(['suggest', '--plain', '--count', '4', '--range', '7398-7422', ...smallSources]);
    const json = JSON.parse((await runCli(['suggest', '--json', '--count', '4', '--range', '7398-7422', ...smallSources])).stdout);
    expect(plain.stdout).toBe(`${json.candidates.map((candidate: { port: number }) => candidate.port).join('\n')}\n`);
  });

  it('suggest exits 1 when no port qualifies, and --plain then prints nothing', async () => {
    // 7410 is IANA-assigned, 7411 Reserved in the fixture.
    const run = await runCli(['suggest', '--plain', '--range', '7410-7411', ...smallSources]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
  });

  it('pick NAME is stable across runs and equal to suggest --name NAME --count 1', async () => {
    const first = await runCli(['pick', 'myservice', ...smallSources]);
    const second = await runCli(['pick', 'myservice', ...smallSources]);
    const suggested = JSON.parse((await runCli(['suggest', '--name', 'myservice', '--count', '1', '--json', ...smallSources])).stdout);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^\d+\n$/);
    expect(second.stdout).toBe(first.stdout);
    expect(Number(first.stdout)).toBe(suggested.candidates[0].port);
    // Another name walks its own sequence: over the fixture's 19 free ports, these two differ.
    const other = await runCli(['pick', 'billing-worker', ...smallSources]);
    expect(other.stdout).not.toBe(first.stdout);
  });

  it('pick --json carries the candidate with its reasons', async () => {
    const run = await runCli(['pick', 'myservice', '--json', ...smallSources]);
    const report = JSON.parse(run.stdout);
    expect(report.schema).toBe('portpick.pick/1');
    expect(report.name).toBe('myservice');
    expect(report.candidate.port).toBe(report.port);
    expect(report.candidate.reasons.join(' ')).toMatch(/sequence keyed by the name `myservice`/);
  });

  it('pick exits 2 naming the exclusions when no port passes', async () => {
    const run = await runCli(['pick', 'myservice', '--range', '7410-7411', ...smallSources]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/Expected a port in 7410-7411\/tcp that passes every source consulted, got none \(excluded: iana 2\)/);
  });
});

describe('check PORT…', () => {
  it('keeps the one-port output as it was', async () => {
    const run = await runCli(['check', '7405', ...smallSources]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^7405\/tcp: free — no source objects to it as a default port\n\n {2}\[ok {2}\] iana /);
    expect(run.stdout).not.toMatch(/ports: /);
  });

  it('gives one verdict block per port and exits 1 when any conflicts', async () => {
    const run = await runCli(['check', '7405', '7401', '7406', ...smallSources]);
    expect(run.code).toBe(1);
    const heads = run.stdout.split('\n').filter((line) => /^\d+\/tcp: /.test(line));
    expect(heads).toEqual([
      '7405/tcp: free — no source objects to it as a default port',
      '7401/tcp: CONFLICT — nmap',
      '7406/tcp: free — no source objects to it as a default port',
    ]);
    expect(run.stdout.trimEnd().split('\n').pop()).toBe('3 ports: 2 free, 1 conflict (7401).');
    const free = await runCli(['check', '7405', '7406', ...smallSources]);
    expect(free.code).toBe(0);
  });

  it('--json: one port is a portpick.check/1 object; several are a portpick.check-list/1 object', async () => {
    const one = JSON.parse((await runCli(['check', '7405', '--json', ...smallSources])).stdout);
    expect(one.schema).toBe('portpick.check/1');
    expect(one).toMatchObject({ port: 7405, overall: 'free', exitCode: 0 });
    const run = await runCli(['check', '7405', '7401', '--json', ...smallSources]);
    expect(run.code).toBe(1);
    const list = JSON.parse(run.stdout);
    expect(list).toMatchObject({ schema: 'portpick.check-list/1', overall: 'conflict', exitCode: 1 });
    expect(list.reports.map((report: { schema: string; port: number; overall: string; exitCode: number }) => [report.schema, report.port, report.overall, report.exitCode])).toEqual([
      ['portpick.check/1', 7405, 'free', 0],
      ['portpick.check/1', 7401, 'conflict', 1],
    ]);
  });

  it('refuses a port given twice and a bad port among good ones', async () => {
    const twice = await runCli(['check', '7405', '7405', ...smallSources]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/Expected each port once, got 7405 twice/);
    const bad = await runCli(['check', '7405', '70000', ...smallSources]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/port from 1 to 65535, got `70000`/);
  });
});

/**
 * Runs the CLI on a machine without nmap-services: an empty cache, and nmap's
 * install directories hidden behind empty ones in a mount namespace of its own
 * (the file is then absent exactly as on a machine without nmap: loadNmapServices
 * finds nothing in the cache or at the paths it looks in).
 */
function runWithoutNmap(args: string[]): Promise<CliRun> {
  const cache = mkdtempSync(join(temp, 'empty-cache-'));
  const empty = mkdtempSync(join(temp, 'empty-dir-'));
  const hidden = ['/usr/share/nmap', '/usr/local/share/nmap'].filter((dir) => existsSync(dir));
  const mounts = hidden.map((dir) => `mount --bind '${empty}' '${dir}' && `).join('');
  return runCli(args, {
    env: { PORTPICK_CACHE_DIR: cache },
    ...(hidden.length === 0 ? {} : { wrap: (command: string[]) => ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', `${mounts}exec "$@"`, 'sh', ...command] }),
  });
}

function canHideNmap(): boolean {
  const hidden = ['/usr/share/nmap', '/usr/local/share/nmap'].some((dir) => existsSync(dir));
  if (!hidden) return true;
  const probe = mkdtempSync(join(temp, 'probe-'));
  let works = false;
  try {
    // A mount namespace of our own (root, or root of the test's user namespace).
    const { status } = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c', `mount --bind '${probe}' /usr/share/nmap 2>/dev/null || mount --bind '${probe}' /usr/local/share/nmap`]);
    works = status === 0;
  } catch {
    works = false;
  }
  return required(works, 'a mount namespace (unshare --mount) to hide nmap-services', 'run the tests as root or where unshare -rn works');
}

describe('--strict', () => {
  const sources = ['--services', join(cliFixtures, 'services-small'), ...iana, ...defaultsFile, ...reservations, '--no-bind-probe'];
  const hideable = canHideNmap();

  it.skipIf(!hideable)('on a machine without nmap-services: check says NOT checked and exits 0; with --strict it exits 1 naming nmap', async () => {
    const lenient = await runWithoutNmap(['check', '7405', ...sources]);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect(lenient.stdout).toMatch(/\[n\/a \] nmap +nmap-services was not found: unofficial use in the wild was NOT checked\./);
    const gate = await runWithoutNmap(['check', '7405', ...sources, '--strict', '--json']);
    expect(gate.code).toBe(1);
    const report = JSON.parse(gate.stdout);
    expect(report).toMatchObject({ overall: 'unchecked', exitCode: 1 });
    expect(report.notChecked).toContain('nmap');
    expect(report.conflicts).toEqual([]);
    // The same gate with nmap left out of the sources passes: nothing it consults went unchecked.
    const without = await runWithoutNmap(['check', '7405', ...sources, '--strict', '--sources', 'iana,defaults,services,reservations']);
    expect(without.code, without.stdout).toBe(0);
  });

  it.skipIf(!hideable)('on a machine without nmap-services: suggest and pick --strict refuse, saying which; --sources naming nmap is an error', async () => {
    for (const command of [['suggest', '--count', '1'], ['pick', 'myservice']]) {
      const run = await runWithoutNmap([...command, ...sources, '--strict', '--sources', 'iana,nmap,defaults,services,reservations']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/Expected every source named in the sources to consult to be available, got 1 that is not: nmap \(nmap-services not found/);
      const strict = await runWithoutNmap([...command, ...sources, '--strict', '--sources', 'iana,defaults,services,reservations,listeners']);
      expect(strict.code).toBe(0);
      const all = await runWithoutNmap([...command, ...sources, '--strict']);
      expect(all.code).toBe(2);
      expect(all.stderr).toMatch(/Expected every source to be checked \(strict\), got \d+ that could not be: nmap \(nmap-services not found/);
      const lenient = await runWithoutNmap([...command, ...sources]);
      expect(lenient.code).toBe(0);
    }
  });

  it('check --strict fails on a source that could not be checked even where nmap-services is present (no network swept)', async () => {
    const run = await runCli(['check', '7405', ...smallSources, '--strict']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^7405\/tcp: UNCHECKED — no source objects, but org, network could not be checked \(--strict\)/);
    // A conflict stays a conflict under --strict.
    const conflict = JSON.parse((await runCli(['check', '7401', ...smallSources, '--strict', '--json'])).stdout);
    expect(conflict.overall).toBe('conflict');
  });

  it('the CI gate of docs/scripting.md: --strict with the sources named passes a free port and fails a taken one', async () => {
    const gate = ['--strict', '--sources', 'iana,nmap,defaults,reservations', ...iana, ...nmapSmall, ...defaultsFile, ...reservations];
    expect((await runCli(['check', '7405', ...gate])).code).toBe(0);
    expect((await runCli(['check', '7404', ...gate])).code).toBe(1);
  });
});

describe('--sources', () => {
  const reproducible = ['--sources', 'iana,nmap,defaults,reservations', ...iana, ...nmapSmall, ...defaultsFile, ...reservations];

  it('gives the same pick on two machines whose services files differ; without it the second machine picks another port', async () => {
    const first = await runCli(['pick', 'myservice', ...reproducible, '--services', join(cliFixtures, 'services-none')]);
    expect(first.code).toBe(0);
    const port = first.stdout.trim();
    // The second "machine" has a local service on that port.
    const services = join(temp, 'services-other-machine');
    writeFileSync(services, `local-app\t${port}/tcp\n`);
    const second = await runCli(['pick', 'myservice', ...reproducible, '--services', services]);
    expect(second.stdout.trim()).toBe(port);
    const unpinned = await runCli(['pick', 'myservice', ...iana, ...nmapSmall, ...defaultsFile, ...reservations, '--services', services]);
    expect(unpinned.stdout.trim()).not.toBe(port);
  });

  it('says in the report which sources were not consulted', async () => {
    const check = JSON.parse((await runCli(['check', '7403', '--json', ...reproducible, '--services', join(cliFixtures, 'services-small')])).stdout);
    // 7403 is in the services file, which the run does not consult.
    expect(check.overall).toBe('free');
    expect(check.notConsulted).toEqual(['services', 'listeners', 'bind', 'org', 'os-reserved', 'network']);
    expect(check.notChecked).toEqual([]);
    const services = check.verdicts.find((verdict: { source: string }) => verdict.source === 'services');
    expect(services).toMatchObject({ status: 'not-checked', summary: 'Not consulted: services is left out of this run on request.' });
    const text = await runCli(['check', '7403', ...reproducible]);
    expect(text.stdout).toContain('[--  ] services       Not consulted: services is left out of this run on request.');
    expect(text.stdout).toContain('Not consulted (left out on request): services, listeners, bind, org, os-reserved, network.');
    const suggest = JSON.parse((await runCli(['suggest', '--json', ...reproducible])).stdout);
    expect(suggest.notConsulted).toEqual(['services', 'listeners', 'bind', 'org', 'ephemeral', 'os-reserved', 'network']);
    expect(suggest.notes).toContain('Not consulted (left out on request): services, listeners, bind, org, ephemeral, os-reserved, network.');
  });

  it('a source named but unavailable is an error, not a pass', async () => {
    const run = await runCli(['check', '7405', '--sources', 'iana,reservations', ...iana, '--reservations', join(temp, 'absent.json')]);
    expect(run.code).toBe(2);
    const org = await runCli(['check', '7405', '--sources', 'iana,org', ...iana], { cwd: temp });
    expect(org.code).toBe(2);
    expect(org.stderr).toMatch(/got 1 that is not: org \(no --org directory/);
    const network = await runCli(['check', '7405', '--sources', 'iana,network', ...iana]);
    expect(network.code).toBe(2);
    expect(network.stderr).toMatch(/Expected a network to sweep \(--network CIDR\) with network among the sources to consult, got none/);
  });

  it('refuses unknown names, a list without iana, and contradictions', async () => {
    expect((await runCli(['check', '7405', '--sources', 'iana,nmapp'])).stderr).toMatch(/Expected sources among iana, nmap, .* got `nmapp`/);
    expect((await runCli(['check', '7405', '--sources', 'nmap'])).stderr).toMatch(/Expected the sources to include iana/);
    expect((await runCli(['check', '7405', '--sources', 'iana,listeners', '--no-listeners'])).code).toBe(2);
    expect((await runCli(['check', '7405', '--sources', 'iana,bind', '--no-bind-probe'])).code).toBe(2);
    expect((await runCli(['check', '7405', '--sources', 'iana', '--network', '198.51.100.0/30'])).stderr).toMatch(
      /Expected network among the sources to consult when networks are given/,
    );
    expect((await runCli(['free', '7400', '7410', '--sources', 'iana,listeners'])).stderr).toMatch(/Expected sources that free reads/);
    expect((await runCli(['map', '--range', '7400-7410', '--sources', 'iana,bind'])).stderr).toMatch(/bind probes and network sweeps are not drawn/);
  });

  it('free with --sources leaves the others out and says so', async () => {
    const all = JSON.parse((await runCli(['free', '7400', '7420', '--json', ...smallSources])).stdout);
    const some = JSON.parse((await runCli(['free', '7400', '7420', '--json', '--sources', 'iana,nmap', ...smallSources])).stdout);
    expect(all.ports).not.toContain(7404);
    expect(some.ports).toContain(7404); // reserved in the file, which this run does not consult
    expect(some.ports).not.toContain(7401); // seen open by nmap
    expect(some.notConsulted).toEqual(['defaults', 'services', 'reservations', 'org', 'os-reserved']);
  });
});

describe('JSON schema ids', () => {
  it.each([
    ['check', ['check', '7405', '--json', ...smallSources], 'portpick.check/1'],
    ['suggest', ['suggest', '--json', '--count', '1', ...smallSources], 'portpick.suggest/1'],
    ['pick', ['pick', 'x', '--json', ...smallSources], 'portpick.pick/1'],
    ['free', ['free', '7400', '7410', '--json', ...smallSources], 'portpick.free/1'],
    ['inventory', ['inventory', join(repoRoot, 'test', 'fixtures', 'inventory', 'org'), '--json'], 'portpick.inventory/1'],
    ['map', ['map', '--range', '7400-7420', '--json', ...smallSources], 'portpick.map/1'],
  ])('%s --json carries its schema first', async (_name, args, schema) => {
    const run = await runCli(args);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.schema).toBe(schema);
    expect(Object.keys(json)[0]).toBe('schema');
  });
});

describe('map --k8s', () => {
  it('draws the NodePort range as a conflict and marks no candidate there', async () => {
    const args = ['map', '--range', '29990-30010', '--json', '--no-listeners', '--iana', join(repoRoot, 'data', 'iana', 'service-names-port-numbers.csv')];
    const plain = JSON.parse((await runCli(args)).stdout);
    const k8s = JSON.parse((await runCli([...args, '--k8s'])).stdout);
    const layer = (map: { layers: { source: string; conflicts: number; warnings: number }[] }) => map.layers.find((entry) => entry.source === 'kubernetes');
    expect(layer(plain)).toMatchObject({ conflicts: 0, warnings: 11 });
    expect(layer(k8s)).toMatchObject({ conflicts: 11, warnings: 0 });
    for (const candidate of k8s.candidates) expect(candidate.port).toBeLessThan(30000);
  });
});

describe('help', () => {
  it('pick --help shows the Makefile recipe', async () => {
    const run = await runCli(['pick', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('PORT ?= $(shell portpick pick myservice)');
  });
});
