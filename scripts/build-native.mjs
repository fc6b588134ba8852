#!/usr/bin/env node
// Compiles the native addon with cmake-js against node-api-headers (offline:
// package.json sets binary.napi_versions, so no Node headers are downloaded).
// A failed compile does not fail `npm install`: the package still loads, and
// `portpick sources` / the scan summary say which features are missing.
// `--strict` (npm run build:native) makes a failure fatal, for development.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const require = createRequire(import.meta.url);

let cmakeJs;
try {
  cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
} catch {
  console.warn('portpick: cmake-js is not installed; the native addon was not built (scans fall back to the TypeScript connect engine).');
  process.exit(strict ? 1 : 0);
}

const result = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  console.warn(
    'portpick: the native addon did not compile (exit ' + String(result.status) + ').\n' +
      '  Without it, SYN scans are unavailable and connect scans use the slower TypeScript engine.\n' +
      '  Needs: cmake >= 3.15 and a C++17 compiler (Debian: apt-get install cmake g++). Retry: npm run build:native',
  );
  process.exit(strict ? 1 : 0);
}
