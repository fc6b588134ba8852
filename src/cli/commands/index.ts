import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerBench } from './bench.js';
import { registerCheck } from './check.js';
import { registerFree } from './free.js';
import { registerMerge } from './merge.js';
import { registerRanges } from './ranges.js';
import { registerRequest } from './request.js';
import { registerScan } from './scan.js';
import { registerSources } from './sources.js';
import { registerSuggest } from './suggest.js';
import { registerUpdate } from './update.js';

export function registerCommands(program: Command, ctx: CliContext): void {
  registerRanges(program, ctx);
  registerFree(program, ctx);
  registerCheck(program, ctx);
  registerSuggest(program, ctx);
  registerRequest(program, ctx);
  registerScan(program, ctx);
  registerMerge(program, ctx);
  registerUpdate(program, ctx);
  registerSources(program, ctx);
  registerBench(program, ctx);
}
