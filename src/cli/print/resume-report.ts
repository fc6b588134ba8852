/**
 * What the command line keeps in a resume file besides the library's resume
 * state (its `report` field): enough for the resumed run to finish the
 * interrupted run's reports instead of starting them over.
 *
 * - `summary`: the summary of every run so far; the resumed run's summary
 *   adds to it (combineSummaries) wherever a report holds the whole sweep.
 * - `outputs`: each report file and where it stood: its size when the run
 *   stopped, and where its results ended (before the end text: the summary
 *   line, the grepable `# done` line). A resumed streaming report (JSON lines,
 *   CSV, grepable) continues the file from there; one whose file changed since
 *   is refused rather than mixed.
 * - `carry`: what the grouped reports (table, XML, ports) had gathered; the
 *   resumed run's grouped reports start from it and so cover the whole sweep.
 */
import { InvalidArgumentError } from '../../errors/index.js';
import { checkResultObject, checkSummaryObject } from '../../scan/jsonl-reader.js';
import { isReportFormat, type ReportCarry, type ReportFormat } from '../../scan/reporters/index.js';
import type { ScanReason, ScanSummary } from '../../scan/types.js';

export interface OutputRecord {
  format: ReportFormat;
  path: string;
  /** The file's size when the run stopped. */
  size: number;
  /** Bytes before the end text (where a continuing run writes on). */
  contentEnd: number;
}

export interface ResumeReport {
  summary: ScanSummary;
  outputs: OutputRecord[];
  carry: ReportCarry | null;
}

const REASONS: readonly ScanReason[] = [
  'syn-ack', 'reset', 'connected', 'refused', 'timeout', 'host-unreachable', 'net-unreachable', 'admin-prohibited', 'port-unreachable', 'icmp', 'unknown',
];

/** The `report` of a resume file, checked; null when the file has none (written by the library or an older portpick). */
export function readResumeReport(value: unknown, file: string): ResumeReport | null {
  if (value === undefined) return null;
  const origin = `the resume file \`${file}\` (report)`;
  const fail = (what: string): never => {
    throw new InvalidArgumentError(`Expected ${origin} ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('to be an object');
  const raw = value as Record<string, unknown>;
  const summary = checkSummaryObject(raw.summary, `${origin}.summary`);
  if (!Array.isArray(raw.outputs)) return fail('.outputs to be a list');
  const outputs = raw.outputs.map((entry: unknown): OutputRecord => {
    const o = entry as Record<string, unknown>;
    const count = (n: unknown): boolean => Number.isSafeInteger(n) && (n as number) >= 0;
    if (typeof o !== 'object' || o === null || !isReportFormat(o.format) || typeof o.path !== 'string' || !count(o.size) || !count(o.contentEnd)) {
      return fail('.outputs[] to be {format, path, size, contentEnd}');
    }
    return { format: o.format, path: o.path, size: o.size as number, contentEnd: o.contentEnd as number };
  });
  let carry: ReportCarry | null = null;
  if (raw.carry !== null && raw.carry !== undefined) {
    const c = raw.carry as Record<string, unknown>;
    if (typeof c !== 'object' || !Array.isArray(c.open) || !Array.isArray(c.closed) || typeof c.closedKept !== 'boolean') {
      return fail('.carry to be {open, closed, closedKept}');
    }
    carry = {
      open: c.open.map((r) => checkResultObject(r, `${origin}.carry.open`)),
      closed: c.closed.map((entry: unknown) => {
        const e = entry as Record<string, unknown>;
        if (
          typeof e !== 'object' || e === null || typeof e.address !== 'string' || (e.family !== 4 && e.family !== 6) ||
          !REASONS.includes(e.reason as ScanReason) || !Number.isSafeInteger(e.count) || (e.count as number) < 1
        ) {
          return fail('.carry.closed[] to be {address, family, reason, count}');
        }
        return { address: e.address, family: e.family, reason: e.reason as ScanReason, count: e.count as number };
      }),
      closedKept: c.closedKept,
    };
  }
  return { summary, outputs, carry };
}

const COUNTERS = [
  'sent', 'answered', 'retried', 'silent', 'sendErrors', 'receiveDrops', 'invalidReplies', 'localDeferrals',
  'completed', 'open', 'closed', 'filtered', 'unreachable',
] as const;

/**
 * The summary of a sweep run in parts: `previous` (every earlier run) then
 * `current` (the run that resumed it). Counters add up; `planned` is the first
 * run's plan; the start is the first run's and the duration the sum of the
 * runs'; hosts up is the count `hostsUp` gives (a grouped report knows it)
 * or the sum, an upper bound (noted).
 */
export function combineSummaries(previous: ScanSummary, current: ScanSummary, hostsUp?: number): ScanSummary {
  const combined: ScanSummary = { ...current };
  for (const key of COUNTERS) combined[key] = previous[key] + current[key];
  combined.planned = previous.planned;
  combined.startedAt = previous.startedAt;
  combined.durationMs = previous.durationMs + current.durationMs;
  combined.ratePerSecond = combined.durationMs > 0 ? Math.round((combined.completed / combined.durationMs) * 1000 * 10) / 10 : 0;
  combined.interrupted = current.interrupted;
  combined.hostsUp = hostsUp ?? previous.hostsUp + current.hostsUp;
  const earlierRuns = previous.notes.map((note) => /^resumed: (\d+) runs/.exec(note)?.[1]).find((n) => n !== undefined);
  const runs = Number(earlierRuns ?? 1) + 1;
  combined.notes = [
    `resumed: ${runs} runs make up this sweep; counters are their sums${hostsUp === undefined ? ' (hosts up summed: a host may be counted once per run)' : ''}`,
    ...current.notes,
  ];
  return combined;
}
