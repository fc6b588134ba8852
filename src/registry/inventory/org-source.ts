/**
 * The organisation's code as a verdict source: the inventory of one or more
 * directories (`--org DIR`, `org:` in .portpick.yaml) turned into an index of
 * the ports it declares, each entry naming its file and line.
 */
import path from 'node:path';
import { EntryIndex } from '../entry-index.js';
import type { RegistryEntry, SourceStatus } from '../types.js';
import { inventoryPaths } from './inventory.js';
import { noOrgStatus } from './org-status.js';
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

export interface LoadOrgOptions {
  /** Directories named on the command line (`--org DIR`), relative to `cwd`. */
  dirs?: readonly string[];
  /** Absolute directories from the configuration file's `org` list. */
  configDirs?: readonly string[];
  /** Where relative paths start and what displayed paths are relative to (default: the current directory). */
  cwd?: string;
}

/**
 * Inventories the organisation's directories. No directory at all gives a
 * null source and a status that says the check was not made.
 */
export async function loadOrgSource(options: LoadOrgOptions): Promise<{ org: OrgSource | null; status: SourceStatus }> {
  const cwd = options.cwd ?? process.cwd();
  const roots: string[] = [];
  const seen = new Set<string>();
  const addRoot = (absolute: string, display: string): void => {
    if (seen.has(absolute)) return;
    seen.add(absolute);
    roots.push(display);
  };
  for (const dir of options.dirs ?? []) addRoot(path.resolve(cwd, dir), dir);
  for (const dir of options.configDirs ?? []) addRoot(dir, path.relative(cwd, dir) || '.');
  if (roots.length === 0) return { org: null, status: noOrgStatus() };
  const report = inventoryPaths(roots, { cwd });
  const org = orgSourceFromReport({
    ...report,
    roots,
  });
  return {
    org,
    status: {
      id: 'org',
      available: true,
      origin: roots.join(', '),
      entries: report.findings.length,
      note:
        `${report.filesRead} file(s) read of ${report.filesSeen} seen` +
        (report.problems.length > 0 ? `; ${report.problems.length} problem(s): see \`portpick inventory ${roots.join(' ')}\`` : ''),
    },
  };
}
