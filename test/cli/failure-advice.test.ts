import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { adviceFor, errorAdvice } from '../../src/cli/failure-advice.js';
import { PermissionError } from '../../src/errors/permission-error.js';
import { SWEEP_FAILURE_HINTS, SweepError } from '../../src/errors/sweep-error.js';
import { addon } from '../helpers/native-addon.js';
import { runCli } from './run-cli.js';

/**
 * Failures carry a machine-readable hint; the command line alone turns it into
 * advice that names flags and commands, and prints it once.
 */
describe('failure advice', () => {
  it('every hint has advice, and errors carrying a hint get it', () => {
    for (const hint of SWEEP_FAILURE_HINTS) expect(adviceFor(hint).length).toBeGreaterThan(20);
    expect(adviceFor('raw-socket-permission')).toMatch(/sudo.*setcap cap_net_raw\+ep.*--mode connect/);
    const sweep = new SweepError('x', { errno: 'EMFILE', syscall: 'socket', hint: 'descriptor-limit', engine: 'connect' });
    expect(errorAdvice(sweep)).toBe(adviceFor('descriptor-limit'));
    const permission = new PermissionError('x', { errno: 'EPERM', syscall: 'socket', hint: 'raw-socket-permission' });
    expect(errorAdvice(permission)).toBe(adviceFor('raw-socket-permission'));
    expect(errorAdvice(new Error('x'))).toBeNull();
  });

  // Root here (npm test): setpriv drops CAP_NET_RAW from the child's sets.
  const raw = addon?.canUseRawSockets() ?? false;
  const hasSetpriv = raw && spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0;
  const withoutRaw = (command: string[]): string[] => ['setpriv', '--inh-caps=-net_raw', '--bounding-set=-net_raw', ...command];

  it.skipIf(!hasSetpriv)('scan --mode syn without CAP_NET_RAW: what failed, then the fix, each once', async () => {
    const run = await runCli(['scan', '127.0.0.1', '-p', '80', '--mode', 'syn', '--no-progress'], { wrap: withoutRaw });
    expect(run.code).toBe(2);
    const lines = run.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toEqual([
      'portpick: SYN scans need raw sockets (CAP_NET_RAW), which this process lacks; connect scans need no privilege',
      `portpick: to fix: ${adviceFor('raw-socket-permission')}`,
    ]);
    expect(run.stderr.match(/setcap/g)).toHaveLength(1);
  });

  it.skipIf(!hasSetpriv)('--version and sources say the SYN engine is unavailable and how to fix it', async () => {
    const version = await runCli(['--version'], { wrap: withoutRaw });
    expect(version.stdout).toMatch(/engines: connect, connect-ts \(SYN engine unavailable: this process lacks CAP_NET_RAW; to fix: .*setcap/);
    const sources = await runCli(['sources', '--json'], { wrap: withoutRaw });
    const { native } = JSON.parse(sources.stdout) as { native: { engines: string[]; reason: string; hint: string } };
    expect(native).toMatchObject({ engines: ['connect', 'connect-ts'], hint: 'raw-socket-permission' });
    expect(native.reason).not.toMatch(/setcap|sudo|--/);
  });
});
