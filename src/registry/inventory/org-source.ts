/**
 * The organisation's code as a verdict source: the inventory of one or more
 * directories (`--org DIR`, `org:` in .portpick.yaml) turned into an index of
 * the ports it declares, each entry naming its file and line.
 */
import { EntryIndex } from '../entry-index.js';
import type { RegistryEntry } from '../types.js';
import type { InventoryProblem, InventoryReport } from './types.js';

export interface OrgSource {
  /** The directories inventoried, as given. */
  roots: string[];
  /** One entry per (port, protocol) of every finding. */
  index: EntryIndex;
  /** Findings in the inventory (a range counts once). */
  findings: number;
  /** Files that could not be read or parsed: ports there were not seen. */
  problems: InventoryProblem[];
}

export function orgSourceFromReport(report: InventoryReport): OrgSource {
  const index = new EntryIndex('org');
  for (const finding of report.findings) {
    for (let port = finding.first; port <= finding.last; port += 1) {
      const entry: RegistryEntry = {
        port,
        protocol: finding.protocol,
        state: 'assigned',
        names: [finding.owner],
        description: `${finding.kind} ${finding.field}`,
        source: 'org',
        extra: {
          file: finding.file,
          line: finding.line,
          finding: {
            kind: finding.kind,
            owner: finding.owner,
            field: finding.field,
            confidence: finding.confidence,
            ...(finding.note === undefined ? {} : { note: finding.note }),
          },
        },
      };
      index.add(entry);
    }
  }
  return { roots: [...report.roots], index, findings: report.findings.length, problems: [...report.problems] };
}
