import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { cliFixtures, cliPath, testCacheDir } from './run-cli.js';

/** Runs the CLI with its standard output's reader closed before the first byte (`… | head -c 0`). */
function runWithClosedReader(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: cliFixtures,
      env: { ...process.env, PORTPICK_CACHE_DIR: testCacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a reader that goes away (`portpick … | head`)', () => {
  it.each([
    [['inventory', '--help'], 0],
    [['free', '1024', '49151'], 0],
    [['check', '7437'], 1],
  ])('portpick %j stops quietly and keeps its exit status', async (args, expected) => {
    const { code, stderr } = await runWithClosedReader(args as string[]);
    expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
    expect(code).toBe(expected);
  });
});
