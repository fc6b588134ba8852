/**
 * `portpick scan`: parse the flags (nmap's, masscan's and zmap's spellings
 * where they have one; docs/scan.md), run the library's scan(), write the
 * reports as results come, and leave a resume file whenever a sweep with a
 * plan stops short — Ctrl-C, SIGTERM, SIGHUP, an engine failure, a report that
 * cannot be written (EPIPE, ENOSPC). A second Ctrl-C stops waiting: what was
 * delivered is written, the reports are ended and the resume file written at once.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from '../../errors/index.js';
import type { ScanOptions } from '../../scan/scan-options.js';
import type { ScanPlanInfo, SweepHandle } from '../../scan/scan.js';
import type { ReportCarry, ReporterOptions, ScanMeta } from '../../scan/reporters/index.js';
import { namesServices, serviceNameLookup } from '../../scan/service-names.js';
import type { ReportedBatch } from '../../scan/reported-batch.js';
import type { ScanProgress, ScanSummary } from '../../scan/types.js';
import { packageVersion } from '../../version.js';
import { writeLine, type CliContext } from '../context.js';
import { formatDuration, parseInterval, ProgressBar, StatusLines } from '../print/progress.js';
import { reportTargets, type OutputFlags } from '../print/report-targets.js';
import { ReportSet } from '../print/report-set.js';
import { combineSummaries, readResumeReport, type ResumeReport } from '../print/resume-report.js';
import { collect, type SourceFlags } from './source-options.js';
import { addSweepOptions, numberFlag, sweepOptionsFrom, type SweepFlags } from './sweep-options.js';
import { readResumeFile, withoutPositions, writeResumeFile } from '../../scan/resume.js';
import { startSweep } from '../../scan/scan.js';
import { loadNmapServices } from '../../registry/nmap-services.js';
import { warnWhenAddonMissing } from '../print/addon-notice.js';

interface ScanFlags extends SweepFlags, OutputFlags, Pick<SourceFlags, 'nmapServices'> {
  ports?: string;
  topPorts?: string;
  inputList?: string[];
  window?: string;
  seed?: string;
  shard?: string;
  shards?: string;
  resume?: string;
  resumeFile: string;
  openOnly?: boolean;
  open?: boolean;
  dryRun?: boolean;
  progress?: boolean;
  statsEvery?: string;
  verbose: number;
  quiet?: boolean;
  xmlScanner?: string;
}

/** Off a terminal, status lines every 10 s unless --stats-every says otherwise (nmap prints none unless asked). */
const DEFAULT_STATS_EVERY_MS = 10_000;

