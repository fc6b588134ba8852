#!/usr/bin/env node
/**
 * The `portpick` command (package.json "bin"): starts the command line from
 * its one-file bundle (portpick.bundle.cjs, scripts/bundle-cli.mjs) and hands
 * V8 the compile cache made when the package was built, so a run does not
 * parse and compile the ~0.5 MB program again. Measured on the 2-core build
 * machines: ~20 ms less per `scan`, ~50 ms per `check` (bench/README.md).
 *
 * A CommonJS file on purpose: Node starts a CommonJS entry without setting up
 * its ES module loader.
 *
 * Falls back, never fails: no bundle (esbuild was missing at build time) → the
 * ES module entry main.js; a cache V8 rejects (another Node version, other V8
 * flags) or none → the bundle is compiled as usual.
 */
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import Module from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';

/** What the bundle exports (src/cli/program.ts). */
export interface ProgramModule {
  main(argv: string[]): Promise<number>;
  run(argv: string[]): void;
}

export const BUNDLE_FILE = join(__dirname, 'portpick.bundle.cjs');
export const CODE_CACHE_FILE = `${BUNDLE_FILE}.cache`;

/**
 * Compiles the bundle (with the compile cache unless told not to); null when
 * there is no bundle. `script.cachedDataRejected` tells whether V8 took the cache.
 */
export function compileProgram(options: { useCodeCache?: boolean } = {}): vm.Script | null {
  let bytes: Buffer;
  try {
    bytes = readFileSync(BUNDLE_FILE);
  } catch {
    return null;
  }
  // esbuild writes ASCII (non-ASCII text escaped): decoding that as Latin-1 is
  // exact and skips UTF-8 validation of half a megabyte.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  let cachedData: Buffer | undefined;
  if (options.useCodeCache !== false) {
    try {
      cachedData = readFileSync(CODE_CACHE_FILE);
    } catch {
      cachedData = undefined; // not built: compile as usual
    }
  }
  // Module.wrap's parameters plus __portpickImport: an import() from this file
  // (src/cli/import-module.ts), since code the vm runs from a compile cache has
  // no import() of its own. The bundle has no other import(): esbuild turns
  // those of Node's modules into require().
  const wrapped = `(function (exports, require, module, __filename, __dirname, __portpickImport) { ${source}\n});`;
  return new vm.Script(wrapped, { filename: BUNDLE_FILE, ...(cachedData ? { cachedData } : {}) });
}

/**
 * Compiles and evaluates the bundle. `script` is returned for the build's
 * training run (createCachedData); null when there is no bundle.
 */
export function loadProgram(options: { useCodeCache?: boolean } = {}): { program: ProgramModule; script: vm.Script } | null {
  const script = compileProgram(options);
  if (!script) return null;
  const bundleModule = new Module(BUNDLE_FILE, module);
  bundleModule.filename = BUNDLE_FILE;
  const bundleRequire = Module.createRequire(BUNDLE_FILE);
  const factory = script.runInThisContext() as (...args: unknown[]) => void;
  const importOutside = (specifier: string): Promise<unknown> => import(specifier);
  factory.call(bundleModule.exports, bundleModule.exports, bundleRequire, bundleModule, BUNDLE_FILE, __dirname, importOutside);
  return { program: bundleModule.exports as ProgramModule, script };
}

if (require.main === module) {
  const loaded = loadProgram();
  if (loaded) loaded.program.run(process.argv);
  else void import('./main.js');
}
