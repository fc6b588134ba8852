/**
 * nmap-compatible XML (-oX), valid against nmap's DTD (docs/nmap.dtd,
 * xmloutputversion 1.05), so tools that read nmap XML read portpick's.
 *
 * nmap groups ports per host, and results arrive in permuted order, so this
 * reporter BUFFERS: one small record per host that gave a TCP answer (open or
 * closed), holding its open ports and counts of closed ports by reason. Memory
 * is proportional to hosts that answered plus open ports — not to the plan:
 * filtered and unreachable results are left to the summary's totals.
 *
 * Mapping:
 * - a host is listed (`<status state="up">`) when it answered on any port;
 *   its status reason is the reason of its first open port, else of its
 *   closed ports (`reset`, `conn-refused`);
 * - open ports are `<port>` elements; closed ports are summed in
 *   `<extraports state="closed">` with `<extrareasons>` per reason (nmap style);
 * - filtered and unreachable ports of a listed host are not itemised (they
 *   would need memory per planned address); the run's totals are in
 *   `<finished summary=…>`;
 * - hosts that never answered are not listed: `<hosts down>` = addressCount − up
 *   when ScanMeta.addressCount is known, else 0;
 * - a tarpit host carries `comment="tarpit: …"`; `reason_ttl` is always 0
 *   (portpick does not record TTLs); times are UTC;
 * - names given as targets are `<hostname type="user">` of their addresses;
 * - `scanner` is "portpick" by default. nmap's DTD enumerates only "nmap"
 *   there: with that one exception the file is valid against the DTD, and
 *   ReporterOptions.xmlScanner "nmap" makes it valid outright. ndiff and
 *   nmap.xsl read either;
 * - carry()/restore() hand the gathered hosts to a resumed run, whose report
 *   then covers the whole sweep.
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';
import type { ScanReason, ScanResult, ScanSummary } from '../types.js';
import { compareAddresses } from './address-order.js';
import { formatCommandLine } from './command-line.js';
import { ctimeUtc, elapsedSeconds, epochSeconds, parseIsoTime } from './nmap-time.js';
import { countPorts } from './port-list.js';
import type { ReportCarry, Reporter, ScanMeta, ServiceNameLookup } from './reporter.js';
import { escapeXmlAttribute, escapeXmlComment } from './xml-escape.js';

export const NMAP_XML_OUTPUT_VERSION = '1.05';

const NMAP_REASONS: Record<ScanReason, string> = {
  'syn-ack': 'syn-ack',
  reset: 'reset',
  // nmap's connect scan reports an accepted connection as syn-ack and a refused one as conn-refused.
  connected: 'syn-ack',
  refused: 'conn-refused',
  timeout: 'no-response',
  'host-unreachable': 'host-unreach',
  'net-unreachable': 'net-unreach',
  'admin-prohibited': 'admin-prohibited',
  'port-unreachable': 'port-unreach',
  icmp: 'icmp',
  unknown: 'unknown',
};

/** The nmap reason string for a portpick reason. */
export function nmapReason(reason: ScanReason): string {
  return NMAP_REASONS[reason];
}

interface HostRecord {
  address: string;
  family: 4 | 6;
  open: ScanResult[];
  closedByReason: Map<ScanReason, number>;
  tarpit: boolean;
}

type Attributes = Array<[string, string | number]>;

