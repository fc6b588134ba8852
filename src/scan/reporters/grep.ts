/**
 * Grepable output in the style of nmap -oG:
 *
 *   # portpick 0.1.0 scan initiated Mon Jun 28 17:40:30 2022 as: portpick scan …
 *   Host: 198.18.0.1 (lab-host)	Ports: 80/open/tcp//http///
 *   # portpick done at Mon Jun 28 17:40:31 2022 -- 256 IP addresses (3 hosts up) scanned in 1.20 seconds
 *
 * Deviations from nmap (documented in docs/jsonl-schema.md, "Other formats"):
 * - streaming, one line per result (like masscan -oG): a host with several
 *   results appears on several lines; there is no `Status:` line and no
 *   `Ignored State:` field;
 * - `unreachable` is written as nmap's `filtered` (nmap's own classification
 *   of ICMP unreachable answers);
 * - a result flagged as a tarpit gets an extra field `Tarpit: yes`;
 * - the parentheses after the address hold the name given as a target for it
 *   (the first, when several), as nmap writes the host's name there;
 * - times are UTC; the comment lines name portpick, not Nmap.
 */
import type { ScanPortState } from '../types.js';
import { formatCommandLine } from './command-line.js';
import { ctimeUtc, elapsedSeconds, parseIsoTime } from './nmap-time.js';
import type { Reporter, ScanMeta, ServiceNameLookup } from './reporter.js';

/** nmap's name for a state: every state is nmap's except `unreachable`, which nmap calls `filtered`. */
export function nmapStateName(state: ScanPortState): 'open' | 'closed' | 'filtered' {
  return state === 'unreachable' ? 'filtered' : state;
}

/** Grepable fields are separated by TAB and ports by `, ` and `/`: keep those out of service names. */
function grepSafe(text: string): string {
  return text.replace(/[\t\r\n/,]/g, '|');
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function createGrepReporter(options: { serviceName?: ServiceNameLookup } = {}): Reporter {
  let meta: ScanMeta | undefined;
  return {
    format: 'grep',
    begin(m) {
      meta = m;
      const started = parseIsoTime(m.startedAt, 'the scan start time');
      return `# portpick ${m.version} scan initiated ${ctimeUtc(started)} as: ${formatCommandLine(m.args)}\n`;
    },
    result(r) {
      const service = grepSafe(options.serviceName?.(r.port, r.protocol) ?? '');
      const tarpit = r.tarpit ? '\tTarpit: yes' : '';
      const name = grepSafe(meta?.hostnames?.[r.address]?.[0] ?? '').replace(/[()]/g, '|');
      return `Host: ${r.address} (${name})\tPorts: ${r.port}/${nmapStateName(r.state)}/${r.protocol}//${service}///${tarpit}\n`;
    },
    end(summary) {
      const finished = parseIsoTime(summary.startedAt, 'the summary start time') + summary.durationMs;
      const addresses = meta?.addressCount === undefined ? '' : `${plural(meta.addressCount, 'IP address', 'IP addresses')} `;
      return `# portpick done at ${ctimeUtc(finished)} -- ${addresses}(${plural(summary.hostsUp, 'host', 'hosts')} up) scanned in ${elapsedSeconds(
        summary.durationMs,
      )} seconds\n`;
    },
  };
}
