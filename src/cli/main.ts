#!/usr/bin/env node
/**
 * The command line as an ES module (what tsc builds; `node dist/cli/main.js`).
 * The installed `portpick` command is portpick.cts, which starts the same
 * program from a bundle with a compile cache.
 */
import { run } from './program.js';

run(process.argv);
