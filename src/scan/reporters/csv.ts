/**
 * CSV (RFC 4180): a header row, then one row per result as it comes. Records
 * end in CRLF; a field holding a comma, quote, CR or LF is quoted and its
 * quotes doubled. Metadata and summary are not part of CSV (use JSON lines).
 * `hostname` holds the names given as targets for the address (`;`-separated), or nothing.
 */
import type { ScanResult } from '../types.js';
import type { Reporter, ScanMeta } from './reporter.js';

export const CSV_COLUMNS = ['address', 'family', 'port', 'protocol', 'state', 'reason', 'rtt_ms', 'tries', 'engine', 'tarpit', 'hostname'] as const;

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(fields: readonly string[]): string {
  return `${fields.map(csvField).join(',')}\r\n`;
}

function resultFields(r: ScanResult, meta: ScanMeta | undefined): string[] {
  return [
    r.address,
    String(r.family),
    String(r.port),
    r.protocol,
    r.state,
    r.reason,
    r.rttMs === null ? '' : String(r.rttMs),
    String(r.tries),
    r.engine,
    r.tarpit ? 'true' : 'false',
    (meta?.hostnames?.[r.address] ?? []).join(';'),
  ];
}

export function createCsvReporter(): Reporter {
  let meta: ScanMeta | undefined;
  return {
    format: 'csv',
    begin: (m) => {
      meta = m;
      return csvRow(CSV_COLUMNS);
    },
    result: (result) => csvRow(resultFields(result, meta)),
    end: () => '',
  };
}
