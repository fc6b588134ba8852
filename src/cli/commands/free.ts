import type { Command } from 'commander';
import type { FreeReport } from '../../api/free.js';
import { toRanges } from '../../pick/free.js';
import { writeLine, type CliContext } from '../context.js';
import { printReport } from './json-output.js';
import { addSourceOptions, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { freePorts } from '../../api/free.js';

interface FreeFlags extends SourceFlags {
  proto: string;
  k8s?: boolean;
  json?: boolean;
  list?: boolean;
}

export function registerFree(program: Command, ctx: CliContext): void {
  const command = program
    .command('free')
    .argument('<start>', 'first port of the range (0-65535)')
    .argument('<end>', 'last port of the range (0-65535)')
    .description(
      'Every port in START-END that IANA lists as Unassigned (gaps with no row are not free) and no other source claims: ' +
        'nmap seen open, well-known defaults, services file, reservations, the organisation\'s code',
    )
    .option('-P, --proto <protocols>', 'tcp, udp, sctp or dccp; several (tcp,udp) for ports free in each', 'tcp')
    .option('--k8s', 'the service may run on Kubernetes (the NodePort range 30000-32767 is not free)')
    .option('--list', 'one port per line instead of ranges')
    .option('--json', 'print JSON (portpick.free/1)');
  // free does not read this machine's listeners (they come and go), so it takes no --no-listeners.
  addSourceOptions(command, { listeners: false, sources: 'iana,nmap,defaults,services,reservations,org,os-reserved' });
  command
    .addHelpText(
      'after',
      '\nExamples:\n  portpick free 8000 8100\n  portpick free 1024 49151 --proto udp --json\n' +
        '  portpick free 5000 5100 --proto tcp,udp --reservations .portpick.yaml --org ../services',
    )
    .action(async (start: string, end: string, flags: FreeFlags) => {
      const report = await freePorts({ ...sourceOptionsFrom(flags), start, end, protocol: flags.proto, k8s: flags.k8s ?? false });
      if (flags.json) printReport(ctx, 'free', report);
      else writeLine(ctx.stdout, formatFree(report, flags.list ?? false));
    });
}

export function formatFree(report: FreeReport, list: boolean): string {
  const { counted } = report;
  const protocols = report.protocols.join(' and ');
  const dropped = Object.entries(report.excluded.bySource)
    .filter(([source, count]) => count > 0 && source !== 'iana' && source !== 'range')
    .map(([source, count]) => `${source} ${count}`);
  const lines = [
    `${report.ports.length} free ${protocols} ports in ${report.start}-${report.end}`,
    `  IANA: ${counted.unassigned} Unassigned${report.protocols.length > 1 ? ` in ${protocols}` : ''}, assigned ${counted.assigned}, ` +
      `reserved ${counted.reserved}, no row ${counted.unknown} (${report.ianaOrigin}${report.ianaUpdated ? `, newest date ${report.ianaUpdated}` : ''})`,
    `  dropped from the Unassigned: ${dropped.length > 0 ? dropped.join(', ') : 'none'}`,
    ...report.notes.map((note) => `  Note: ${note}`),
  ];
  if (list) return [...lines, ...report.ports.map(String)].join('\n');
  const runs = toRanges(report.ports).map((run) => (run.start === run.end ? String(run.start) : `${run.start}-${run.end}`));
  return [...lines, ...wrap(runs, 78)].join('\n');
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
