import type { Command } from 'commander';
import { fileOutput, streamOutput } from '../print/report-output.js';
import { InvalidArgumentError } from '../../errors/index.js';
import type { ScanOptions } from '../../scan/scan-options.js';
import type { ScanMeta, ServiceNameLookup } from '../../scan/reporters/index.js';
import type { EntryIndex } from '../../registry/entry-index.js';
import { packageVersion } from '../../version.js';
import { writeLine, type CliContext } from '../context.js';
import { formatDuration, ProgressBar } from '../print/progress.js';
import { collect, type SourceFlags } from './source-options.js';
import { addSweepOptions, numberFlag, sweepOptionsFrom, type SweepFlags } from './sweep-options.js';
import { loadIanaSnapshot } from '../../registry/iana-snapshot.js';
import { createReporter, formatPortList } from '../../scan/reporters/index.js';
import { readResumeFile, writeResumeFile } from '../../scan/resume.js';
import { scan } from '../../scan/scan.js';
import { loadNmapServices } from '../../registry/nmap-services.js';
import { warnWhenAddonMissing } from '../print/addon-notice.js';

interface ScanFlags extends SweepFlags, Pick<SourceFlags, 'nmapServices'> {
  ports?: string;
  topPorts?: string;
  inputList?: string[];
  window?: string;
  seed?: string;
  shard?: string;
  resume?: string;
  resumeFile: string;
  openOnly?: boolean;
  format: string;
  json?: boolean;
  output?: string;
  dryRun?: boolean;
  progress?: boolean;
}

export function registerScan(program: Command, ctx: CliContext): void {
  const command = program
    .command('scan')
    .argument('[targets...]', 'addresses, CIDR blocks, ranges (a-b) or hostnames, IPv4 and IPv6')
    .description('Sweep networks for open TCP ports (SYN with CAP_NET_RAW, connect otherwise); results stream as found')
    .option('-p, --ports <spec>', 'ports: 22,80,8000-8100; - for 1-65535')
    .option('--top-ports <n>', 'the N ports nmap-services sees open most often (needs nmap-services)')
    .option('-i, --input-list <file>', 'read targets from a file (also -iL; repeatable)', collect)
    .option('--window <n>', 'connect engines: probes in flight at most (default: from RLIMIT_NOFILE)')
    .option('--seed <n>', 'permutation seed (decimal, < 2^64), to repeat an order')
    .option('--shard <i/n>', 'run shard i of n (0-based: $JOB_COMPLETION_INDEX/N)')
    .option('--resume <file>', 'continue an interrupted sweep from its resume file')
    .option('--resume-file <file>', 'where to write the resume file if interrupted', 'portpick-resume.json')
    .option('--open-only', 'report open ports only')
    .option('-f, --format <format>', 'table, jsonl, csv, xml (nmap), grep (nmap -oG)', 'table')
    .option('--json', 'same as --format jsonl')
    .option('-o, --output <file>', 'write the report to FILE instead of stdout')
    .option('--dry-run', 'print the probe count and an estimated duration; send nothing')
    .option('--no-progress', 'no progress bar on stderr')
    .option('--nmap-services <file>', 'nmap-services for --top-ports and service names');
  addSweepOptions(command);
  command
    .addHelpText(
      'after',
      '\nExamples:\n  portpick scan 127.0.0.1 -p -\n  portpick scan 198.51.100.0/24 -p 22,80,443,8000-8100 --open-only\n' +
        '  portpick scan -iL hosts.txt --top-ports 100 --format xml -o scan.xml\n' +
        '  portpick scan 198.51.100.0/16 -p 80 --shard "$JOB_COMPLETION_INDEX/8" --json -o part.jsonl\n' +
        '  portpick scan 198.51.100.0/24 -p - --dry-run',
    )
    .action(async (targets: string[], flags: ScanFlags) => {
      warnWhenAddonMissing(flags.mode, ctx);
      await runScan(targets, flags, ctx);
    });
}

