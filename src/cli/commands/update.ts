import type { Command } from 'commander';
import type { UpdateReport } from '../../registry/update.js';
import { printJson, writeLine, type CliContext } from '../context.js';
import { update } from '../../api/update.js';

export function registerUpdate(program: Command, ctx: CliContext): void {
  program
    .command('update')
    .description('Fetch the official IANA CSV and nmap-services into the cache (validated; a failure keeps the old data)')
    .option('--from <file>', 'import a local IANA CSV/XML or nmap-services file instead (offline)')
    .option('--only <kind>', 'iana or nmap')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  portpick update\n  portpick update --from ./service-names-port-numbers.csv\n  portpick update --only iana --json')
    .action(async (flags: { from?: string; only?: string; json?: boolean }) => {
      const report = await update({
        ...(flags.from === undefined ? {} : { from: flags.from }),
        ...(flags.only === undefined ? {} : { only: [flags.only as 'iana' | 'nmap'] }),
        signal: ctx.signal,
      });
      if (flags.json) printJson(ctx, report);
      else writeLine(ctx.stdout, formatUpdate(report));
      if (report.files.some((file) => file.status === 'failed')) ctx.exitCode = 2;
    });
}

export function formatUpdate(report: UpdateReport): string {
  const lines = [`Cache: ${report.cacheDir}`];
  for (const file of report.files) {
    const size = file.entries === null ? 'no data' : `${file.entries} entries, ${file.bytes ?? 0} bytes`;
    lines.push(`  ${file.kind.padEnd(5)} ${file.status.padEnd(9)} ${size}  ${file.reason ?? ''}`.trimEnd());
    lines.push(`        from ${file.source}`);
  }
  return lines.join('\n');
}
