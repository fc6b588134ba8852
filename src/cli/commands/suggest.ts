import type { Command } from 'commander';
import type { SuggestReport } from '../../api/suggest.js';
import { InvalidArgumentError } from '../../errors/index.js';
import { writeLine, type CliContext } from '../context.js';
import { printReport } from './json-output.js';
import { addSweepOptions, sweepOptionsFrom, type SweepFlags } from './sweep-options.js';
import { addSourceOptions, collect, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { suggest } from '../../api/suggest.js';

interface SuggestFlags extends SourceFlags, SweepFlags {
  range?: string;
  count: string;
  proto: string;
  http?: boolean;
  k8s?: boolean;
  name?: string;
  network?: string[];
  bindProbe?: boolean;
  strict?: boolean;
  plain?: boolean;
  json?: boolean;
}

export function registerSuggest(program: Command, ctx: CliContext): void {
  const command = program
    .command('suggest')
    .description('Ranked default-port candidates that pass every available source, with the evidence')
    .option('-r, --range <A-B>', 'where to look (default 1024-49151, the User range)')
    .option('-c, --count <n>', 'how many candidates', '5')
    .option('-P, --proto <protocols>', 'tcp, udp, sctp or dccp; several (tcp,udp) for ports free in each', 'tcp')
    .option('--http', 'the service speaks HTTP (leave out ports browsers refuse)')
    .option('--k8s', 'the service may run on Kubernetes (leave out the NodePort range 30000-32767)')
    .option('--name <service>', 'stable pick: the same name gives the same port while it stays free')
    .option('-n, --network <cidr>', 'sweep this network for the candidates and drop any found open (repeatable)', collect)
    .option('--no-bind-probe', 'do not try binding the candidates on this machine')
    .option('--strict', 'refuse (exit 2, naming each) when a source could not be checked (no nmap-services, no reservations, no network swept …)')
    .option('--plain', 'print only the ports, one per line (exit 1 when there is none)')
    .option('--json', 'print JSON (portpick.suggest/1)');
  addSourceOptions(command);
  addSweepOptions(command);
  command
    .addHelpText(
      'after',
      '\nExamples:\n  portpick suggest\n  portpick suggest --name myservice --http\n  portpick suggest --proto tcp,udp --k8s --org ../services\n' +
        '  portpick suggest --range 7000-7999 --count 10 --json\n  portpick suggest --network 198.51.100.0/24\n' +
        '  portpick suggest --plain --count 1 --sources iana,nmap,defaults   # one number, the same on every machine with those sources',
    )
    .action(async (flags: SuggestFlags) => {
      if (flags.plain && flags.json) throw new InvalidArgumentError('Expected --plain or --json, got both');
      const count = Number(flags.count);
      if (!/^\d+$/.test(flags.count)) {
        throw new InvalidArgumentError(`Expected --count to be a whole number from 1 to 1000, got \`${flags.count}\``);
      }
      const report = await suggest({
        ...sourceOptionsFrom(flags),
        ...(flags.range === undefined ? {} : { range: flags.range }),
        count,
        protocol: flags.proto,
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
        ...(flags.name === undefined ? {} : { name: flags.name }),
        bindProbe: flags.bindProbe !== false,
        strict: flags.strict ?? false,
        ...(flags.network ? { networks: flags.network, sweep: { ...sweepOptionsFrom(flags), signal: ctx.signal } } : {}),
      });
      if (flags.json) printReport(ctx, 'suggest', report);
      else if (flags.plain) {
        if (report.candidates.length > 0) writeLine(ctx.stdout, report.candidates.map((candidate) => String(candidate.port)).join('\n'));
      } else writeLine(ctx.stdout, formatSuggest(report));
      // No candidate at all: a script must not go on with an empty port.
      if (report.candidates.length === 0) ctx.exitCode = 1;
    });
}

export function formatSuggest(report: SuggestReport): string {
  const lines: string[] = [];
  lines.push(
    `Candidates in ${report.range.start}-${report.range.end}/${report.protocol}: ` +
      `${report.poolSize} of ${report.considered} ports pass every available source.`,
    '',
  );
  if (report.candidates.length === 0) lines.push('  (none)');
  for (const candidate of report.candidates) {
    lines.push(`  ${String(candidate.rank).padStart(2)}. ${candidate.port}`);
    for (const reason of candidate.reasons) lines.push(`        - ${reason}`);
  }
  lines.push('', 'Excluded:');
  for (const [source, count] of Object.entries(report.excluded.bySource)) {
    if (count > 0) lines.push(`  ${source.padEnd(16)} ${count}`);
  }
  lines.push(`  ${'total'.padEnd(16)} ${report.excluded.total}`);
  if (report.network) {
    lines.push(
      '',
      `Network sweep of ${report.network.networks.join(', ')}: ${report.network.probes} probes, ` +
        `${report.network.openOn.length} open found${report.network.complete ? '' : ' (INCOMPLETE)'}.`,
    );
  }
  for (const note of report.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}
