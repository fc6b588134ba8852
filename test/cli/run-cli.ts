import { spawn } from 'node:child_process';
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
  /** The exit status; null when a signal ended the process (then `signal` says which). */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A cache directory of its own per test file, so `update` never touches the user's cache. */
export const testCacheDir = mkdtempSync(join(tmpdir(), 'portpick-cli-cache-'));

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Another entry point (moduleCliPath). */
  cli?: string;
  /** argv run in front of `node CLI …` (a wrapper such as `unshare --mount …`; see dns-watch.ts). */
  wrap?: (command: string[]) => string[];
  /** Written to the command's standard input, which is then closed (else it stays open and empty). */
  input?: string;
}

/**
 * Runs the built CLI (dist/, built by `npm install` / pretest) and collects its
 * output and how it ended. A signal is reported as such (`code` null, `signal`
 * set; a timeout says so in `stderr`), never as an exit status; a process that
 * could not be started, or whose output overflowed, rejects.
 */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const command = [process.execPath, options.cli ?? cliPath, ...args];
  const [file, ...argv] = options.wrap ? options.wrap(command) : command;
  return new Promise((resolve, reject) => {
    const child = spawn(file as string, argv, {
      cwd: options.cwd ?? cliFixtures,
      env: { ...process.env, PORTPICK_CACHE_DIR: testCacheDir, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    const limit = 64 * 1024 * 1024;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        child.kill('SIGKILL');
        reject(new Error(`portpick ${args.join(' ')}: more than ${limit} bytes of output`));
        return;
      }
      into.push(chunk);
    };
    child.stdout.on('data', collect(stdout));
    child.stderr.on('data', collect(stderr));
    child.stdin.on('error', () => undefined); // a command that exits before reading its input
    child.stdin.end(options.input ?? '');
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`portpick ${args.join(' ')} could not be started: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const err = Buffer.concat(stderr).toString();
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString(),
        stderr: timedOut ? `${err}\n[run-cli] killed after ${options.timeoutMs ?? 60_000} ms (timeout)` : signal ? `${err}\n[run-cli] ended by ${signal}` : err,
      });
    });
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
