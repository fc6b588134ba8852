import type { Command } from 'commander';
import type { CheckPortsReport } from '../../api/check.js';
import type { CheckReport } from '../../pick/check.js';
import { isBuiltInVerdict } from '../../pick/verdict.js';
import { writeLine, type CliContext } from '../context.js';
import { CHECK_EXIT_CODE, checkListWithExitCode, checkReportWithExitCode } from '../check-exit-code.js';
import { printReport, withSchema } from './json-output.js';
import { addSweepOptions, sweepOptionsFrom, type SweepFlags } from './sweep-options.js';
import { addSourceOptions, collect, sourceOptionsFrom, type SourceFlags } from './source-options.js';
import { checkPorts } from '../../api/check.js';

interface CheckFlags extends SourceFlags, SweepFlags {
  proto: string;
  http?: boolean;
  k8s?: boolean;
  bindProbe?: boolean;
  network?: string[];
  strict?: boolean;
  json?: boolean;
}

export function registerCheck(program: Command, ctx: CliContext): void {
  const command = program
    .command('check')
    .argument('<ports...>', 'the port(s) to check (1-65535), each once')
    .description('Is PORT a safe default for a new service? One verdict per source and port; exit 0 free, 1 conflict (or unchecked with --strict), 2 error')
    .option('-P, --proto <protocol>', 'tcp, udp, sctp or dccp', 'tcp')
    .option('--http', 'the service speaks HTTP (ports browsers refuse then conflict)')
    .option('--k8s', 'the service may run on Kubernetes (the NodePort range 30000-32767 then conflicts)')
    .option('--no-bind-probe', 'do not try binding the port on this machine')
    .option('-n, --network <cidr>', 'sweep this network for hosts with the port open (repeatable)', collect)
    .option('--strict', 'a source that could not be checked (no nmap-services, no reservations, no network swept …) fails the check (exit 1)')
    .option('--json', 'print JSON (one port: portpick.check/1; several: portpick.check-list/1)');
  addSourceOptions(command);
  addSweepOptions(command);
  command
    .addHelpText(
      'after',
      '\nExamples:\n  portpick check 8080\n  portpick check 7400 7401 7402 --proto udp --json\n' +
        '  portpick check 9443 --http --network 198.51.100.0/24   # also sweep a network\n' +
        '  portpick check "$DEFAULT_PORT" --strict --sources iana,nmap,defaults,reservations || exit 1   # as a CI gate',
    )
    .action(async (ports: string[], flags: CheckFlags) => {
      const result = await checkPorts({
        ...sourceOptionsFrom(flags),
        ports,
        protocol: flags.proto,
        http: flags.http ?? false,
        k8s: flags.k8s ?? false,
        strict: flags.strict ?? false,
        bindProbe: flags.bindProbe !== false,
        ...(flags.network ? { networks: flags.network, sweep: { ...sweepOptionsFrom(flags), signal: ctx.signal } } : {}),
      });
      const [only] = result.reports;
      if (flags.json) {
        if (result.reports.length === 1 && only !== undefined) printReport(ctx, 'check', checkReportWithExitCode(only));
        else {
          const list = checkListWithExitCode(result);
          printReport(ctx, 'checkList', { ...list, reports: list.reports.map((report) => withSchema('check', report)) });
        }
      } else writeLine(ctx.stdout, result.reports.length === 1 && only !== undefined ? formatCheck(only) : formatCheckList(result));
      ctx.exitCode = CHECK_EXIT_CODE[result.overall];
    });
}

/** Citations printed under the defaults verdict; --json has them all. */
const CITATIONS_SHOWN = 3;

const MARK = { ok: 'ok  ', conflict: 'FAIL', warning: 'warn', 'not-checked': 'n/a ' } as const;
/** A source left out on request: not a source that failed to be checked. */
const NOT_CONSULTED_MARK = '--  ';

export function formatCheck(report: CheckReport): string {
  const where = `${report.port}/${report.protocol}`;
  const head =
    report.overall === 'free'
      ? `${where}: free — no source objects to it as a default port`
      : report.overall === 'conflict'
        ? `${where}: CONFLICT — ${report.conflicts.join(', ')}`
        : `${where}: UNCHECKED — no source objects, but ${report.notChecked.join(', ')} could not be checked (--strict)`;
  const lines = [head, ''];
  for (const verdict of report.verdicts) {
    const mark = report.notConsulted.includes(verdict.source) ? NOT_CONSULTED_MARK : MARK[verdict.status];
    lines.push(`  [${mark}] ${verdict.source.padEnd(14)} ${verdict.summary}`);
    if (isBuiltInVerdict(verdict) && verdict.source === 'defaults') {
      const cited = verdict.evidence.defaults;
      for (const wellKnown of cited.slice(0, CITATIONS_SHOWN)) {
        const whose = cited.length > 1 ? `${wellKnown.product}: ` : '';
        lines.push(`${' '.repeat(24)}${whose}${wellKnown.citation.url} (${wellKnown.citation.kind}, checked ${wellKnown.citation.checked})`);
      }
      if (cited.length > CITATIONS_SHOWN) lines.push(`${' '.repeat(24)}… ${cited.length - CITATIONS_SHOWN} more, each with its citation, in --json`);
    }
  }
  const footer: string[] = [];
  if (report.notChecked.length > 0) footer.push(`Not checked: ${report.notChecked.join(', ')} (see each line for how to enable it).`);
  if (report.notConsulted.length > 0) footer.push(`Not consulted (left out on request): ${report.notConsulted.join(', ')}.`);
  if (footer.length > 0) lines.push('', ...footer);
  return lines.join('\n');
}

/** Several ports: each port's block as for one, then one line that sums them up. */
export function formatCheckList(result: CheckPortsReport): string {
  const blocks = result.reports.map(formatCheck);
  const of = (overall: CheckReport['overall']): CheckReport[] => result.reports.filter((report) => report.overall === overall);
  const named = (reports: CheckReport[]): string => reports.map((report) => report.port).join(', ');
  const parts = [`${of('free').length} free`];
  if (of('conflict').length > 0) parts.push(`${of('conflict').length} conflict (${named(of('conflict'))})`);
  if (of('unchecked').length > 0) parts.push(`${of('unchecked').length} unchecked (${named(of('unchecked'))})`);
  return [...blocks, `${result.reports.length} ports: ${parts.join(', ')}.`].join('\n\n');
}
