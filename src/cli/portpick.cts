#!/usr/bin/env node
/**
 * The `portpick` command (package.json "bin"): the command line bundled into
 * CommonJS files by scripts/bundle-cli.mjs, so that a start reads one file
 * instead of resolving some sixty ES modules. `scan` runs a bundle of its own
 * (run-scan.ts), every other command the bundle of all (run-all.ts); the choice
 * is the one normaliseNmapFlags makes, on argv[2]. docs/architecture.md gives
 * the measurements. Without the bundles (esbuild was missing at build time) it
 * runs tsc's ES module entry, main.js: the same program.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const bundle = join(__dirname, process.argv[2] === 'scan' ? 'portpick-scan.bundle.cjs' : 'portpick.bundle.cjs');
// The bundles are minified; a stack trace printed for PORTPICK_DEBUG names src/ files and lines.
if (process.env.PORTPICK_DEBUG) process.setSourceMapsEnabled(true);
if (existsSync(bundle)) (require(bundle) as typeof import('./run-all.js')).run(process.argv);
else void import('./main.js');
