import type { Command } from 'commander';
import type { FreeReport } from '../../api/free.js';
import { toRanges } from '../../pick/free.js';
import { printJson, writeLine, type CliContext } from '../context.js';
import { addSourceOptions, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { freePorts } from '../../api/free.js';

interface FreeFlags extends SourceFlags {
  proto: string;
  json?: boolean;
  list?: boolean;
}

export function registerFree(program: Command, ctx: CliContext): void {
  const command = program
    .command('free')
    .argument('<start>', 'first port of the range (0-65535)')
    .argument('<end>', 'last port of the range (0-65535)')
    .description('Every port that IANA lists as Unassigned in START-END (gaps with no row are not free)')
    .option('-P, --proto <protocol>', 'tcp, udp, sctp or dccp', 'tcp')
    .option('--list', 'one port per line instead of ranges')
    .option('--json', 'print JSON');
  addSourceOptions(command);
  command
    .addHelpText('after', '\nExamples:\n  portpick free 8000 8100\n  portpick free 1024 49151 --proto udp --json')
    .action(async (start: string, end: string, flags: FreeFlags) => {
      const report = await freePorts({ ...sourceOptionsFrom(flags), start, end, protocol: flags.proto });
      if (flags.json) printJson(ctx, report);
      else writeLine(ctx.stdout, formatFree(report, flags.list ?? false));
    });
}

export function formatFree(report: FreeReport, list: boolean): string {
  const { counted } = report;
  const head =
    `${report.ports.length} IANA-unassigned ${report.protocol} ports in ${report.start}-${report.end} ` +
    `(assigned ${counted.assigned}, reserved ${counted.reserved}, no row ${counted.unknown}; ` +
    `IANA data: ${report.ianaOrigin}${report.ianaUpdated ? `, newest date ${report.ianaUpdated}` : ''})`;
  if (list) return [head, ...report.ports.map(String)].join('\n');
  const runs = toRanges(report.ports).map((run) => (run.start === run.end ? String(run.start) : `${run.start}-${run.end}`));
  return [head, ...wrap(runs, 78)].join('\n');
}

function wrap(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    const next = line === '' ? item : `${line}, ${item}`;
    if (next.length > width && line !== '') {
      lines.push(`${line},`);
      line = item;
    } else line = next;
  }
  if (line !== '') lines.push(line);
  return lines;
}