export function registerScan(program: Command, ctx: CliContext): void {
  const command = program
    .command('scan')
    .argument('[targets...]', 'addresses, CIDR blocks, ranges (a-b) or hostnames, IPv4 and IPv6')
    .description('Sweep networks for open TCP ports (SYN with CAP_NET_RAW, connect otherwise); results stream as found')
    .option('-p, --ports <spec>', 'ports: 22,80,8000-8100; - for 1-65535')
    .option('--top-ports <n>', 'the N ports nmap-services sees open most often (needs nmap-services)')
    .option('-i, --input-list <file>', 'read targets from a file, - for standard input (also -iL; repeatable)', collect)
    .option('--window <n>', 'connect engines: probes in flight at most (default: from RLIMIT_NOFILE)')
    .option('--seed <n>', 'permutation seed (decimal, < 2^64), to repeat an order')
    .option('--shard <i/n>', 'run shard i of n, 1-based as masscan (--shard 1/8); with --shards, zmap\'s 0-based index')
    .option('--shards <n>', 'zmap style: the sweep is split into N shards; --shard I (0-based, $JOB_COMPLETION_INDEX) picks one')
    .option('--resume <file>', 'continue an interrupted sweep from its resume file (its reports continue too)')
    .option('--resume-file <file>', 'where to write the resume file if the sweep stops short', 'portpick-resume.json')
    .option('--open-only', 'report open ports only')
    .option('--open', 'same as --open-only (nmap\'s name)')
    .option('-f, --format <format>', 'table, jsonl, csv, xml (nmap), grep (nmap -oG), ports (host + open ports, for nmap -sV -p)', 'table')
    .option('--json', 'same as --format jsonl')
    .option('-o, --output <file>', 'write the --format report to FILE instead of standard output')
    .option('--output-normal <file>', 'nmap -oN FILE: the table report to FILE (repeatable)', collect)
    .option('--output-xml <file>', 'nmap -oX FILE: nmap XML to FILE (repeatable; - for standard output)', collect)
    .option('--output-grep <file>', 'nmap -oG FILE: grepable to FILE (repeatable)', collect)
    .option('--output-jsonl <file>', 'masscan -oJ FILE: JSON lines to FILE (repeatable)', collect)
    .option('--output-all <base>', 'nmap -oA BASE: BASE.nmap, BASE.xml and BASE.gnmap', collect)
    .option('--xml-scanner <name>', 'the XML scanner attribute: portpick, or nmap for strict nmap.dtd validators', 'portpick')
    .option('--dry-run', 'show the plan (probes, exclusions, rate, what would be refused and why); send nothing')
    .option('--no-progress', 'no progress bar or status lines on stderr')
    .option('--stats-every <time>', 'a status line every TIME (10s, 1m, 500ms) on stderr; default off a terminal: 10s; 0 = never')
    .option('-v, --verbose', 'say more on stderr: the plan, each open port as found', (_: string, previous: number) => previous + 1, 0)
    .option('-q, --quiet', 'nothing on stderr but errors and the resume hint')
    .option('--nmap-services <file>', 'nmap-services for --top-ports and service names');
  addSweepOptions(command);
  command
    .addHelpText(
      'after',
      '\nExamples:\n  portpick scan 127.0.0.1 -p -\n  portpick scan 198.51.100.0/24 -p 22,80,443,8000-8100 --open\n' +
        '  portpick scan -iL hosts.txt --top-ports 100 -oX scan.xml\n' +
        '  portpick scan 198.51.100.0/16 -p 80 --rate 5000 --shards 8 --shard "$JOB_COMPLETION_INDEX" -oJ part.jsonl\n' +
        '  portpick scan 0.0.0.0/0 -p 443 --dry-run\n' +
        '\nEvery flag, and its nmap / masscan / zmap equivalent: docs/scan.md',
    )
    .action(async (targets: string[], flags: ScanFlags) => {
      warnWhenAddonMissing(flags.mode, ctx);
      await runScan(targets, flags, ctx);
    });
}

/** The shard option for scan(): masscan's 1-based `i/n`, or zmap's `--shards N --shard I`. */
export function shardOption(shard: string | undefined, shards: string | undefined): ScanOptions['shard'] {
  if (shards !== undefined) {
    const count = numberFlag('--shards', shards);
    if (!Number.isInteger(count) || count < 1) throw new InvalidArgumentError(`Expected --shards to be a whole number of at least 1, got \`${shards}\``);
    if (shard === undefined || !/^\s*[0-9]+\s*$/.test(shard)) {
      throw new InvalidArgumentError(
        `Expected --shard I (0-based, 0 to ${count - 1}) with --shards ${count} (zmap style), got ${shard === undefined ? 'no --shard' : `\`--shard ${shard}\``}`,
      );
    }
    const index = Number(shard);
    if (index >= count) throw new InvalidArgumentError(`Expected --shard from 0 to ${count - 1} with --shards ${count} (0-based, as zmap), got \`${shard}\``);
    return { index, count };
  }
  if (shard === undefined) return undefined;
  if (!shard.includes('/')) {
    throw new InvalidArgumentError(
      `Expected --shard i/n (1-based, as masscan: --shard 1/8) or --shards N --shard I (0-based, as zmap), got \`--shard ${shard}\``,
    );
  }
  return shard;
}

