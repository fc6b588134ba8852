/**
 * Native failures end a sweep with a typed error — errno, the failed call and a
 * hint — and keep the results found before; they never end the process. Each
 * case runs a sweep in a child node process with a fault-injection library
 * preloaded (fixtures/fault-shim.c): the kernel refusing every packet
 * (ENOBUFS), threads that cannot start, memory that cannot be had in the
 * engine's thread, no randomness for the SYN cookies.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { required } from '../helpers/required.js';

// A C compiler: cc, or g++ driving the C compiler (what `npm install` needs anyway).
const compilers: string[][] = [['cc'], ['gcc'], ['g++', '-x', 'c']];
const compiler = compilers.find(([command]) => spawnSync(command as string, ['--version'], { stdio: 'ignore' }).status === 0) ?? null;
const raw = addon?.canUseRawSockets() ?? false;
const runnable =
  addon !== null &&
  lab.available &&
  required(compiler !== null, 'a C compiler (cc, gcc or g++) for the fault-injection library', 'apt-get install gcc') &&
  required(raw, 'CAP_NET_RAW in the lab namespace', 'run npm test as root or where `unshare -rn` works');

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface ChildOutcome {
  results: number;
  states: Record<string, number>;
  summary: { planned: number; completed: number; interrupted: boolean } | null;
  error: { name: string; code: string; errno: string; syscall: string; hint: string; engine: string; message: string } | null;
}

describe.skipIf(!runnable)('native failures become typed errors', () => {
  let dir = '';
  let shim = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'portpick-faults-'));
    shim = join(dir, 'fault-shim.so');
    const [command, ...language] = compiler as string[];
    const build = spawnSync(command as string, [...language, '-shared', '-fPIC', '-O1', '-Wall', '-Werror', '-o', shim, join(fixtures, 'fault-shim.c'), '-ldl'], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`cc failed: ${build.stderr}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(options: Record<string, unknown>, faults: Record<string, string | number>): ChildOutcome {
    const child = spawnSync(process.execPath, [join(fixtures, 'run-sweep.mjs'), JSON.stringify(options), JSON.stringify(faults)], {
      encoding: 'utf8',
      env: { ...process.env, LD_PRELOAD: shim },
      timeout: 60_000,
    });
    // A crash (std::terminate → SIGABRT) or a hang shows here, not as a parse error below.
    expect({ signal: child.signal, status: child.status, stderr: child.stderr }).toEqual({ signal: null, status: 0, stderr: '' });
    return JSON.parse(child.stdout) as ChildOutcome;
  }

  const loopbackPorts = (count: number) => ({ targets: '127.0.0.1', ports: `20000-${20000 + count - 1}`, seed: 5 });

  it('SYN: the kernel refusing every packet (ENOBUFS) ends the sweep after the stall limit, results so far kept', () => {
    const outcome = run({ ...loopbackPorts(4000), mode: 'syn', rate: 2000, timeoutMs: 100, retries: 0 }, { PORTPICK_FAULT_SENDMMSG: 4 });
    expect(outcome.error).toMatchObject({ name: 'SweepError', code: 'ERR_SWEEP_FAILED', errno: 'ENOBUFS', syscall: 'sendmmsg', hint: 'send-buffer-stall', engine: 'syn' });
    expect(outcome.results).toBeGreaterThan(0);
    expect(outcome.results).toBeLessThan(4000);
    expect(outcome.states).toEqual({ closed: outcome.results });
  });

  it.each(['syn', 'connect'])('%s: no thread for the sweep → start fails with thread-start', (mode) => {
    const outcome = run({ ...loopbackPorts(10), mode }, { PORTPICK_FAULT_PTHREAD: 0 });
    expect(outcome.error).toMatchObject({ name: 'SweepError', errno: 'EAGAIN', syscall: 'pthread_create', hint: 'thread-start', engine: mode });
  });

  it.each(['syn', 'connect'])('%s: no thread for the engine → the sweep fails with thread-start', (mode) => {
    const outcome = run({ ...loopbackPorts(10), mode }, { PORTPICK_FAULT_PTHREAD: 1 });
    expect(outcome.error).toMatchObject({ name: 'SweepError', errno: 'EAGAIN', syscall: 'pthread_create', hint: 'thread-start', engine: mode });
  });

  it('SYN: no thread for the receiver → the sweep fails with thread-start', () => {
    const outcome = run({ ...loopbackPorts(10), mode: 'syn' }, { PORTPICK_FAULT_PTHREAD: 2 });
    expect(outcome.error).toMatchObject({ name: 'SweepError', errno: 'EAGAIN', syscall: 'pthread_create', hint: 'thread-start', engine: 'syn' });
  });

  it.each(['syn', 'connect'])('%s: no memory in the engine thread → out-of-memory, not a crash', (mode) => {
    const outcome = run({ ...loopbackPorts(10), mode }, { PORTPICK_FAULT_MALLOC: 1 << 18 });
    expect(outcome.error).toMatchObject({ name: 'SweepError', errno: 'ENOMEM', syscall: 'malloc', hint: 'out-of-memory', engine: mode });
  });

  it('SYN: no randomness for the cookies → randomness-unavailable, no probe sent', () => {
    const outcome = run({ ...loopbackPorts(10), mode: 'syn' }, { PORTPICK_FAULT_GETRANDOM: 1 });
    expect(outcome.error).toMatchObject({ name: 'SweepError', errno: 'ENOSYS', syscall: 'getrandom', hint: 'randomness-unavailable', engine: 'syn' });
    expect(outcome.results).toBe(0);
  });
});
