#!/usr/bin/env node
// `npm install`'s step for the native addon.
//
// - A user's install (portpick installed from the registry or a tarball): when
//   the package carries a prebuilt addon for this platform (prebuilds/, made by
//   `npm run prebuild`) and it loads, nothing is compiled and no compiler is
//   needed. Otherwise the addon is compiled from source with cmake-js against
//   node-api-headers (offline: package.json sets binary.napi_versions), with
//   warnings left as warnings; a failed compile does not fail the install: the
//   package still loads, `portpick scan` says on stderr that the addon is
//   missing, and `portpick sources` says how to get it.
// - Development (a git checkout) and `--strict` (npm run build:native, CI):
//   always compiled from source, warnings are errors, the core self-test and the
//   bench lab's listener are built too, and `--strict` makes a failure fatal.
// - `--require-addon` (the Dockerfile): a user's build, but a failure is fatal.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const fatal = strict || process.argv.includes('--require-addon');
const development = strict || existsSync(join(root, '.git'));
const require = createRequire(import.meta.url);

if (!development) {
  const prebuilt = loadablePrebuild();
  if (prebuilt.path !== null) process.exit(0);
  if (prebuilt.problem !== null) console.warn(`portpick: ${prebuilt.problem}; compiling the addon from source instead.`);
}

let cmakeJs;
try {
  cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch {
  console.warn('portpick: cmake-js is not installed; the native addon was not built (scans fall back to the TypeScript connect engine).');
  process.exit(fatal ? 1 : 0);
}

const onOff = (value) => (value ? 'ON' : 'OFF');
const options = [`--CDPORTPICK_WERROR=${onOff(development)}`, `--CDPORTPICK_DEV_TOOLS=${onOff(development)}`];
// configure first: `compile` alone keeps an existing build folder's settings.
let result = spawnSync(process.execPath, [cmakeJs, 'configure', '--log-level', 'warn', ...options], { cwd: root, stdio: 'inherit' });
if (result.status === 0) {
  result = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn', ...options], { cwd: root, stdio: 'inherit' });
}
if (result.status !== 0) {
  console.warn(
    'portpick: the native addon did not compile (exit ' + String(result.status ?? result.signal) + ').\n' +
      '  Without it, SYN scans are unavailable and connect scans use the slower TypeScript engine.\n' +
      '  Needs: cmake >= 3.15 and a C++17 compiler (Debian: apt-get install cmake g++). Retry: npm rebuild portpick',
  );
  process.exit(fatal ? 1 : 0);
}

/**
 * The prebuilt addon node-gyp-build picks for this platform, when it loads in
 * this Node; `problem` says why one was found and refused (a C library too old,
 * a damaged file), null when there is simply none for this platform.
 */
function loadablePrebuild() {
  let path;
  try {
    path = require('node-gyp-build').path(root);
  } catch {
    return { path: null, problem: null };
  }
  try {
    require(path);
    return { path, problem: null };
  } catch (error) {
    return { path: null, problem: `the prebuilt addon ${path} does not load here (${error.message.split('\n')[0]})` };
  }
}
