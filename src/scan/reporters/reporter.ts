/**
 * One small interface for every output format (like masscan's output.h table
 * of functions): a reporter turns the scan's metadata, its results and its
 * summary into text chunks. It never writes anywhere itself — the caller
 * (CLI or library user) writes the chunks to a file or stdout — so reporters
 * are pure and testable.
 *
 * Call order: begin(meta) once, result(r) any number of times, end(summary)
 * once. Streaming formats return each result's text at once; formats that
 * must group (table, nmap XML) buffer and return everything from end().
 * An empty string means "nothing to write now".
 */
import type { ReportedBatch } from '../reported-batch.js';
import type { ScanEngineName, ScanReason, ScanResult, ScanSummary } from '../types.js';

/** What begin() learns about the sweep. Every field is plain data, JSON-safe. */
export interface ScanMeta {
  /** The command line as given (argv without the node binary), e.g. ["portpick", "scan", "198.18.0.0/24", "-p", "80"]. */
  args: string[];
  /** ISO 8601 time the sweep started. */
  startedAt: string;
  /** Target specs as given (addresses, CIDR blocks, ranges, hostnames). */
  targets: string[];
  /** The port set as a canonical nmap list: ascending, non-overlapping, `22,80,8000-8100`. */
  ports: string;
  engine: ScanEngineName;
  /** The permutation seed, a 64-bit unsigned integer in decimal. */
  seed: string;
  shard: { index: number; count: number };
  /** portpick's version. */
  version: string;
  /** Addresses in the plan, when known (nmap XML `<hosts total=…>`; otherwise total = hosts up). */
  addressCount?: number;
  /** Names given as targets, by the canonical text of each address they resolved to (every format shows them). */
  hostnames?: Record<string, string[]>;
}

/**
 * What a grouped report (table, XML, ports) has gathered, carried from an
 * interrupted run to the run that resumes it, so that the resumed run's report
 * covers the whole sweep. JSON-safe.
 */
export interface ReportCarry {
  /** Every open result so far. */
  open: ScanResult[];
  /** Closed ports per answering host, by reason (hosts with no open port included). */
  closed: Array<{ address: string; family: 4 | 6; reason: ScanReason; count: number }>;
  /** Whether `closed` is complete (the XML report keeps it; the table and ports reports do not). */
  closedKept: boolean;
}

/** Names the service usually on a port (IANA or nmap-services), or undefined when none is known. */
export type ServiceNameLookup = (port: number, protocol: 'tcp') => string | undefined;

export const REPORT_FORMATS = ['table', 'jsonl', 'csv', 'xml', 'grep', 'ports'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface Reporter {
  readonly format: ReportFormat;
  /** Header text (may be empty). */
  begin(meta: ScanMeta): string;
  /** Text for one result: a line for streaming formats, '' for grouping ones. */
  result(result: ScanResult): string;
  /**
   * Optional fast path: the text result() would give for each result of the
   * batch, as UTF-8 bytes (formats whose lines can be written straight from the
   * engine's records). A view valid until the next call: write or copy it first.
   */
  resultBytes?(batch: ReportedBatch): Uint8Array;
  /** Everything still owed: buffered groups, then the summary. */
  end(summary: ScanSummary): string;
  /** Grouped formats: what they have gathered so far (for a resume), any time before end(). */
  carry?(): ReportCarry;
  /** Grouped formats: takes in what an earlier run gathered; after begin(), before end(). */
  restore?(carry: ReportCarry): void;
}

export interface ReporterOptions {
  /** Service names for table, XML and grepable output. Without it, no names are shown. */
  serviceName?: ServiceNameLookup;
  /** Pass only open results to the format (the JSON lines header records the filter). */
  openOnly?: boolean;
  /**
   * The nmap XML `scanner` attribute: "portpick" by default (what wrote the
   * file; nmap's own tools, ndiff and nmap.xsl, read it). nmap's DTD enumerates
   * only "nmap" there, so "nmap" is for consumers that validate strictly
   * against that DTD; portpick still names itself in `profile_name`, a comment and `args`.
   */
  xmlScanner?: 'nmap' | 'portpick';
}