function element(name: string, attributes: Attributes, selfClosing: boolean): string {
  const text = attributes.map(([key, value]) => ` ${key}="${escapeXmlAttribute(String(value))}"`).join('');
  return `<${name}${text}${selfClosing ? '/>' : '>'}`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function createXmlReporter(options: { serviceName?: ServiceNameLookup; xmlScanner?: 'nmap' | 'portpick' } = {}): Reporter {
  const hosts = new Map<string, HostRecord>();
  let meta: ScanMeta | undefined;

  function hostOf(address: string, family: 4 | 6): HostRecord {
    let host = hosts.get(address);
    if (!host) {
      host = { address, family, open: [], closedByReason: new Map(), tarpit: false };
      hosts.set(address, host);
    }
    return host;
  }

  function hostXml(host: HostRecord): string {
    host.open.sort((a, b) => a.port - b.port);
    const firstOpen = host.open[0];
    // Closed ports by nmap's reason names (two of portpick's reasons may share one).
    const closedByReason = new Map<string, number>();
    for (const [reason, count] of host.closedByReason) {
      const name = nmapReason(reason);
      closedByReason.set(name, (closedByReason.get(name) ?? 0) + count);
    }
    let statusReason = firstOpen ? nmapReason(firstOpen.reason) : 'reset';
    if (!firstOpen) {
      let best = -1;
      for (const [reason, count] of closedByReason) {
        if (count > best) [statusReason, best] = [reason, count];
      }
    }
    const names = meta?.hostnames?.[host.address] ?? [];
    const hostAttributes: Attributes = host.tarpit
      ? [['comment', 'tarpit: answered open on an implausible share of ports; open ports may be false']]
      : [];
    const lines = [
      element('host', hostAttributes, false) + element('status', [['state', 'up'], ['reason', statusReason], ['reason_ttl', 0]], true),
      element('address', [['addr', host.address], ['addrtype', host.family === 4 ? 'ipv4' : 'ipv6']], true),
      '<hostnames>',
      ...names.map((name) => element('hostname', [['name', name], ['type', 'user']], true)),
      '</hostnames>',
      '<ports>',
    ];
    let closed = 0;
    for (const count of closedByReason.values()) closed += count;
    if (closed > 0) {
      lines.push(element('extraports', [['state', 'closed'], ['count', closed]], false));
      const reasons = [...closedByReason].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [reason, count] of reasons) lines.push(element('extrareasons', [['reason', reason], ['count', count]], true));
      lines.push('</extraports>');
    }
    for (const port of host.open) {
      const name = options.serviceName?.(port.port, 'tcp');
      const service = name === undefined ? '' : element('service', [['name', name], ['method', 'table'], ['conf', 3]], true);
      lines.push(
        element('port', [['protocol', 'tcp'], ['portid', port.port]], false) +
          element('state', [['state', 'open'], ['reason', nmapReason(port.reason)], ['reason_ttl', 0]], true) +
          `${service}</port>`,
      );
    }
    lines.push('</ports>', '</host>');
    return `${lines.join('\n')}\n`;
  }

  function runstatsXml(summary: ScanSummary): string {
    const up = hosts.size;
    const total = meta?.addressCount ?? up;
    if (total < up) {
      throw new InvalidArgumentError(`Expected ScanMeta.addressCount to be at least the ${up} hosts that answered, got \`${total}\``);
    }
    const finishedMs = parseIsoTime(summary.startedAt, 'the summary start time') + summary.durationMs;
    const timestr = ctimeUtc(finishedMs);
    const addresses = meta?.addressCount === undefined ? '' : `${plural(total, 'IP address', 'IP addresses')} `;
    const text =
      `portpick done at ${timestr}; ${addresses}(${plural(up, 'host', 'hosts')} up) scanned in ${elapsedSeconds(summary.durationMs)} seconds; ` +
      `${summary.open} open, ${summary.closed} closed, ${summary.filtered} filtered, ${summary.unreachable} unreachable`;
    const finished: Attributes = [
      ['time', epochSeconds(finishedMs)],
      ['timestr', timestr],
      ['summary', text],
      ['elapsed', elapsedSeconds(summary.durationMs)],
    ];
    if (summary.interrupted) {
      finished.push(['exit', 'error'], ['errormsg', `interrupted after ${summary.completed} of ${summary.planned} probes`]);
    } else {
      finished.push(['exit', 'success']);
    }
    return (
      `<runstats>${element('finished', finished, true)}` +
      `${element('hosts', [['up', up], ['down', total - up], ['total', total]], true)}\n</runstats>\n`
    );
  }

  return {
    format: 'xml',
    begin(m) {
      meta = m;
      const startMs = parseIsoTime(m.startedAt, 'the scan start time');
      const commandLine = formatCommandLine(m.args);
      const scanType = m.engine === 'syn' ? 'syn' : 'connect';
      return [
        '<?xml version="1.0"?>',
        '<!DOCTYPE nmaprun>',
        `<!-- portpick ${escapeXmlComment(m.version)} scan initiated ${ctimeUtc(startMs)} as: ${escapeXmlComment(commandLine)} -->`,
        element(
          'nmaprun',
          [
            ['scanner', options.xmlScanner ?? 'portpick'],
            ['args', commandLine],
            ['start', epochSeconds(startMs)],
            ['startstr', ctimeUtc(startMs)],
            ['version', m.version],
            ['profile_name', 'portpick'],
            ['xmloutputversion', NMAP_XML_OUTPUT_VERSION],
          ],
          false,
        ),
        element(
          'scaninfo',
          [
            ['type', scanType],
            ['protocol', 'tcp'],
            ['numservices', countPorts(m.ports)],
            ['services', m.ports === '-' ? '1-65535' : m.ports],
          ],
          true,
        ),
        element('verbose', [['level', 0]], true),
        element('debugging', [['level', 0]], true),
        '',
      ].join('\n');
    },
    result(r) {
      // Filtered and unreachable results are not itemised (see the file comment); the summary counts them.
      if (r.state === 'filtered' || r.state === 'unreachable') return '';
      const host = hostOf(r.address, r.family);
      if (r.tarpit) host.tarpit = true;
      if (r.state === 'open') host.open.push(r);
      else host.closedByReason.set(r.reason, (host.closedByReason.get(r.reason) ?? 0) + 1);
      return '';
    },
    carry(): ReportCarry {
      const carried: ReportCarry = { open: [], closed: [], closedKept: true };
      for (const host of hosts.values()) {
        carried.open.push(...host.open);
        for (const [reason, count] of host.closedByReason) carried.closed.push({ address: host.address, family: host.family, reason, count });
      }
      return carried;
    },
    restore(carried) {
      for (const r of carried.open) {
        const host = hostOf(r.address, r.family);
        if (r.tarpit) host.tarpit = true;
        host.open.push(r);
      }
      for (const { address, family, reason, count } of carried.closed) {
        const host = hostOf(address, family);
        host.closedByReason.set(reason, (host.closedByReason.get(reason) ?? 0) + count);
      }
    },
    end(summary) {
      const sorted = [...hosts.values()].sort((a, b) => compareAddresses(a.address, b.address));
      const body = sorted.map(hostXml).join('');
      return `${body}${runstatsXml(summary)}</nmaprun>\n`;
    },
  };
}
