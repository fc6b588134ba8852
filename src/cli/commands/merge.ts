import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { writeLine, type CliContext } from '../context.js';
import { mergeJsonLinesFiles } from '../../scan/merge.js';
import { createReporter } from '../../scan/reporters/index.js';

export function registerMerge(program: Command, ctx: CliContext): void {
  program
    .command('merge')
    .argument('<files...>', 'JSON-lines outputs of `portpick scan --json` (e.g. one per shard)')
    .description('Combine the JSON-lines outputs of several shards into one report')
    .option('-f, --format <format>', 'table, jsonl, csv, xml, grep', 'table')
    .option('--json', 'same as --format jsonl')
    .option('--open-only', 'report open ports only')
    .option('-o, --output <file>', 'write to FILE instead of stdout')
    .addHelpText('after', '\nExamples:\n  portpick merge part-*.jsonl\n  portpick merge part-0.jsonl part-1.jsonl --format xml -o sweep.xml')
    .action(async (files: string[], flags: { format: string; json?: boolean; openOnly?: boolean; output?: string }) => {
      const merged = await mergeJsonLinesFiles(files);
      const reporter = createReporter(flags.json ? 'jsonl' : flags.format, { openOnly: flags.openOnly ?? false });
      const out = flags.output === undefined ? ctx.stdout : createWriteStream(flags.output);
      out.write(reporter.begin(merged.meta));
      for (const result of merged.results) out.write(reporter.result(result));
      out.write(reporter.end(merged.summary));
      if (out !== ctx.stdout) await new Promise<void>((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
      if (merged.shards.missing.length > 0) {
        writeLine(ctx.stderr, `portpick: shards missing from the merge: ${merged.shards.missing.join(', ')} of ${merged.shards.count}`);
        ctx.exitCode = 1;
      }
    });
}
