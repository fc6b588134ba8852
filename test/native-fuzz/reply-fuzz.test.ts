/**
 * Sanitizer fuzzing of the SYN engine's packet parsers and reply validation
 * (native/fuzz/reply_fuzz.cc): compiled here with -fsanitize=address,undefined
 * and fed random and mutated packets for a fixed time. Any read past a packet,
 * any undefined behaviour, or a reply accepted for no probe fails the test. The
 * seed is printed so a failure can be repeated:
 *   reply_fuzz SECONDS SEED   (the command line is printed too).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { required } from '../helpers/required.js';

const FUZZ_SECONDS = Number(process.env.PORTPICK_FUZZ_SECONDS ?? '20');
const root = fileURLToPath(new URL('../../', import.meta.url));
const sources = ['native/fuzz/reply_fuzz.cc', 'native/core/packet.cc', 'native/core/syn_cookie.cc', 'native/core/syn_receiver.cc', 'native/core/raw_socket.cc'];

function sanitizersWork(): boolean {
  // A trivial program built and run with both sanitizers (some machines lack libasan/libubsan).
  const dir = mkdtempSync(join(tmpdir(), 'portpick-san-'));
  try {
    const build = spawnSync('g++', ['-x', 'c++', '-fsanitize=address,undefined', '-o', join(dir, 'ok'), '-'], { input: 'int main() { return 0; }\n' });
    return build.status === 0 && spawnSync(join(dir, 'ok')).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const available = required(
  spawnSync('g++', ['--version'], { stdio: 'ignore' }).status === 0 && sanitizersWork(),
  'g++ with AddressSanitizer and UndefinedBehaviorSanitizer',
  'apt-get install g++ (libasan and libubsan come with it)',
);

describe.skipIf(!available)('sanitizer fuzzing of packet parsing and reply validation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portpick-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`runs ${FUZZ_SECONDS} s of random and mutated packets without a finding`, { timeout: 240_000 }, () => {
    const binary = join(dir, 'reply_fuzz');
    const build = spawnSync(
      'g++',
      ['-std=c++17', '-O1', '-g', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-fno-omit-frame-pointer', '-Wall', '-Wextra', '-Werror',
        '-Inative/core', ...sources, '-o', binary, '-lpthread'],
      { cwd: root, encoding: 'utf8' },
    );
    expect(build.stderr).toBe('');
    expect(build.status).toBe(0);
    const seed = String(Math.floor(Math.random() * 2 ** 48));
    console.info(`[reply-fuzz] ${binary} ${FUZZ_SECONDS} ${seed}`);
    const run = spawnSync(binary, [String(FUZZ_SECONDS), seed], { encoding: 'utf8', timeout: (FUZZ_SECONDS + 60) * 1000 });
    expect({ status: run.status, signal: run.signal, stderr: run.stderr.slice(0, 4000) }).toEqual({ status: 0, signal: null, stderr: '' });
    const [, iterations = '0', accepted = '0'] = /iterations (\d+), accepted (\d+)/.exec(run.stdout) ?? [];
    console.info(`[reply-fuzz] ${run.stdout.trim()}`);
    // The mutations reach both sides of validation: many packets parsed and rejected, some accepted.
    expect(Number(iterations)).toBeGreaterThan(100_000);
    expect(Number(accepted)).toBeGreaterThan(0);
  });
});
