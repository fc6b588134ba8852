import type { Command } from 'commander';
import type { InventoryReport, PortFinding } from '../../registry/inventory/types.js';
import { writeLine, type CliContext } from '../context.js';
import { printReport } from './json-output.js';
import { renderTable } from '../print/table.js';
import { inventory } from '../../api/inventory.js';

interface InventoryFlags {
  json?: boolean;
}

export function registerInventory(program: Command, ctx: CliContext): void {
  program
    .command('inventory')
    .argument('<dir...>', "directories (or files) of the organisation's code")
    .description(
      'Every port the code declares: compose files, Kubernetes manifests, Helm values, Dockerfiles, .env files, ' +
        'systemd sockets, package.json scripts, Spring configuration; with file:line, owner and how sure the reading is',
    )
    .option('--json', 'print JSON (portpick.inventory/1)')
    .addHelpText(
      'after',
      '\nExamples:\n  portpick inventory .\n  portpick inventory ../services ../platform --json\n' +
        '  portpick check 8080 --org ../services      # the same inventory as a verdict source',
    )
    .action(async (dirs: string[], flags: InventoryFlags) => {
      const report = await inventory({ dirs });
      if (flags.json) printReport(ctx, 'inventory', report);
      else writeLine(ctx.stdout, formatInventory(report));
    });
}

export function formatInventory(report: InventoryReport): string {
  const lines = [
    `${report.findings.length} port declaration(s) in ${report.roots.join(', ')} ` +
      `(${report.filesSeen} files seen, ${report.filesRead} read).`,
    '',
  ];
  if (report.findings.length > 0) {
    lines.push(
      renderTable(
        [{ header: 'PORT', align: 'right' }, { header: 'PROTO' }, { header: 'WHERE' }, { header: 'OWNER', maxWidth: 48 }, { header: 'FIELD' }, { header: 'SURE' }],
        report.findings.map((finding) => [portText(finding), finding.protocol, `${finding.file}:${finding.line}`, finding.owner, finding.field, finding.confidence]),
      ),
    );
  }
  const noted = report.findings.filter((finding) => finding.note !== undefined);
  if (noted.length > 0) {
    lines.push('', 'How values were read:');
    for (const finding of noted) lines.push(`  ${finding.file}:${finding.line}  ${portText(finding)}: ${finding.note}`);
  }
  if (report.problems.length > 0) {
    lines.push('', 'Problems (the rest of each file was read):');
    for (const problem of report.problems) {
      lines.push(`  ${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}  ${problem.problem}: ${problem.message}`);
    }
  }
  const { skipped } = report;
  const passed = [
    [skipped.gitignored, 'ignored by .gitignore'],
    [skipped.vendored, 'vendored or tool directories (node_modules, vendor …)'],
    [skipped.symlinks, 'symbolic links (not followed)'],
    [skipped.binaryOrLarge, 'binary or oversized files'],
    [skipped.helmTemplates, 'Helm templates (the chart values are read)'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, what]) => `${count} ${what}`);
  if (passed.length > 0) lines.push('', `Passed over: ${passed.join('; ')}.`);
  return lines.join('\n');
}

function portText(finding: PortFinding): string {
  return finding.first === finding.last ? String(finding.first) : `${finding.first}-${finding.last}`;
}
