/**
 * The reports one scan (or merge) writes at once (report-targets.ts), each a
 * reporter and its output, fed together: begin, a batch at a time, end.
 *
 * - A batch is formatted once per report; reports that write straight from
 *   the engine's records (JSON lines) never make result objects, the others
 *   share one array of objects per batch.
 * - write() resolves once every stream output has drained (stdout behind a
 *   slow reader), so the caller pulls the next batch only then: memory stays
 *   bounded by what the engine holds, not by what the reader has not read.
 * - A failed output (EPIPE, ENOSPC) stops being written; failure() names it so
 *   the caller can stop the sweep and finish the others.
 * - On a resumed run, reports continue what the interrupted run left
 *   (resume-report.ts); finish() gives each the summary that matches what it holds.
 */
import { ByteBuilder, createReporter, type ReportCarry, type Reporter, type ReporterOptions, type ScanMeta } from '../../scan/reporters/index.js';
import type { ReportedBatch } from '../../scan/reported-batch.js';
import type { ScanResult, ScanSummary } from '../../scan/types.js';
import { fileOutput, streamOutput, type ReportOutput } from './report-output.js';
import type { ReportTarget } from './report-targets.js';
import type { OutputRecord, ResumeReport } from './resume-report.js';

const GROUPED = new Set(['table', 'xml', 'ports']);

interface Entry {
  target: ReportTarget;
  reporter: Reporter;
  out: ReportOutput;
  /** This report holds the whole sweep (not only this run): continued, or grouped with the earlier runs' carry. */
  whole: boolean;
}

export class ReportSet {
  private readonly bytes = new ByteBuilder();
  private readonly records: OutputRecord[] = [];
  private finished = false;

  private constructor(private readonly entries: Entry[]) {}

  /**
   * Opens every output (files before the sweep starts: an unwritable path fails
   * first). `resume` continues the files an interrupted run recorded.
   */
  static open(
    targets: readonly ReportTarget[],
    stdout: NodeJS.WritableStream,
    options: ReporterOptions,
    resume: ResumeReport | null = null,
  ): ReportSet {
    const entries: Entry[] = [];
    try {
      for (const target of targets) {
        const reporter = createReporter(target.format, options);
        const grouped = GROUPED.has(target.format);
        let out: ReportOutput;
        if (target.path === null) out = streamOutput(stdout);
        else {
          const record = grouped ? undefined : resume?.outputs.find((o) => o.path === target.path && o.format === target.format);
          out = fileOutput(target.path, { atomic: grouped, ...(record ? { continueAt: { size: record.size, contentEnd: record.contentEnd } } : {}) });
        }
        const whole = resume === null || out.continued || (grouped && resume.carry !== null);
        entries.push({ target, reporter, out, whole });
      }
    } catch (error) {
      for (const entry of entries) entry.out.abandon();
      throw error;
    }
    return new ReportSet(entries);
  }

  /** Writes the reports' beginnings (a continued file has its own already) and restores the earlier runs' carry. */
  begin(meta: ScanMeta, carry: ReportCarry | null): void {
    for (const { reporter, out } of this.entries) {
      out.start();
      const text = reporter.begin(meta);
      if (!out.continued) out.write(text);
      if (carry && reporter.restore) reporter.restore(carry);
    }
  }

  /** Formats and writes one batch; resolves when the outputs can take the next. */
  write(batch: ReportedBatch): Promise<void> | null {
    let results: ScanResult[] | null = null;
    for (const { reporter, out } of this.entries) {
      if (out.failure) continue;
      if (reporter.resultBytes) {
        this.bytes.reset();
        reporter.resultBytes(batch, this.bytes);
        if (this.bytes.length > 0) out.writeBytes(this.bytes.view());
        continue;
      }
      results ??= batch.results();
      // join, not +=: a string built by thousands of appends is a deep rope that
      // costs more to flatten and encode for the write than to format.
      const lines: string[] = [];
      for (const result of results) {
        const line = reporter.result(result);
        if (line !== '') lines.push(line);
      }
      if (lines.length > 0) out.write(lines.join(''));
    }
    const waits = this.entries.map(({ out }) => out.ready()).filter((wait): wait is Promise<void> => wait !== null);
    return waits.length === 0 ? null : Promise.all(waits).then(() => undefined);
  }

  /** The first output that failed, or null. */
  failure(): Error | null {
    return this.entries.find(({ out }) => out.failure)?.out.failure ?? null;
  }

  /** True when any report writes to standard output. */
  get writesToStdout(): boolean {
    return this.entries.some(({ target }) => target.path === null);
  }

  /** What the grouped reports gathered (the XML's when there is one: it keeps closed ports too), or null. */
  carry(): ReportCarry | null {
    const withCarry = this.entries.filter(({ reporter }) => reporter.carry);
    const best = withCarry.find(({ target }) => target.format === 'xml') ?? withCarry[0];
    return best?.reporter.carry?.() ?? null;
  }

  /**
   * Ends every report with its summary (`whole` where the report holds the
   * whole sweep, `thisRun` elsewhere) and closes it. Synchronous for files, so
   * it may run from a signal handler just before the process exits.
   */
  finish(whole: ScanSummary, thisRun: ScanSummary): void {
    if (this.finished) return;
    this.finished = true;
    for (const entry of this.entries) {
      const { reporter, out, target } = entry;
      const contentEnd = out.bytes;
      try {
        out.write(reporter.end(entry.whole ? whole : thisRun));
      } finally {
        out.close();
      }
      if (target.path !== null) this.records.push({ format: target.format, path: target.path, size: out.bytes, contentEnd });
    }
  }

  /** Where each report file stands (after finish()), for the resume file. */
  outputRecords(): OutputRecord[] {
    return [...this.records];
  }

  /** Gives up without ending the reports (the sweep never started). */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    for (const { out } of this.entries) out.abandon();
  }
}
