import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addon } from '../helpers/native-addon.js';
import { repoRoot } from '../helpers/registry-files.js';
import { runCli } from './run-cli.js';

/**
 * How the command line finds the addon (PORTPICK_ADDON, else node-gyp-build's
 * search) and what it says when there is none: `scan` one line on stderr per
 * run, `sources` how to get it.
 */
const builtAddon = join(repoRoot, 'build', 'Release', 'portpick_native.node');
const missing = join(tmpdir(), 'portpick-no-such-addon', 'portpick_native.node');

let listener: Server;
let port = 0;
beforeAll(async () => {
  listener = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
});
afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

describe('addon loading', () => {
  it('without the addon, every scan says so in one stderr line and still finds the open port', async () => {
    const env = { PORTPICK_ADDON: missing };
    for (const extra of [[], ['--dry-run']]) {
      const run = await runCli(['scan', '127.0.0.1', '-p', String(port), '--json', '--no-progress', ...extra], { env });
      expect(run.code, run.stderr).toBe(0);
      const lines = run.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/native addon is not available.*TypeScript connect engine.*portpick sources/);
      if (extra.length === 0) expect(run.stdout).toContain(`"port":${port},"protocol":"tcp","state":"open"`);
    }
  });

  it('an explicit --mode connect-ts scan does not warn', async () => {
    const run = await runCli(['scan', '127.0.0.1', '-p', String(port), '--mode', 'connect-ts', '--dry-run'], {
      env: { PORTPICK_ADDON: missing },
    });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('--mode syn without the addon fails with that one message, not the fallback notice', async () => {
    const run = await runCli(['scan', '127.0.0.1', '-p', String(port), '--mode', 'syn', '--dry-run'], { env: { PORTPICK_ADDON: missing } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/SYN scans need the native addon/);
    expect(run.stderr).not.toMatch(/TypeScript connect engine \(slower/);
  });

  it('sources explains how to get a missing addon, naming the PORTPICK_ADDON file', async () => {
    const run = await runCli(['sources', '--json'], { env: { PORTPICK_ADDON: missing } });
    const { native } = JSON.parse(run.stdout) as { native: { loaded: boolean; engines: string[]; reason: string } };
    expect(native.loaded).toBe(false);
    expect(native.engines).toEqual(['connect-ts']);
    expect(native.reason).toContain(missing);
    expect(native.reason).toMatch(/npm rebuild portpick.*cmake.*C\+\+17/);
    const text = await runCli(['sources'], { env: { PORTPICK_ADDON: missing } });
    expect(text.stdout).toMatch(/native addon\s+NOT LOADED/);
    expect(text.stdout).toContain('npm rebuild portpick');
  });

  it.skipIf(addon === null)('PORTPICK_ADDON loads the addon from another place', async () => {
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'portpick-addon-')), 'copy.node');
    copyFileSync(builtAddon, elsewhere);
    const run = await runCli(['sources', '--json'], { env: { PORTPICK_ADDON: elsewhere } });
    const { native } = JSON.parse(run.stdout) as { native: { loaded: boolean; engines: string[] } };
    expect(native.loaded).toBe(true);
    expect(native.engines).toContain('connect');
    const scanRun = await runCli(['scan', '127.0.0.1', '-p', String(port), '--mode', 'connect', '--json', '--no-progress'], {
      env: { PORTPICK_ADDON: elsewhere },
    });
    expect(scanRun.code, scanRun.stderr).toBe(0);
    expect(scanRun.stderr).toBe('');
    expect(scanRun.stdout).toContain('"engine":"connect"');
  });

  it('a file that is not an addon is refused with what failed, not loaded', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'portpick-addon-'));
    const text = join(folder, 'text.node');
    writeFileSync(text, 'not a shared object\n');
    const json = join(folder, 'module.json');
    writeFileSync(json, '{"version": 1}\n');
    for (const [file, why] of [[text, /text\.node failed to load: .*(ELF|too short)/], [json, /module\.json failed to load: it is not portpick's addon/]] as const) {
      const run = await runCli(['sources', '--json'], { env: { PORTPICK_ADDON: file } });
      const { native } = JSON.parse(run.stdout) as { native: { loaded: boolean; reason: string } };
      expect(native.loaded).toBe(false);
      expect(native.reason).toMatch(why);
    }
  });
});
