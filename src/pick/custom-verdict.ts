import { InvalidArgumentError, describeValue } from '../errors/index.js';
import type { CustomSource } from '../registry/custom-source.js';
import type { Protocol } from '../registry/types.js';
import type { CustomVerdict } from './verdict.js';

/** How many findings the one-line summary names before "and N more" (the evidence lists all). */
const NAMED_IN_SUMMARY = 3;

/** The origin reports show for a source the caller did not describe. */
export const DEFAULT_CUSTOM_ORIGIN = 'supplied by the caller';

/**
 * A source the caller added: any finding at the port is a conflict; a source
 * that says it is unavailable is not-checked (with its note), never ok.
 */
export function customVerdict(source: CustomSource, protocol: Protocol, port: number): CustomVerdict {
  const origin = source.origin ?? DEFAULT_CUSTOM_ORIGIN;
  if (source.available === false) {
    return {
      source: source.name,
      custom: true,
      status: 'not-checked',
      summary: `${source.name} was NOT checked: ${source.note ?? 'the source says it is unavailable'}.`,
      evidence: { origin, findings: [] },
    };
  }
  const findings = [...customFindings(source, protocol, port)];
  const where = `${port}/${protocol}`;
  if (findings.length === 0) {
    return { source: source.name, custom: true, status: 'ok', summary: `${source.name} names nothing on ${where}.`, evidence: { origin, findings } };
  }
  const named = findings.slice(0, NAMED_IN_SUMMARY).map((finding) => finding.description);
  const more = findings.length > NAMED_IN_SUMMARY ? `, and ${findings.length - NAMED_IN_SUMMARY} more` : '';
  return {
    source: source.name,
    custom: true,
    status: 'conflict',
    summary: `${source.name} holds ${where}: ${named.join('; ')}${more}.`,
    evidence: { origin, findings },
  };
}

/**
 * The source's findings, checked: an answer other than a list of
 * `{ description }` is the caller's defect, reported as such rather than read
 * as "nothing holds the port" (an exception from lookup propagates as it is).
 */
export function customFindings(source: CustomSource, protocol: Protocol, port: number): CustomVerdict['evidence']['findings'] {
  const found: unknown = source.lookup(protocol, port);
  if (!Array.isArray(found)) {
    throw new InvalidArgumentError(`Expected source ${source.name}'s lookup(${protocol}, ${port}) to return a list of findings, got ${describeValue(found)}`);
  }
  for (const finding of found) {
    if (finding === null || typeof finding !== 'object' || typeof (finding as { description?: unknown }).description !== 'string') {
      throw new InvalidArgumentError(`Expected source ${source.name}'s findings at ${port}/${protocol} to be { description: text }, got ${describeValue(finding)}`);
    }
  }
  return found as CustomVerdict['evidence']['findings'];
}
