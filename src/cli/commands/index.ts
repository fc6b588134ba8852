import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { RegisterCommands } from '../program.js';
import { registerBench } from './bench.js';
import { registerCheck } from './check.js';
import { registerFree } from './free.js';
import { registerInventory } from './inventory.js';
import { registerMap } from './map.js';
import { registerMerge } from './merge.js';
import { registerPick } from './pick.js';
import { registerRanges } from './ranges.js';
import { registerRequest } from './request.js';
import { registerReserve } from './reserve.js';
import { registerScan } from './scan.js';
import { registerSources } from './sources.js';
import { registerSuggest } from './suggest.js';
import { registerUpdate } from './update.js';

/** Every command, in the order `portpick --help` lists them. */
const COMMANDS: readonly RegisterCommands[] = [
  registerRanges,
  registerFree,
  registerCheck,
  registerSuggest,
  registerPick,
  registerMap,
  registerRequest,
  registerInventory,
  registerReserve,
  registerScan,
  registerMerge,
  registerUpdate,
  registerSources,
  registerBench,
];

export function registerCommands(program: Command, ctx: CliContext): void {
  for (const register of COMMANDS) register(program, ctx);
}
