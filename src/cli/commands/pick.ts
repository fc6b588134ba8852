import type { Command } from 'commander';
import { pickPort } from '../../api/pick.js';
import { writeLine, type CliContext } from '../context.js';
import { printReport } from './json-output.js';
import { addSweepOptions, sweepOptionsFrom, type SweepFlags } from './sweep-options.js';
import { addSourceOptions, collect, sourceOptionsFrom, type SourceFlags } from './source-options.js';

interface PickFlags extends SourceFlags, SweepFlags {
  range?: string;
  proto: string;
  http?: boolean;
  k8s?: boolean;
  network?: string[];
  bindProbe?: boolean;
  strict?: boolean;
  json?: boolean;
}

export function registerPick(program: Command, ctx: CliContext): void {
  const command = program
    .command('pick')
    .argument('<name>', 'the service name')
    .description('The one stable port for a service name (what `suggest --name NAME --count 1` ranks first), printed alone')
    .option('-r, --range <A-B>', 'where to look (default 1024-49151, the User range)')
    .option('-P, --proto <protocols>', 'tcp, udp, sctp or dccp; several (tcp,udp) for a port free in each', 'tcp')
    .option('--http', 'the service speaks HTTP (leave out ports browsers refuse)')
    .option('--k8s', 'the service may run on Kubernetes (leave out the NodePort range 30000-32767)')
    .option('-n, --network <cidr>', 'sweep this network and pass over ports found open (repeatable)', collect)
    .option('--no-bind-probe', 'do not try binding the port on this machine')
    .option('--strict', 'refuse (exit 2, naming each) when a source could not be checked')
    .option('--json', 'print the pick with its evidence as JSON (portpick.pick/1)');
  addSourceOptions(command);
  addSweepOptions(command);
  command
    .addHelpText(
      'after',
      '\nThe port alone goes to stdout; no port passes: exit 2 with the reason on stderr.\n' +
        '\nExamples:\n  portpick pick myservice\n  portpick pick myservice --sources iana,nmap,defaults   # the same port on every machine with those sources\n' +
        '  PORT ?= $(shell portpick pick myservice)              # a Makefile default',
    )
    .action(async (name: string, flags: PickFlags) => {
      const report = await pickPort({
        ...sourceOptionsFrom(flags),
        name,
        ...(flags.range === undefined ? {} : { range: flags.range }),
        protocol: flags.proto,
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
        bindProbe: flags.bindProbe !== false,
        strict: flags.strict ?? false,
        ...(flags.network ? { networks: flags.network, sweep: { ...sweepOptionsFrom(flags), signal: ctx.signal } } : {}),
      });
      if (flags.json) printReport(ctx, 'pick', report);
      else writeLine(ctx.stdout, String(report.port));
    });
}
