import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';
import { runCli } from './run-cli.js';

const iana = ['--iana', join(repoRoot, 'data', 'iana', 'service-names-port-numbers.csv'), '--no-bind-probe'];
const temp = mkdtempSync(join(tmpdir(), 'portpick-reserve-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const project = (name: string): string => {
  const dir = join(temp, name);
  mkdirSync(dir, { recursive: true });
  return dir;
};

describe('portpick reserve', () => {
  it('creates .portpick.yaml here when there is none, and check then calls the port reserved', async () => {
    const dir = project('fresh');
    const run = await runCli(['reserve', '7404', '--name', 'job-queue', '--owner', 'platform', ...iana], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`Reserved 7404/tcp for job-queue (owner platform) in ${join(dir, '.portpick.yaml')}:4 (a new file).\n`);
    expect(readFileSync(join(dir, '.portpick.yaml'), 'utf8')).toContain('  - port: 7404\n    protocol: tcp\n    service: job-queue\n    owner: platform\n');
    const check = JSON.parse((await runCli(['check', '7404', '--json', ...iana], { cwd: dir })).stdout);
    expect(check.conflicts).toEqual(['reservations']);
  });

  it('refuses a port reserved already, writing nothing, and exits 1', async () => {
    const dir = project('twice');
    await runCli(['reserve', '7404', '--name', 'job-queue', ...iana], { cwd: dir });
    const before = readFileSync(join(dir, '.portpick.yaml'), 'utf8');
    const run = await runCli(['reserve', '7404', '--name', 'other', ...iana], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^Not reserved: 7404\/tcp conflicts \(reservations\); nothing was written/);
    expect(run.stdout).toContain('Reserved 7404/tcp for job-queue');
    expect(readFileSync(join(dir, '.portpick.yaml'), 'utf8')).toBe(before);
  });

  it('refuses a port check calls a conflict (a well-known default) unless --force', async () => {
    const dir = project('vite');
    const refused = await runCli(['reserve', '5173', '--name', 'web', '--json', ...iana], { cwd: dir });
    expect(refused.code).toBe(1);
    const report = JSON.parse(refused.stdout);
    expect(report.status).toBe('refused');
    expect(report.conflicts).toContainEqual({ protocol: 'tcp', source: 'defaults', summary: "Vite's dev server defaults to 5173/tcp." });
    expect(existsSync(join(dir, '.portpick.yaml'))).toBe(false);
    const forced = await runCli(['reserve', '5173', '--name', 'web', '--force', ...iana], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('Reserved with --force despite:');
    expect(forced.stdout).toContain("Vite's dev server defaults to 5173/tcp.");
  });

  it('adds to the nearest file above, keeping a commented YAML file unchanged apart from the new entry', async () => {
    const dir = project('nested');
    copyFileSync(join(repoRoot, 'test', 'fixtures', 'reserve', 'commented.yaml'), join(dir, '.portpick.yaml'));
    mkdirSync(join(temp, 'services'), { recursive: true }); // the file's `org: [../services]`
    const sub = join(dir, 'services', 'api');
    mkdirSync(sub, { recursive: true });
    const before = readFileSync(join(dir, '.portpick.yaml'), 'utf8');
    const run = await runCli(['reserve', '7404', '--proto', 'tcp,udp', '--name', 'game', '--note', 'QUIC: and TCP', ...iana], { cwd: sub });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`in ${join(dir, '.portpick.yaml')}:20.`);
    const after = readFileSync(join(dir, '.portpick.yaml'), 'utf8');
    const added = '  - port: 7404\n    protocol: [tcp, udp]\n    service: game\n    note: "QUIC: and TCP"\n';
    expect(after.replace(added, '')).toBe(before);
  });

  it('writes to --reservations FILE, creating a JSON file', async () => {
    const dir = project('json');
    const run = await runCli(['reserve', '7406', '--name', 'metrics', '--reservations', 'ports.json', ...iana], { cwd: dir });
    expect(run.code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'ports.json'), 'utf8'))).toEqual({
      reservations: [{ port: 7406, protocol: 'tcp', service: 'metrics' }],
    });
  });

  it('refuses bad input with exit 2', async () => {
    const dir = project('bad');
    expect((await runCli(['reserve', '70000', '--name', 'x', ...iana], { cwd: dir })).code).toBe(2);
    const noName = await runCli(['reserve', '7407', ...iana], { cwd: dir });
    expect(noName.code).toBe(2);
    expect(noName.stderr).toMatch(/--name/);
  });
});
