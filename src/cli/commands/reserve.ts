import type { Command } from 'commander';
import type { ReserveReport } from '../../api/reserve.js';
import { printJson, writeLine, type CliContext } from '../context.js';
import { addSourceOptions, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { reserve } from '../../api/reserve.js';

interface ReserveFlags extends SourceFlags {
  name: string;
  proto: string;
  owner?: string;
  note?: string;
  force?: boolean;
  http?: boolean;
  k8s?: boolean;
  bindProbe?: boolean;
  json?: boolean;
}

export function registerReserve(program: Command, ctx: CliContext): void {
  const command = program
    .command('reserve')
    .argument('<port>', 'the port to reserve (1-65535)')
    .description(
      'Add a reservation to the nearest .portpick.yaml/.json (or create one), keeping its comments and order; ' +
        'refused when the port is reserved already or `check` calls it a conflict (exit 1), unless --force',
    )
    .requiredOption('--name <service>', 'the service the port is for')
    .option('-P, --proto <protocols>', 'tcp, udp, sctp or dccp; several (tcp,udp) in one reservation', 'tcp')
    .option('--owner <team>', 'who owns the reservation')
    .option('--note <text>', 'a note kept with it')
    .option('--force', 'reserve even when the port is reserved already or conflicts')
    .option('--http', 'the service speaks HTTP (ports browsers refuse then conflict)')
    .option('--k8s', 'the service may run on Kubernetes (the NodePort range then conflicts)')
    .option('--no-bind-probe', 'do not try binding the port on this machine')
    .option('--json', 'print JSON');
  addSourceOptions(command);
  command
    .addHelpText(
      'after',
      '\nThe file: --reservations FILE (created when missing), else the nearest .portpick.json, .portpick.yaml, .portpick.yml\n' +
        'or portpick.config.json here or above, else a new .portpick.yaml here.\n' +
        '\nExamples:\n  portpick reserve 7437 --name job-queue --owner platform\n' +
        '  portpick reserve 7437 --proto tcp,udp --name game-server --note "QUIC and TCP fallback"\n' +
        '  portpick reserve 5173 --name web --force          # a conflict, reserved anyway',
    )
    .action(async (port: string, flags: ReserveFlags) => {
      const report = await reserve({
        ...sourceOptionsFrom(flags),
        port,
        protocol: flags.proto,
        name: flags.name,
        ...(flags.owner === undefined ? {} : { owner: flags.owner }),
        ...(flags.note === undefined ? {} : { note: flags.note }),
        force: flags.force ?? false,
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
        bindProbe: flags.bindProbe !== false,
      });
      if (flags.json) printJson(ctx, report);
      else writeLine(ctx.stdout, formatReserve(report));
      ctx.exitCode = report.status === 'added' ? 0 : 1;
    });
}

export function formatReserve(report: ReserveReport): string {
  const { reservation } = report;
  const what = `${reservation.port}/${reservation.protocols.join('+')}`;
  const conflicts = report.conflicts.map((conflict) => `  [FAIL] ${conflict.protocol} ${conflict.source.padEnd(14)} ${conflict.summary}`);
  if (report.status === 'refused') {
    return [`Not reserved: ${what} conflicts (${[...new Set(report.conflicts.map((c) => c.source))].join(', ')}); nothing was written to ${report.file}.`, '', ...conflicts, '', 'Pick another port (portpick suggest), or add --force to reserve it anyway.'].join('\n');
  }
  const owner = reservation.owner === undefined ? '' : ` (owner ${reservation.owner})`;
  const where = `${report.file}${report.line === undefined ? '' : `:${report.line}`}`;
  const lines = [`Reserved ${what} for ${reservation.service}${owner} in ${where}${report.created ? ' (a new file)' : ''}.`];
  if (report.forced) lines.push('', 'Reserved with --force despite:', ...conflicts);
  return lines.join('\n');
}
