import type { Command } from 'commander';
import type { CheckReport } from '../../pick/check.js';
import { printJson, writeLine, type CliContext } from '../context.js';
import { addSweepOptions, sweepOptionsFrom, type SweepFlags } from './sweep-options.js';
import { addSourceOptions, collect, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { check } from '../../api/check.js';

interface CheckFlags extends SourceFlags, SweepFlags {
  proto: string;
  http?: boolean;
  k8s?: boolean;
  bindProbe?: boolean;
  network?: string[];
  json?: boolean;
}

export function registerCheck(program: Command, ctx: CliContext): void {
  const command = program
    .command('check')
    .argument('<port>', 'the port to check (1-65535)')
    .description('Is PORT a safe default for a new service? One verdict per source; exit 0 free, 1 conflict, 2 error')
    .option('-P, --proto <protocol>', 'tcp, udp, sctp or dccp', 'tcp')
    .option('--http', 'the service speaks HTTP (ports browsers refuse then conflict)')
    .option('--k8s', 'the service may run on Kubernetes (the NodePort range 30000-32767 then conflicts)')
    .option('--no-bind-probe', 'do not try binding the port on this machine')
    .option('-n, --network <cidr>', 'sweep this network for hosts with the port open (repeatable)', collect)
    .option('--json', 'print JSON');
  addSourceOptions(command);
  addSweepOptions(command);
  command
    .addHelpText(
      'after',
      '\nExamples:\n  portpick check 8080\n  portpick check 7400 --proto udp --json\n' +
        '  portpick check 9443 --http --network 198.51.100.0/24   # also sweep a network\n' +
        '  portpick check "$DEFAULT_PORT" || exit 1                  # as a CI gate',
    )
    .action(async (port: string, flags: CheckFlags) => {
      const report = await check({
        ...sourceOptionsFrom(flags),
        port,
        protocol: flags.proto,
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
        bindProbe: flags.bindProbe !== false,
        ...(flags.network ? { networks: flags.network, sweep: { ...sweepOptionsFrom(flags), signal: ctx.signal } } : {}),
      });
      if (flags.json) printJson(ctx, report);
      else writeLine(ctx.stdout, formatCheck(report));
      ctx.exitCode = report.exitCode;
    });
}

/** Citations printed under the defaults verdict; --json has them all. */
const CITATIONS_SHOWN = 3;

const MARK = { ok: 'ok  ', conflict: 'FAIL', warning: 'warn', 'not-checked': 'n/a ' } as const;

export function formatCheck(report: CheckReport): string {
  const head =
    report.overall === 'free'
      ? `${report.port}/${report.protocol}: free — no source objects to it as a default port`
      : `${report.port}/${report.protocol}: CONFLICT — ${report.conflicts.join(', ')}`;
  const lines = [head, ''];
  for (const verdict of report.verdicts) {
    lines.push(`  [${MARK[verdict.status]}] ${verdict.source.padEnd(14)} ${verdict.summary}`);
    if (verdict.source === 'defaults') {
      const cited = verdict.evidence.defaults;
      for (const wellKnown of cited.slice(0, CITATIONS_SHOWN)) {
        const whose = cited.length > 1 ? `${wellKnown.product}: ` : '';
        lines.push(`${' '.repeat(24)}${whose}${wellKnown.citation.url} (${wellKnown.citation.kind}, checked ${wellKnown.citation.checked})`);
      }
      if (cited.length > CITATIONS_SHOWN) lines.push(`${' '.repeat(24)}… ${cited.length - CITATIONS_SHOWN} more, each with its citation, in --json`);
    }
  }
  if (report.notChecked.length > 0) {
    lines.push('', `Not checked: ${report.notChecked.join(', ')} (see each line for how to enable it).`);
  }
  return lines.join('\n');
}