async function runScan(targets: string[], flags: ScanFlags, ctx: CliContext): Promise<void> {
  const outputs = reportTargets(flags);
  if (flags.ports === undefined && flags.topPorts === undefined) {
    throw new InvalidArgumentError('Expected ports to scan (-p SPEC or --top-ports N), got neither');
  }
  if (flags.ports !== undefined && flags.topPorts !== undefined) {
    throw new InvalidArgumentError('Expected either -p or --top-ports, got both');
  }
  if (targets.length === 0 && !flags.inputList && !flags.resume) {
    throw new InvalidArgumentError('Expected at least one target (address, CIDR, range, hostname, -iL FILE or -iL - for standard input), got none');
  }
  if (flags.verbose > 0 && flags.quiet) throw new InvalidArgumentError('Expected -v or -q, got both');
  if (flags.xmlScanner !== 'portpick' && flags.xmlScanner !== 'nmap') {
    throw new InvalidArgumentError(`Expected --xml-scanner portpick or nmap, got \`${flags.xmlScanner}\``);
  }
  const statsEveryMs = flags.statsEvery === undefined ? undefined : parseInterval(flags.statsEvery);
  if (statsEveryMs === null) throw new InvalidArgumentError(`Expected --stats-every as 10s, 1m, 500ms or seconds, got \`${flags.statsEvery}\``);
  const openOnly = flags.openOnly === true || flags.open === true;
  const shard = shardOption(flags.shard, flags.shards);

  const resumeState = flags.resume === undefined ? null : await readResumeFile(flags.resume);
  const resumeReport =
    flags.resume === undefined ? null : readResumeReport((resumeState as { report?: unknown }).report, flags.resume);

  // nmap-services only for --top-ports and the formats that name services (not loaded otherwise).
  const namingServices = namesServices(outputs.map((output) => output.format));
  const nmap =
    flags.topPorts !== undefined || namingServices
      ? await loadNmapServices(flags.nmapServices === undefined ? {} : { file: flags.nmapServices })
      : null;
  const options: ScanOptions = {
    ...sweepOptionsFrom(flags),
    targets,
    ...(flags.inputList ? { targetFiles: flags.inputList } : {}),
    ...(flags.ports !== undefined ? { ports: flags.ports } : {}),
    ...(flags.topPorts !== undefined ? { topPorts: numberFlag('--top-ports', flags.topPorts), nmapServices: nmap?.index ?? null } : {}),
    ...(flags.window === undefined ? {} : { window: numberFlag('--window', flags.window) }),
    ...(flags.seed === undefined ? {} : { seed: flags.seed }),
    ...(shard === undefined ? {} : { shard }),
    ...(resumeState === null ? {} : { resume: resumeState }),
    dryRun: flags.dryRun ?? false,
    openOnly,
    signal: ctx.signal,
  };

  if (flags.dryRun) {
    const handle = startSweep(options);
    const plan = await handle.plan;
    writeLine(ctx.stdout, describePlan(plan, 'Dry run: nothing was sent.').join('\n'));
    await handle.summary;
    if (plan.safety.refusal) {
      writeLine(ctx.stderr, `portpick: without --dry-run this sweep would be refused: ${plan.safety.refusal}`);
      ctx.exitCode = 2;
    }
    return;
  }

  const reporterOptions: ReporterOptions = {
    openOnly,
    xmlScanner: flags.xmlScanner,
    ...(namingServices ? { serviceName: serviceNameLookup(nmap?.index ?? null) } : {}),
  };
  // Opened before the sweep starts: an output that cannot be written fails before any probe.
  const reports = ReportSet.open(outputs, ctx.stdout, reporterOptions, resumeReport);
  const progress = progressFor(flags, statsEveryMs, ctx);
  if (progress.onProgress) {
    options.onProgress = progress.onProgress;
    options.progressIntervalMs = progress.intervalMs ?? 1000;
  }
  let handle: SweepHandle;
  try {
    handle = startSweep(options); // throws at once on a bad option (a port spec): nothing was swept, nothing left behind
  } catch (error) {
    reports.abandon();
    throw error;
  }
  const metaTargets = [...targets, ...(flags.inputList ?? []).map((file) => `-iL ${file}`)];
  await runSweep(handle, reports, resumeReport, progress, metaTargets, flags, ctx);
}

const HURRY = Symbol('hurry');

