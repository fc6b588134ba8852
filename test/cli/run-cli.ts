import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/registry-files.js';

/** The installed command (package.json "bin"): it runs the bundle. */
export const cliPath = join(repoRoot, 'dist', 'cli', 'portpick.cjs');
/** tsc's ES module entry: the same program, unbundled. */
export const moduleCliPath = join(repoRoot, 'dist', 'cli', 'main.js');
export const cliFixtures = join(repoRoot, 'test', 'fixtures', 'cli');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** A cache directory of its own per test file, so `update` never touches the user's cache. */
export const testCacheDir = mkdtempSync(join(tmpdir(), 'portpick-cli-cache-'));

/** Runs the built CLI (dist/, built by `npm install` / pretest) and collects its output and exit code. */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cli?: string } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [options.cli ?? cliPath, ...args],
      {
        cwd: options.cwd ?? cliFixtures,
        env: { ...process.env, PORTPICK_CACHE_DIR: testCacheDir, ...options.env },
        timeout: options.timeoutMs ?? 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 2) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The small hand-written registry files in test/fixtures/cli as flags. */
export const smallSources = [
  '--iana',
  join(cliFixtures, 'iana-small.csv'),
  '--nmap-services',
  join(cliFixtures, 'nmap-services-small'),
  '--services',
  join(cliFixtures, 'services-small'),
  '--reservations',
  join(cliFixtures, 'reservations.json'),
  '--defaults',
  join(repoRoot, 'test', 'fixtures', 'defaults', 'well-known-defaults-small.json'),
];
