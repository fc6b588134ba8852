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
 * - Delivery: a batch is delivered once every streaming report has it where it
 *   goes (a file written, a stream's chunk handed to the OS). Batches that were
 *   not (the reader stopped, the disk filled) are always the last ones; the
 *   resume file counts their probes as not done, and the carry, the summary and
 *   each file's resume point leave them out, so the resumed run probes them
 *   again and nothing is lost or written twice.
 */
import { createReporter, type ReportCarry, type Reporter, type ReporterOptions, type ScanMeta } from '../../scan/reporters/index.js';
import type { ReportedBatch } from '../../scan/reported-batch.js';
import type { ScanPortState, ScanResult, ScanSummary } from '../../scan/types.js';
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

/** A written batch not yet delivered everywhere, with each report's offset after it. */
interface Pending {
  batch: ReportedBatch;
  ends: number[];
}

export class ReportSet {
  private finished = false;
  private readonly pending: Pending[] = [];
  /** Per report: its offset after the last batch delivered everywhere (after begin() at first). */
  private deliveredEnds: number[];

  private constructor(private readonly entries: Entry[]) {
    this.deliveredEnds = entries.map(() => 0);
  }

  private get streaming(): Entry[] {
    return this.entries.filter((entry) => !GROUPED.has(entry.target.format));
  }

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
    this.deliveredEnds = this.entries.map(({ out }) => (out.failure ? -1 : out.bytes));
  }

  /** Whether `pending` reached every streaming report. */
  private isDelivered(pending: Pending): boolean {
    return this.entries.every((entry, index) => {
      if (GROUPED.has(entry.target.format)) return true;
      const end = pending.ends[index] as number;
      return end >= 0 && entry.out.delivered >= end;
    });
  }

  /** Forgets the batches delivered everywhere (they always go in order). */
  private prune(): void {
    while (this.pending.length > 0 && this.isDelivered(this.pending[0] as Pending)) {
      this.deliveredEnds = (this.pending.shift() as Pending).ends;
    }
  }

  /**
   * Formats and writes one batch; resolves when the outputs can take the next.
   * `streams: false` leaves standard output out (a reader that stopped reading
   * gets no more; the batch then counts as undelivered).
   */
  write(batch: ReportedBatch, options: { streams?: boolean } = {}): Promise<void> | null {
    let results: ScanResult[] | null = null;
    const skipped = new Set<Entry>();
    for (const entry of this.entries) {
      const { reporter, out } = entry;
      if (out.failure) continue;
      if (options.streams === false && entry.target.path === null && !GROUPED.has(entry.target.format)) {
        skipped.add(entry);
        continue;
      }
      if (reporter.resultBytes) {
        // A view valid until the next call: writeBytes copies or writes it at once.
        const bytes = reporter.resultBytes(batch);
        if (bytes.length > 0) out.writeBytes(bytes);
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
    // -1: this report failed at or before this batch, so the batch never reaches it.
    this.pending.push({ batch, ends: this.entries.map((entry) => (entry.out.failure || skipped.has(entry) ? -1 : entry.out.bytes)) });
    this.prune();
    const waits = this.entries.map(({ out }) => out.ready()).filter((wait): wait is Promise<void> => wait !== null);
    return waits.length === 0 ? null : Promise.all(waits).then(() => undefined);
  }

  /** Resolves once every stream has handed what it was given to the OS (or failed). */
  flushed(): Promise<void> {
    return Promise.all(this.entries.map(({ out }) => out.flushed())).then(() => undefined);
  }

  /** The first output that failed, or null. */
  failure(): Error | null {
    return this.entries.find(({ out }) => out.failure)?.out.failure ?? null;
  }

  /** True when any report writes to standard output. */
  get writesToStdout(): boolean {
    return this.entries.some(({ target }) => target.path === null);
  }

  /**
   * What the grouped reports gathered (the XML's when there is one: it keeps
   * closed ports too), less the results of undelivered batches; null when no
   * report groups.
   */
  carry(): ReportCarry | null {
    const withCarry = this.entries.filter(({ reporter }) => reporter.carry);
    const best = withCarry.find(({ target }) => target.format === 'xml') ?? withCarry[0];
    const carried = best?.reporter.carry?.() ?? null;
    if (!carried) return null;
    const undone = this.undelivered().flatMap((batch) => batch.results());
    if (undone.length === 0) return carried;
    const openKeys = new Set(undone.filter((r) => r.state === 'open').map((r) => `${r.address}|${r.port}`));
    const closed = new Map<string, number>();
    for (const r of undone) if (r.state === 'closed') closed.set(`${r.address}|${r.reason}`, (closed.get(`${r.address}|${r.reason}`) ?? 0) + 1);
    return {
      open: carried.open.filter((r) => !openKeys.has(`${r.address}|${r.port}`)),
      closed: carried.closed
        .map((c) => ({ ...c, count: c.count - (closed.get(`${c.address}|${c.reason}`) ?? 0) }))
        .filter((c) => c.count > 0),
      closedKept: carried.closedKept,
    };
  }

  /** The positions of every probe in undelivered batches, and how many results of each state they hold. */
  undeliveredProbes(): { positions: number[]; states: Record<ScanPortState, number> } {
    const positions: number[] = [];
    const states: Record<ScanPortState, number> = { open: 0, closed: 0, filtered: 0, unreachable: 0 };
    for (const batch of this.undelivered()) {
      for (let index = 0; index < batch.records.length; index += 1) {
        positions.push(batch.records.position(index));
        states[batch.records.state(index)] += 1;
      }
    }
    return { positions, states };
  }

  /**
   * The batches written but not delivered everywhere (see the module
   * comment): always the last ones. Their probes are to be done again.
   */
  undelivered(): ReportedBatch[] {
    this.prune();
    return this.pending.map((p) => p.batch);
  }

  /**
   * Ends every report with its summary (`whole` where the report holds the
   * whole sweep, `thisRun` elsewhere) and closes it. Synchronous for files.
   */
  finish(whole: ScanSummary, thisRun: ScanSummary): void {
    if (this.finished) return;
    this.finished = true;
    for (const entry of this.entries) {
      const { reporter, out } = entry;
      try {
        out.write(reporter.end(entry.whole ? whole : thisRun));
      } finally {
        out.close();
      }
    }
  }

  /**
   * Where each report file stands (after finish()), for the resume file: its
   * size, and where a resumed run writes on — after its last batch delivered
   * everywhere (a grouped report is rewritten whole). Asked again after a late
   * flush, it says more has been delivered.
   */
  outputRecords(): OutputRecord[] {
    this.prune();
    const records: OutputRecord[] = [];
    this.entries.forEach((entry, index) => {
      const { out, target } = entry;
      if (target.path === null) return;
      const delivered = this.deliveredEnds[index] as number;
      const contentEnd = GROUPED.has(target.format) ? out.bytes : delivered >= 0 ? delivered : 0;
      records.push({ format: target.format, path: target.path, size: out.bytes, contentEnd });
    });
    return records;
  }

  /** Gives up without ending the reports (the sweep never started). */
  abandon(): void {
    if (this.finished) return;
    this.finished = true;
    for (const { out } of this.entries) out.abandon();
  }
}
