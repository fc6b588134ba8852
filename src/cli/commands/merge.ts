import type { Command } from 'commander';
import { writeLine, type CliContext } from '../context.js';
import { reportTargets, type OutputFlags } from '../print/report-targets.js';
import { collect } from './source-options.js';
import { mergeJsonLinesFiles, shardName } from '../../scan/merge.js';
import { ReportSet } from '../print/report-set.js';
import { ReportedBatch } from '../../scan/reported-batch.js';
import { loadServiceNames, namesServices } from '../../scan/service-names.js';

interface MergeFlags extends OutputFlags {
  openOnly?: boolean;
  open?: boolean;
  nmapServices?: string;
}

export function registerMerge(program: Command, ctx: CliContext): void {
  program
    .command('merge')
    .argument('<files...>', 'JSON-lines outputs of `portpick scan --json` / -oJ (e.g. one per shard)')
    .description('Combine the JSON-lines outputs of several shards into one report')
    .option('-f, --format <format>', 'table, jsonl, csv, xml, grep, ports', 'table')
    .option('--json', 'same as --format jsonl')
    .option('--open-only', 'report open ports only')
    .option('--open', 'same as --open-only')
    .option('-o, --output <file>', 'write the --format report to FILE instead of stdout')
    .option('--output-normal <file>', 'nmap -oN FILE (repeatable)', collect)
    .option('--output-xml <file>', 'nmap -oX FILE (repeatable)', collect)
    .option('--output-grep <file>', 'nmap -oG FILE (repeatable)', collect)
    .option('--output-jsonl <file>', 'masscan -oJ FILE (repeatable)', collect)
    .option('--output-all <base>', 'nmap -oA BASE', collect)
    .option('--nmap-services <file>', 'nmap-services for service names (as scan)')
    .addHelpText('after', '\nExamples:\n  portpick merge part-*.jsonl\n  portpick merge part-0.jsonl part-1.jsonl -oX sweep.xml')
    .action(async (files: string[], flags: MergeFlags) => {
      const targets = reportTargets(flags);
      // Opened first: an output that cannot be written is an error before any input is read.
      const openOnly = flags.openOnly === true || flags.open === true;
      const serviceName = namesServices(targets.map((target) => target.format))
        ? await loadServiceNames(flags.nmapServices === undefined ? {} : { nmapServicesFile: flags.nmapServices })
        : undefined;
      const reports = ReportSet.open(targets, ctx.stdout, { openOnly, ...(serviceName ? { serviceName } : {}) });
      let merged: Awaited<ReturnType<typeof mergeJsonLinesFiles>>;
      try {
        merged = await mergeJsonLinesFiles(files);
      } catch (error) {
        reports.abandon();
        throw error;
      }
      reports.begin(merged.meta, null);
      const pending = reports.write(ReportedBatch.ofResults(merged.results));
      if (pending) await pending;
      reports.finish(merged.summary, merged.summary);
      const failure = reports.failure();
      if (failure) throw failure;
      for (const { name, line } of merged.truncated) {
        writeLine(ctx.stderr, `portpick: ${name}:${line}: the last line is cut short (its writer stopped mid-line); the complete lines before it are merged`);
        ctx.exitCode = 1;
      }
      if (merged.shards.missing.length > 0) {
        writeLine(
          ctx.stderr,
          `portpick: shards missing from the merge: ${merged.shards.missing.map((index) => shardName(index, merged.shards.count)).join(', ')}`,
        );
        ctx.exitCode = 1;
      }
    });
}
