/**
 * The command line with every command: what tsc's main.js runs, and the entry
 * of the bundle the bin runs for every command but `scan` (portpick.cts).
 */
import { registerCommands } from './commands/index.js';
import { run as runProgram } from './program.js';

export function run(argv: string[]): void {
  runProgram(argv, registerCommands);
}
