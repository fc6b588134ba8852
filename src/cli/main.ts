#!/usr/bin/env node
/**
 * The command line as an ES module (what tsc builds; `node dist/cli/main.js`).
 * The installed `portpick` command is portpick.cts, which runs the same
 * program bundled (run-all.ts, and run-scan.ts for `scan`).
 */
import { run } from './run-all.js';

run(process.argv);
