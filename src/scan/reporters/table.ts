/**
 * The human table: open ports grouped by host, hosts sorted by address (IPv4
 * numerically, then IPv6), ports ascending, each with its usual service name;
 * then a summary block. Everything fits 80 columns (service names longer than
 * their column and long notes are wrapped or allowed to push the RTT right,
 * never cut).
 *
 *   198.18.0.1 (lab-host)  2 open
 *          22/tcp   ssh                         0.123 ms
 *          80/tcp   http                        0.201 ms
 *
 * Grouping needs the whole scan, so results are buffered: memory is
 * proportional to the open results (closed, filtered and unreachable ones are
 * not kept; the summary counts them).
 */
import type { ScanResult, ScanSummary } from '../types.js';
import { compareAddresses } from './address-order.js';
import type { ReportCarry, Reporter, ScanMeta, ServiceNameLookup } from './reporter.js';

export const TABLE_WIDTH = 80;

/** 1234567 → "1,234,567" (fixed grouping, independent of the locale). */
export function groupDigits(value: number): string {
  const [whole = '', fraction] = String(value).split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** Greedy word wrap of `text` to `width` columns, every line prefixed with `indent`. */
export function wrapText(text: string, width: number, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    if (line && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(indent + line);
  return lines;
}

function portLine(result: ScanResult, service: string | undefined): string {
  const port = `${result.port}/${result.protocol}`.padStart(9);
  const name = (service ?? '').padEnd(16);
  const rtt = result.rttMs === null ? '' : `${result.rttMs.toFixed(3).padStart(10)} ms`;
  return `  ${port}   ${name}  ${rtt}`.trimEnd();
}

/**
 * Label/value cells, as many per row as fit 80 columns: values are right-aligned
 * to the widest (at least 10), so a 2^48-probe plan still fits.
 */
function cellRows(cells: Array<[string, string]>): string[] {
  const valueWidth = Math.max(10, ...cells.map(([, value]) => value.length));
  const cellWidth = 14 + valueWidth + 2;
  const perRow = Math.max(1, Math.floor(TABLE_WIDTH / cellWidth));
  const rows: string[] = [];
  for (let i = 0; i < cells.length; i += perRow) {
    const row = cells
      .slice(i, i + perRow)
      .map(([label, value]) => `${label.padEnd(14)}${value.padStart(valueWidth)}  `)
      .join('');
    rows.push(`  ${row}`.trimEnd());
  }
  return rows;
}

export function summaryLines(summary: ScanSummary): string[] {
  const lines = ['Summary'];
  lines.push(
    ...cellRows([
      ['planned', groupDigits(summary.planned)],
      ['sent', groupDigits(summary.sent)],
      ['answered', groupDigits(summary.answered)],
      ['retried', groupDigits(summary.retried)],
      ['silent', groupDigits(summary.silent)],
      ['send errors', groupDigits(summary.sendErrors)],
      ['receive drops', groupDigits(summary.receiveDrops)],
      ['duration', `${(summary.durationMs / 1000).toFixed(3)} s`],
      ['rate', `${groupDigits(Math.round(summary.ratePerSecond))}/s`],
      ['open', groupDigits(summary.open)],
      ['closed', groupDigits(summary.closed)],
      ['filtered', groupDigits(summary.filtered)],
      ['unreachable', groupDigits(summary.unreachable)],
      ['hosts up', groupDigits(summary.hostsUp)],
    ]),
  );
  const engine = summary.engineReason ? `${summary.engine} (${summary.engineReason})` : summary.engine;
  const label = '  engine        ';
  const engineLines = wrapText(engine, TABLE_WIDTH, ' '.repeat(label.length));
  lines.push(...engineLines.map((line, i) => (i === 0 ? label + line.trimStart() : line)));
  if (summary.interrupted) {
    lines.push(`  interrupted: ${groupDigits(summary.completed)} of ${groupDigits(summary.planned)} probes completed`);
  }
  for (const note of summary.notes) lines.push(...wrapText(`- ${note}`, TABLE_WIDTH, '  '));
  return lines;
}

/** `address (name, name)` with the names given as targets for it, or the address alone. */
export function addressWithNames(address: string, meta: ScanMeta | undefined): string {
  const names = meta?.hostnames?.[address];
  return names && names.length > 0 ? `${address} (${names.join(', ')})` : address;
}

/** Open results grouped by host, for the grouped reports (table, ports) and their carry. */
export class OpenByHost {
  private readonly byHost = new Map<string, ScanResult[]>();

  add(r: ScanResult): void {
    if (r.state !== 'open') return;
    const list = this.byHost.get(r.address);
    if (list) list.push(r);
    else this.byHost.set(r.address, [r]);
  }

  /** Hosts in address order, each with its open results by port. */
  sorted(): Array<[string, ScanResult[]]> {
    return [...this.byHost.keys()].sort(compareAddresses).map((address) => {
      const results = (this.byHost.get(address) ?? []).sort((a, b) => a.port - b.port);
      return [address, results];
    });
  }

  carry(): ReportCarry {
    return { open: [...this.byHost.values()].flat(), closed: [], closedKept: false };
  }

  restore(carried: ReportCarry): void {
    for (const r of carried.open) this.add(r);
  }
}

export function createTableReporter(options: { serviceName?: ServiceNameLookup } = {}): Reporter {
  const open = new OpenByHost();
  let meta: ScanMeta | undefined;
  return {
    format: 'table',
    begin: (m) => {
      meta = m;
      return '';
    },
    result(r) {
      open.add(r);
      return '';
    },
    carry: () => open.carry(),
    restore: (carried) => open.restore(carried),
    end(summary) {
      const lines: string[] = [];
      const hosts = open.sorted();
      if (hosts.length === 0) lines.push('No open ports found.');
      for (const [address, results] of hosts) {
        lines.push(`${addressWithNames(address, meta)}  ${results.length} open`);
        if (results.some((r) => r.tarpit)) lines.push('  ! tarpit? this host answers open on an implausible share of ports');
        for (const r of results) lines.push(portLine(r, options.serviceName?.(r.port, r.protocol)));
      }
      lines.push('', ...summaryLines(summary));
      return `${lines.join('\n')}\n`;
    },
  };
}