async function runSweep(
  handle: SweepHandle,
  reports: ReportSet,
  resume: ResumeReport | null,
  progress: ProgressLike,
  metaTargets: string[],
  flags: ScanFlags,
  ctx: CliContext,
): Promise<void> {
  // Signals: the first stops the sweep (the program aborts on SIGINT/SIGTERM; SIGHUP is ours), the second
  // hurries: stop waiting for the engine or a slow reader, end the reports and write the resume file now.
  let signals = 0;
  let hurry!: () => void;
  const hurried = new Promise<typeof HURRY>((resolve) => (hurry = () => resolve(HURRY)));
  const ignoreStreamErrors = (): void => undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    // A hang-up takes the terminal with it: writes to it fail (EIO), which must not end the process before the resume file.
    if (signal === 'SIGHUP' && signals === 0) for (const stream of [ctx.stdout, ctx.stderr]) stream.on('error', ignoreStreamErrors);
    signals += 1;
    if (signals === 1) handle.abort();
    else if (signals === 2) hurry();
    else {
      // A third: the resume file is written; end now, as the signal does when nobody handles it.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
  try {
    const plan = await Promise.race([handle.plan, hurried]).catch((error: unknown) => {
      reports.abandon();
      throw error;
    });
    if (plan === HURRY) {
      reports.abandon();
      ctx.exitCode = 130;
      return;
    }
    if (flags.verbose > 0) writeLine(ctx.stderr, describePlan(plan, 'portpick: sweeping').join('\n'));
    const meta: ScanMeta = {
      args: ['portpick', ...process.argv.slice(2)],
      startedAt: resume?.summary.startedAt ?? new Date().toISOString(),
      targets: metaTargets,
      ports: plan.portList,
      engine: plan.engine,
      seed: plan.seed,
      shard: plan.shard,
      version: packageVersion(),
      addressCount: plan.addressCount,
      ...(plan.hostnames.size > 0 ? { hostnames: Object.fromEntries(plan.hostnames) as Record<string, string[]> } : {}),
    };
    reports.begin(meta, resume?.carry ?? null);

    const iterator = handle.recordBatches()[Symbol.asyncIterator]();
    let failure: Error | null = null;
    let hurrying = false;
    const write = async (batch: ReportedBatch): Promise<void> => {
      if (reports.writesToStdout) progress.clear();
      const wait = reports.write(batch, { streams: !hurrying });
      if (flags.verbose > 0) discovered(batch, ctx, progress);
      if (wait && !hurrying) await Promise.race([wait, hurried]);
      const outputFailure = reports.failure();
      if (outputFailure && !failure) {
        failure = outputFailure;
        handle.abort();
      }
    };
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), hurried]);
        if (next === HURRY) {
          hurrying = true;
          break;
        }
        if (next.done) break;
        await write(next.value);
        if (signals > 1) {
          hurrying = true;
          break;
        }
      }
      // Hurried: write what the engine has delivered (stop when nothing more is ready), then stop.
      while (hurrying) {
        const next = await Promise.race([iterator.next(), new Promise<typeof HURRY>((resolve) => setImmediate(() => resolve(HURRY)))]);
        if (next === HURRY || next.done) break;
        await write(next.value); // files only: standard output's reader gets no more
      }
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
    }
    progress.stop();
    // Let the streams hand over what they hold before telling what reached them (a second signal cuts this short).
    if (!hurrying && (await Promise.race([reports.flushed(), hurried])) === HURRY) hurrying = true;

    let summary: ScanSummary;
    if (hurrying || failure) summary = handle.summarySoFar() as ScanSummary;
    else {
      try {
        summary = await handle.summary;
      } catch (error) {
        failure = error instanceof Error ? error : new Error(String(error));
        summary = handle.summarySoFar() as ScanSummary;
      }
    }
    failure ??= reports.failure();
    const notes = [...summary.notes];
    if (failure) notes.push(`stopped: ${failure.message}`);
    else if (hurrying) notes.push('stopped by a second signal before the engine had finished');
    // Results decided but not delivered to every report are probed again by the resumed run.
    const undelivered = reports.undeliveredProbes().positions.length;
    if (undelivered > 0) notes.push(`${undelivered} results did not reach every report; a resume probes them again`);
    summary = { ...summary, interrupted: summary.interrupted || failure !== null || hurrying || undelivered > 0, notes };
    const whole = resume ? combineSummaries(resume.summary, summary, hostsUpOf(reports.carry())) : summary;
    reports.finish(whole, summary);

    if (summary.interrupted) {
      const thisRun = summary;
      // The resume file, from what has reached the reports so far (asked again after a late flush).
      const writeResume = async (): Promise<ResumeReport | null> => {
        const state = handle.resumeState();
        if (!state) return null;
        const undone = reports.undeliveredProbes();
        const carry = reports.carry();
        const counted: ScanSummary = { ...thisRun, completed: thisRun.completed - undone.positions.length };
        for (const key of ['open', 'closed', 'filtered', 'unreachable'] as const) counted[key] -= undone.states[key];
        const report: ResumeReport = {
          summary: resume ? combineSummaries(resume.summary, counted, hostsUpOf(carry)) : counted,
          outputs: reports.outputRecords(),
          carry,
        };
        await writeResumeFile(flags.resumeFile, { ...withoutPositions(state, undone.positions), report });
        return report;
      };
      const report = await writeResume();
      if (report) {
        // An engine failure is told by main (the error is thrown below); a report that failed is told here.
        const why = failure === null ? 'interrupted' : reports.failure() ? `stopped: ${failure.message};` : 'stopped';
        writeLine(
          ctx.stderr,
          `portpick: ${why} after ${report.summary.completed} of ${report.summary.planned} probes; ` +
            `continue with the same arguments and --resume ${flags.resumeFile} (the reports continue too)`,
        );
        // Hurried past a reader that had stopped: if it reads again, what it gets no longer needs probing again.
        if (hurrying && reports.writesToStdout) {
          await reports.flushed();
          await writeResume();
        }
      }
      if (failure && !reports.failure()) throw failure;
      ctx.exitCode = failure ? 2 : 130;
    }
  } finally {
    progress.stop();
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(signal, onSignal);
  }
}

