import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';
import { runCli } from './run-cli.js';

/** The organisation's code as a verdict source, on the hand-written tree of every file kind. */
const org = join(repoRoot, 'test', 'fixtures', 'inventory', 'org');
const iana = ['--iana', join(repoRoot, 'data', 'iana', 'service-names-port-numbers.csv')];
const temp = mkdtempSync(join(tmpdir(), 'portpick-org-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const verdictOf = (report: { verdicts: { source: string }[] }, source: string) =>
  report.verdicts.find((verdict) => verdict.source === source) as unknown as { status: string; summary: string; evidence: { findings: { file: string; line: number }[] } };

describe('portpick inventory', () => {
  it('lists every port of the tree with file:line, owner and confidence', async () => {
    const run = await runCli(['inventory', org, '--json']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.findings).toHaveLength(81);
    expect(report.findings[0]).toMatchObject({ file: join(org, 'api', '.env.production'), line: 1, first: 8480, kind: 'env', confidence: 'medium' });
    expect(report.problems).toHaveLength(4);
  });

  it('prints a table, the notes on how values were read, the problems and what it passed over', async () => {
    const run = await runCli(['inventory', 'org'], { cwd: join(repoRoot, 'test', 'fixtures', 'inventory') });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^81 port declaration\(s\) in org \(18 files seen, 17 read\)\./);
    expect(run.stdout).toMatch(/8085 {2}tcp {4}org\/shop\/docker-compose\.yml:22 +service web +ports +medium/);
    expect(run.stdout).toContain('org/shop/docker-compose.yml:22  8085: ${WEB_PORT:-8080}: WEB_PORT=8085 in .env');
    expect(run.stdout).toMatch(/org\/k8s\/broken\.yaml:14 {2}malformed: Expected valid YAML/);
    expect(run.stdout).toContain('Passed over: 1 Helm templates');
  });

  it('refuses a directory that does not exist, with exit 2', async () => {
    const run = await runCli(['inventory', join(temp, 'nowhere')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Expected a directory \(or file\) to inventory at .*nowhere, got ENOENT/);
  });
});

describe('--org makes the inventory a verdict source', () => {
  it('check: a port the code declares conflicts, naming file and line', async () => {
    const run = await runCli(['check', '8085', '--org', org, '--json', '--no-bind-probe', ...iana]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    const verdict = verdictOf(report, 'org');
    expect(verdict.status).toBe('conflict');
    expect(verdict.summary).toContain(`service web at ${join(org, 'shop', 'docker-compose.yml')}:22 (ports, medium confidence)`);
    expect(verdict.evidence.findings.map((f) => `${f.file}:${f.line}`)).toEqual([`${join(org, 'shop', '.env')}:2`, `${join(org, 'shop', 'docker-compose.yml')}:22`]);
  });

  it('check: names files relative to the directory given', async () => {
    const run = await runCli(['check', '30080', '--org', 'org', '--no-bind-probe', ...iana], { cwd: join(repoRoot, 'test', 'fixtures', 'inventory') });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('[FAIL] org            The organisation\'s code uses 30080/tcp: Service/api port http at org/k8s/app.yaml:33 (nodePort).');
  });

  it('check: without --org the source says it was not checked', async () => {
    const run = await runCli(['check', '8085', '--json', '--no-bind-probe', ...iana], { cwd: temp });
    expect(verdictOf(JSON.parse(run.stdout), 'org').status).toBe('not-checked');
  });

  it('suggest and free leave out every port the code declares', async () => {
    const suggest = JSON.parse((await runCli(['suggest', '--range', '8880-8890', '--count', '20', '--org', org, '--no-bind-probe', '--json', ...iana])).stdout);
    const suggested = suggest.candidates.map((c: { port: number }) => c.port);
    for (const port of [8880, 8881, 8882, 8883, 8884]) expect(suggested).not.toContain(port);
    expect(suggest.excluded.bySource.org).toBeGreaterThanOrEqual(1);
    const free = JSON.parse((await runCli(['free', '8380', '8392', '--org', org, '--json', ...iana])).stdout);
    for (const port of [8380, 8381, 8382, 8390, 8391, 8392]) expect(free.ports).not.toContain(port);
    const without = JSON.parse((await runCli(['free', '8380', '8392', '--json', ...iana], { cwd: temp })).stdout);
    expect(without.ports.length).toBeGreaterThan(free.ports.length);
    expect(free.excluded.bySource.org).toBe(without.ports.length - free.ports.length);
  });

  it('request: warns with the file and line', async () => {
    const run = await runCli(['request', '--name', 'my-svc', '--port', '8884', '--org', org, '--no-bind-probe', '--json', ...iana]);
    const draft = JSON.parse(run.stdout);
    expect(draft.warnings.join('\n')).toContain(`application-dev.yml:11 (management.server.port)`);
  });

  it('reads the `org:` list of .portpick.yaml, relative to the file', async () => {
    const project = mkdtempSync(join(temp, 'project-'));
    writeFileSync(join(project, '.portpick.yaml'), `# our services\norg:\n  - ${relative(project, org)}\n`);
    const run = await runCli(['check', '9126', '--proto', 'udp', '--json', '--no-bind-probe', ...iana], { cwd: project });
    expect(run.code).toBe(1);
    expect(verdictOf(JSON.parse(run.stdout), 'org').status).toBe('conflict');
    const sources = JSON.parse((await runCli(['sources', '--json', ...iana], { cwd: project })).stdout);
    expect(sources.sources.find((s: { id: string }) => s.id === 'org')).toMatchObject({ available: true, entries: 81 });
  });
});
