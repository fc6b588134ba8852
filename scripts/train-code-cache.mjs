#!/usr/bin/env node
// Makes dist/cli/portpick.bundle.cjs.cache: V8's compile cache of the command
// line bundle, taken after running a few commands in this process so that it
// holds the functions they compiled, not only the top level.
//
// The commands change nothing outside a temporary cache directory: `--help`,
// `ranges`, `check` and `suggest` read the registry files and this machine's
// listening sockets (`check` and `suggest` without their bind probes: an install must not hold a
// port, even for a moment), `scan --dry-run` plans a sweep of 127.0.0.1 and
// sends nothing. Their output is discarded.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { loadProgram, CODE_CACHE_FILE } = require(join(root, 'dist', 'cli', 'portpick.cjs'));

const TRAINING = [
  ['--help'],
  ['ranges', '8080', '--json'],
  ['check', '8080', '--json', '--no-bind-probe'],
  ['suggest', '--json', '--no-bind-probe'],
  ['scan', '127.0.0.1', '-p', '-', '--dry-run', '--json'],
];

const scratch = mkdtempSync(join(tmpdir(), 'portpick-code-cache-'));
process.env.PORTPICK_CACHE_DIR = scratch;
const write = { stdout: process.stdout.write, stderr: process.stderr.write };
const discard = (_chunk, encoding, callback) => {
  const done = typeof encoding === 'function' ? encoding : callback;
  if (typeof done === 'function') process.nextTick(done);
  return true;
};
try {
  const loaded = loadProgram({ useCodeCache: false });
  if (!loaded) throw new Error('dist/cli/portpick.bundle.cjs is missing');
  process.stdout.write = discard;
  process.stderr.write = discard;
  for (const args of TRAINING) await loaded.program.main([process.execPath, 'portpick', ...args]);
  process.stdout.write = write.stdout;
  process.stderr.write = write.stderr;
  const temporary = `${CODE_CACHE_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, loaded.script.createCachedData());
  renameSync(temporary, CODE_CACHE_FILE);
} catch (error) {
  process.stdout.write = write.stdout;
  process.stderr.write = write.stderr;
  console.warn(`portpick: compile cache not made: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