async function runScan(targets: string[], flags: ScanFlags, ctx: CliContext): Promise<void> {
  const format = flags.json ? 'jsonl' : flags.format;
  if (flags.ports === undefined && flags.topPorts === undefined) {
    throw new InvalidArgumentError('Expected ports to scan (-p SPEC or --top-ports N), got neither');
  }
  if (flags.ports !== undefined && flags.topPorts !== undefined) {
    throw new InvalidArgumentError('Expected either -p or --top-ports, got both');
  }
  if (targets.length === 0 && !flags.inputList && !flags.resume) {
    throw new InvalidArgumentError('Expected at least one target (address, CIDR, range, hostname or -iL FILE), got none');
  }
  // nmap-services only for --top-ports and the formats that name services (not loaded otherwise).
  const nmap =
    flags.topPorts !== undefined || format !== 'jsonl'
      ? await loadNmapServices(
          flags.nmapServices === undefined ? {} : { file: flags.nmapServices },
        )
      : null;
  const options: ScanOptions = {
    ...sweepOptionsFrom(flags),
    targets,
    ...(flags.inputList ? { targetFiles: flags.inputList } : {}),
    ...(flags.ports !== undefined ? { ports: flags.ports } : {}),
    ...(flags.topPorts !== undefined
      ? { topPorts: numberFlag('--top-ports', flags.topPorts), nmapServices: nmap?.index ?? null }
      : {}),
    ...(flags.window === undefined ? {} : { window: numberFlag('--window', flags.window) }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(flags.shard === undefined ? {} : { shard: flags.shard }),
    ...(flags.resume === undefined ? {} : { resume: await readResumeFile(flags.resume) }),
    dryRun: flags.dryRun ?? false,
    openOnly: flags.openOnly ?? false,
    signal: ctx.signal,
  };
  const showProgress = ctx.stderrIsTTY && flags.progress !== false && !flags.dryRun;
  const bar = showProgress ? new ProgressBar(ctx.stderr) : null;
  if (bar) options.onProgress = (progress) => bar.update(progress);

  const handle = scan(options);
  const plan = await handle.plan;
  if (flags.dryRun) {
    writeLine(
      ctx.stdout,
      `Dry run: ${plan.planned} probes (${plan.addressCount} addresses × ${plan.portCount} ports` +
        `${plan.shard.count > 1 ? `, shard ${plan.shard.index}/${plan.shard.count} of ${plan.total}` : ''}), ` +
        `engine ${plan.engine} (${plan.engineReason}), estimated ${formatDuration(plan.estimatedDurationMs / 1000)}; nothing sent.`,
    );
    await handle.summary;
    return;
  }

  // Only the table, XML and grepable formats name services; JSON lines and CSV skip loading the registries.
  const namesServices = format === 'table' || format === 'xml' || format === 'grep';
  const reporter = createReporter(format, {
    openOnly: flags.openOnly ?? false,
    ...(namesServices ? { serviceName: await serviceNames(nmap?.index ?? null) } : {}),
  });
  const out = flags.output === undefined ? streamOutput(ctx.stdout) : fileOutput(flags.output);
  const meta: ScanMeta = {
    args: ['portpick', ...process.argv.slice(2)],
    startedAt: new Date().toISOString(),
    targets: [...targets, ...(flags.inputList ?? []).map((file) => `-iL ${file}`)],
    ports: formatPortList(plan.ports),
    engine: plan.engine,
    seed: plan.seed,
    shard: plan.shard,
    version: packageVersion(),
    addressCount: plan.addressCount,
  };
  out.write(reporter.begin(meta));
  // A batch at a time: one write per engine batch, not one per result. Formats
  // that can write straight from the engine's records (JSON lines) make no
  // result objects at all.
  for await (const batch of handle.recordBatches()) {
    if (reporter.resultBytes) {
      const bytes = reporter.resultBytes(batch);
      if (bytes.length > 0) {
        bar?.clear();
        out.writeBytes(bytes);
      }
      continue;
    }
    // join, not +=: a string built by thousands of appends is a deep rope that
    // costs more to flatten and encode for the write than to format.
    const lines: string[] = [];
    for (let index = 0; index < batch.length; index += 1) {
      const line = reporter.result(batch.result(index));
      if (line !== '') lines.push(line);
    }
    if (lines.length > 0) {
      bar?.clear();
      out.write(lines.join(''));
    }
  }
  const summary = await handle.summary;
  bar?.clear();
  out.write(reporter.end(summary));
  await out.close();
  if (summary.interrupted) {
    const state = handle.resumeState();
    if (state) {
      await writeResumeFile(flags.resumeFile, state);
      writeLine(
        ctx.stderr,
        `portpick: interrupted after ${summary.completed} of ${summary.planned} probes; ` +
          `continue with: portpick scan --resume ${flags.resumeFile} (same arguments)`,
      );
    }
    ctx.exitCode = 130;
  }
}

/** Service names for reports: IANA first (the shipped snapshot), then nmap-services. */
async function serviceNames(nmap: EntryIndex | null): Promise<ServiceNameLookup> {
  const iana = loadIanaSnapshot();
  return (port, protocol) => {
    const assigned = iana.lookup(protocol, port).find((entry) => entry.state === 'assigned' && entry.names.length > 0);
    if (assigned) return assigned.names[0];
    const seen = nmap?.lookup(protocol, port).find((entry) => entry.names[0] && entry.names[0] !== 'unknown');
    return seen?.names[0];
  };
}
