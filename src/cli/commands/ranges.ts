import type { Command } from 'commander';
import type { RangesReport } from '../../api/ranges.js';
import { printJson, writeLine, type CliContext } from '../context.js';
import { ranges } from '../../api/ranges.js';

export function registerRanges(program: Command, ctx: CliContext): void {
  program
    .command('ranges')
    .argument('[port]', 'a port to place in the table')
    .description('The RFC 6335 port ranges, and where a port falls (including this machine\'s ephemeral range)')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  portpick ranges\n  portpick ranges 8080\n  portpick ranges 55000 --json')
    .action(async (port: string | undefined, flags: { json?: boolean }) => {
      const report = await ranges(port === undefined ? {} : { port });
      if (flags.json) printJson(ctx, report);
      else writeLine(ctx.stdout, formatRanges(report));
    });
}

export function formatRanges(report: RangesReport): string {
  const lines: string[] = ['RFC 6335 port ranges:'];
  for (const range of report.ranges) {
    lines.push(`  ${range.name.padEnd(8)} ${`${range.start}-${range.end}`.padEnd(12)} ${range.howAssigned}`);
    lines.push(`  ${''.padEnd(8)} ${''.padEnd(12)} default port: ${range.mayDefault}`);
  }
  lines.push('', 'Ephemeral (outgoing) port ranges:');
  for (const range of report.ephemeral) {
    lines.push(`  ${range.os.padEnd(13)} ${`${range.start}-${range.end}`.padEnd(12)} ${range.source}`);
  }
  if (report.port) {
    const where = report.port.range;
    lines.push('', `Port ${report.port.port}: ${where.name} range (${where.start}-${where.end})`);
    for (const note of report.port.notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n');
}
