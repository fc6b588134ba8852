/**
 * `.env` files (`.env`, `.env.local`, `prod.env`): `PORT=3000`,
 * `API_PORT=8080`, `export WEB_PORT="8080"  # comment`. A variable named
 * `PORT` or ending in `_PORT` with a port for value is a finding (medium
 * confidence: a port by name, and possibly one the code connects to rather
 * than listens on). Values that interpolate (`${OTHER:-3000}`) use their default.
 */
import { interpolate } from './interpolation.js';
import { portValue } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';

export interface EnvAssignment {
  name: string;
  value: string;
  /** 1-based line. */
  line: number;
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/;
const PORT_NAME = /^(?:.*_)?port$/i;

/** Every `NAME=value` of an env file, quotes removed, comments dropped. */
export function parseEnvFile(text: string): EnvAssignment[] {
  const assignments: EnvAssignment[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (/^\s*(#|$)/.test(raw)) return;
    const match = ASSIGNMENT.exec(raw);
    if (match === null) return;
    assignments.push({ name: match[1] as string, value: unquote(match[2] as string), line: index + 1 });
  });
  return assignments;
}

function unquote(raw: string): string {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  const comment = text.search(/\s#/);
  return (comment === -1 ? text : text.slice(0, comment)).trim();
}

/** The variables of an env file as a map (the last assignment wins, as in a shell). */
export function envVariables(text: string): Map<string, string> {
  return new Map(parseEnvFile(text).map((assignment) => [assignment.name, assignment.value]));
}

export function readEnvFile(text: string, context: ReadContext): ReaderResult {
  const result: ReaderResult = { findings: [], problems: [] };
  const assignments = parseEnvFile(text);
  const variables = new Map(assignments.map((assignment) => [assignment.name, assignment.value]));
  for (const { name, value, line } of assignments) {
    if (!PORT_NAME.test(name)) continue;
    const expanded = value.includes('$') ? interpolate(value, variables, 'this file') : { text: value, notes: [], unresolved: [] };
    if (expanded.text === null) {
      result.problems.push({ file: context.file, line, problem: 'unresolved', message: `${name}=${value}: ${expanded.unresolved.join(', ')} has no value and no default` });
      continue;
    }
    const port = portValue(expanded.text);
    if (port === null) continue;
    result.findings.push({
      first: port,
      last: port,
      protocol: 'tcp',
      file: context.file,
      line,
      kind: 'env',
      owner: `variable ${name}`,
      field: name,
      role: 'value',
      confidence: 'medium',
      ...(expanded.notes.length > 0 ? { note: expanded.notes.join('; ') } : {}),
    });
  }
  return result;
}
