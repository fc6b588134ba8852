#!/usr/bin/env node
/**
 * The `portpick` command (package.json "bin"): the command line bundled into
 * one CommonJS file by scripts/bundle-cli.mjs, so that a start reads one file
 * instead of resolving some sixty ES modules (docs/architecture.md gives the
 * measurement). Without the bundle (esbuild was missing at build time) it runs
 * tsc's ES module entry, main.js: the same program.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const bundle = join(__dirname, 'portpick.bundle.cjs');
// The bundle is minified; a stack trace printed for PORTPICK_DEBUG names src/ files and lines.
if (process.env.PORTPICK_DEBUG) process.setSourceMapsEnabled(true);
if (existsSync(bundle)) (require(bundle) as typeof import('./program.js')).run(process.argv);
else void import('./main.js');
