import type { OrgSource } from '../registry/inventory/org-source.js';
import type { Protocol } from '../registry/types.js';
import type { OrgEvidence, OrgVerdict } from './verdict.js';

/** How many places the one-line summary names before "and N more" (the evidence lists all). */
const NAMED_IN_SUMMARY = 3;

/**
 * The `org` source: a port the organisation's own code declares (compose
 * files, manifests, Dockerfiles … found by `--org DIR`) is a conflict naming
 * the file and line. Readings of low confidence alone (`-p 4000` in a script)
 * are a warning. No directory given is not-checked.
 */
export function orgVerdict(org: OrgSource | null | undefined, protocol: Protocol, port: number): OrgVerdict {
  if (org === null || org === undefined) {
    return {
      source: 'org',
      status: 'not-checked',
      summary: "No --org directory was given: ports in the organisation's own code (compose files, manifests, Dockerfiles) were NOT checked.",
      evidence: { roots: [], findings: [], problems: 0 },
    };
  }
  const findings: OrgEvidence['findings'] = [];
  for (const entry of org.index.lookup(protocol, port)) {
    const finding = entry.extra.finding;
    if (finding === undefined || entry.extra.file === undefined || entry.extra.line === undefined) continue;
    findings.push({ ...finding, file: entry.extra.file, line: entry.extra.line });
  }
  const evidence: OrgEvidence = { roots: [...org.roots], findings, problems: org.problems.length };
  const where = `${port}/${protocol}`;
  const unread = org.problems.length > 0 ? ` (${org.problems.length} file(s) could not be read: see \`portpick inventory\`)` : '';
  if (findings.length === 0) {
    return { source: 'org', status: 'ok', summary: `The organisation's code declares no ${where}${unread}.`, evidence };
  }
  const named = findings
    .slice(0, NAMED_IN_SUMMARY)
    .map((finding) => `${finding.owner} at ${finding.file}:${finding.line} (${finding.field}${finding.confidence === 'high' ? '' : `, ${finding.confidence} confidence`})`);
  const more = findings.length > NAMED_IN_SUMMARY ? `, and ${findings.length - NAMED_IN_SUMMARY} more` : '';
  const sure = findings.some((finding) => finding.confidence !== 'low');
  return {
    source: 'org',
    status: sure ? 'conflict' : 'warning',
    summary: `The organisation's code ${sure ? 'uses' : 'may use'} ${where}: ${named.join('; ')}${more}.`,
    evidence,
  };
}
