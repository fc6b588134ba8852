/**
 * `--format ports`: one line per host with open ports, its address then its
 * open ports comma-separated, ready to hand to a service scan:
 *
 *   198.18.0.2 22,80,443
 *   2001:db8::1 22
 *
 *   while read -r host ports; do nmap -sV -p "$ports" "$host"; done < open.txt
 *
 * Hosts in address order, ports ascending. Nothing else is written (no
 * summary, no names: the line is the hand-off); hosts without an open port
 * have no line.
 */
import type { Reporter } from './reporter.js';
import { OpenByHost } from './table.js';

export function createPortsReporter(): Reporter {
  const open = new OpenByHost();
  return {
    format: 'ports',
    begin: () => '',
    result(r) {
      open.add(r);
      return '';
    },
    carry: () => open.carry(),
    restore: (carried) => open.restore(carried),
    end: () =>
      open
        .sorted()
        .map(([address, results]) => `${address} ${results.map((r) => r.port).join(',')}\n`)
        .join(''),
  };
}
