import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerBench } from './bench.js';
import { registerCheck } from './check.js';
import { registerFree } from './free.js';
import { registerMap } from './map.js';
import { registerMerge } from './merge.js';
import { registerRanges } from './ranges.js';
import { registerRequest } from './request.js';
import { registerScan } from './scan.js';
import { registerSources } from './sources.js';
import { registerSuggest } from './suggest.js';
import { registerUpdate } from './update.js';

type Register = (program: Command, ctx: CliContext) => void;

/** Every command, in the order `portpick --help` lists them. */
const COMMANDS: ReadonlyArray<readonly [string, Register]> = [
  ['ranges', registerRanges],
  ['free', registerFree],
  ['check', registerCheck],
  ['suggest', registerSuggest],
  ['map', registerMap],
  ['request', registerRequest],
  ['scan', registerScan],
  ['merge', registerMerge],
  ['update', registerUpdate],
  ['sources', registerSources],
  ['bench', registerBench],
];

/**
 * Registers the commands. When `invoked` (the first argument) names one, only
 * that one is declared: declaring all ten commands' options costs ~7 ms of every
 * start-up, and a command's parsing, help and errors depend only on itself.
 * Anything else (no command, an option such as --help, `help`, a typo) gets
 * every command, so the listing and commander's suggestions stay whole.
 */
export function registerCommands(program: Command, ctx: CliContext, invoked?: string): void {
  const only = COMMANDS.find(([name]) => name === invoked);
  for (const [, register] of only ? [only] : COMMANDS) register(program, ctx);
}