/** Hosts up from a carry that keeps closed ports (else unknown: summed instead). */
function hostsUpOf(carry: ReportCarry | null): number | undefined {
  if (!carry?.closedKept) return undefined;
  return new Set([...carry.open.map((r) => r.address), ...carry.closed.map((c) => c.address)]).size;
}

/** nmap -v: each open port as it is found, on stderr. */
function discovered(batch: ReportedBatch, ctx: CliContext, progress: ProgressLike): void {
  const lines: string[] = [];
  for (let index = 0; index < batch.length; index += 1) {
    const result = batch.result(index);
    if (result.state === 'open') lines.push(`Discovered open port ${result.port}/tcp on ${result.address}\n`);
  }
  if (lines.length > 0) {
    progress.clear();
    ctx.stderr.write(lines.join(''));
  }
}

interface ProgressLike {
  /** For scan()'s onProgress, with how often it should fire; absent when nothing is shown. */
  onProgress?: (progress: ScanProgress) => void;
  intervalMs?: number;
  clear(): void;
  stop(): void;
}

/** The progress bar on a terminal, status lines elsewhere (or with --stats-every), nothing with -q or --no-progress. */
function progressFor(flags: ScanFlags, statsEveryMs: number | undefined, ctx: CliContext): ProgressLike {
  const none: ProgressLike = { clear() {}, stop() {} };
  if (flags.quiet || flags.progress === false || flags.dryRun || statsEveryMs === 0) return none;
  if (statsEveryMs === undefined && ctx.stderrIsTTY) {
    const bar = new ProgressBar(ctx.stderr);
    let stopped = false;
    return {
      onProgress: (progress) => {
        if (!stopped) bar.update(progress);
      },
      intervalMs: 250,
      clear: () => bar.clear(),
      stop: () => {
        stopped = true;
        bar.stop();
      },
    };
  }
  const every = statsEveryMs ?? DEFAULT_STATS_EVERY_MS;
  const lines = new StatusLines(ctx.stderr, every);
  let stopped = false;
  return {
    onProgress: (progress) => {
      if (!stopped) lines.update(progress);
    },
    intervalMs: Math.max(10, Math.min(1000, every)),
    clear() {},
    stop: () => {
      stopped = true;
    },
  };
}

/** The plan in a few lines (dry run, -v). */
export function describePlan(plan: ScanPlanInfo, title: string): string[] {
  const group = (value: number): string => value.toLocaleString('en-US');
  const { safety } = plan;
  const lines = [title];
  lines.push(
    `  probes     ${group(plan.planned)} (${group(plan.addressCount)} address${plan.addressCount === 1 ? '' : 'es'} × ${group(plan.portCount)} port${plan.portCount === 1 ? '' : 's'}` +
      `${plan.shard.count > 1 ? `, shard ${plan.shard.index + 1}/${plan.shard.count} of ${group(plan.total)} probes` : ''})`,
  );
  lines.push(`  targets    ${group(safety.localAddresses)} on this host or its links, ${group(safety.nonLocalAddresses)} beyond`);
  if (safety.defaultExcluded.length === 0) lines.push('  excluded   nothing by default');
  for (const [index, block] of safety.defaultExcluded.entries()) {
    lines.push(`  ${index === 0 ? 'excluded  ' : '          '} ${block.block} ${block.name}: ${group(block.addresses)} addresses (${block.reference}; --no-default-excludes to sweep it)`);
  }
  lines.push(`  rate       ${safety.rateReason}`);
  lines.push(`  engine     ${plan.engine} (${plan.engineReason})`);
  lines.push(`  estimated  ${formatDuration(plan.estimatedDurationMs / 1000)}`);
  lines.push(`  seed       ${plan.seed}`);
  if (safety.refusal) lines.push(`  REFUSED    ${safety.refusal}`);
  return lines;
}
