/**
 * The command line with `scan` alone: the entry of the bundle the bin runs when
 * the command is `scan` (portpick.cts). A sweep starts sooner when the process
 * neither compiles nor registers the other commands, nor loads the Node
 * modules only they use (docs/architecture.md gives the measurement). The
 * program is otherwise the one run-all.ts runs, so `scan`'s parsing, help and
 * errors are the same; a test holds the two to the same answers.
 */
import { registerScan } from './commands/scan.js';
import { run as runProgram } from './program.js';

export function run(argv: string[]): void {
  runProgram(argv, registerScan);
}
