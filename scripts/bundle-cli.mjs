#!/usr/bin/env node
// Bundles the command line into two CommonJS files, which the `portpick`
// command (dist/cli/portpick.cjs, src/cli/portpick.cts) runs:
//   dist/cli/portpick.bundle.cjs       every command (src/cli/run-all.ts)
//   dist/cli/portpick-scan.bundle.cjs  `scan` alone (src/cli/run-scan.ts)
// Node 20 resolves, reads and compiles each ES module separately; one file
// starts sooner, and a sweep sooner still without the other commands
// (docs/architecture.md gives the measurements). The library under dist/ stays
// as tsc wrote it, module per module, with its .d.ts files.
//
// A failure here never breaks the install: without the bundles portpick.cjs
// runs tsc's dist/cli/main.js. `--strict` makes failures fatal.
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const strict = process.argv.includes('--strict');
const cli = join(root, 'dist', 'cli');
const bundles = [
  { entry: 'run-all.ts', file: join(cli, 'portpick.bundle.cjs') },
  { entry: 'run-scan.ts', file: join(cli, 'portpick-scan.bundle.cjs') },
];

// The bin as tsc wrote it, made executable (`./dist/cli/portpick.cjs` from a clone; npm does this on install).
try {
  chmodSync(join(cli, 'portpick.cjs'), 0o755);
} catch (error) {
  console.warn(`portpick: could not make dist/cli/portpick.cjs executable (${error.code ?? error.message}); run it with node.`);
}
for (const { file } of bundles) for (const stale of [file, `${file}.map`]) rmSync(stale, { force: true });

try {
  const esbuild = createRequire(import.meta.url)('esbuild');
  for (const { entry, file } of bundles) await bundle(esbuild, join(root, 'src', 'cli', entry), file);
} catch (error) {
  // Both bundles or none: the bin falls back to main.js only when the bundle it wants is missing.
  for (const { file } of bundles) for (const stale of [file, `${file}.map`]) rmSync(stale, { force: true });
  console.warn(`portpick: bundling the command line failed (${error.code ?? error.message}); it runs unbundled (slower start-up).`);
  process.exit(strict ? 1 : 0);
}

function bundle(esbuild, entry, outfile) {
  return esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // The sources find files beside them through import.meta.url; in the
    // CommonJS bundle that is the bundle's own URL.
    define: { 'import.meta.url': '__portpickModuleUrl' },
    banner: { js: "const __portpickModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    // Required at run time from the install, and only by the commands that use
    // them: yaml for YAML reservation files, undici for `update` (a large library
    // every start would otherwise read).
    external: ['yaml', 'undici'],
    // Whitespace and syntax minified, names kept: a third fewer bytes for every
    // start to read and parse (docs/architecture.md gives the measurement).
    // Stack traces keep function names; with PORTPICK_DEBUG set the bin maps
    // them to src/ through the source map.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}
