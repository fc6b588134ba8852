import type { Command } from 'commander';
import type { SourceStatus } from '../../registry/types.js';
import type { NativeStatus } from '../../api/native-status.js';
import { printJson, writeLine, type CliContext } from '../context.js';
import { addSourceOptions, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { sources } from '../../api/sources.js';
import { nativeStatus } from '../../api/native-status.js';
import { adviceFor } from '../failure-advice.js';

export function registerSources(program: Command, ctx: CliContext): void {
  const command = program
    .command('sources')
    .description('Each data source: where it came from, how fresh, how many entries; and the native engines')
    .option('--json', 'print JSON');
  addSourceOptions(command);
  command.action(async (flags: SourceFlags & { json?: boolean }) => {
    const [statuses, native] = await Promise.all([sources(sourceOptionsFrom(flags)), nativeStatus()]);
    if (flags.json) printJson(ctx, { sources: statuses, native });
    else writeLine(ctx.stdout, formatSources(statuses, native));
  });
}

export function formatSources(statuses: SourceStatus[], native: NativeStatus): string {
  const lines: string[] = [];
  for (const status of statuses) {
    const state = status.available ? `${status.entries} entries` : 'NOT AVAILABLE';
    lines.push(`${status.id.padEnd(15)} ${state}${status.updated ? `, updated ${status.updated}` : ''}`);
    lines.push(`${''.padEnd(15)} ${status.origin}`);
    if (status.note) lines.push(`${''.padEnd(15)} ${status.note}`);
  }
  lines.push(
    '',
    `native addon    ${native.loaded ? `loaded (version ${native.version})` : 'NOT LOADED'}`,
    `${''.padEnd(15)} engines: ${native.engines.join(', ')}`,
  );
  if (native.reason) lines.push(`${''.padEnd(15)} ${native.reason}`);
  if (native.hint) lines.push(`${''.padEnd(15)} to fix: ${adviceFor(native.hint)}`);
  return lines.join('\n');
}
