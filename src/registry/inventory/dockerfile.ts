/**
 * Dockerfiles (`Dockerfile`, `Dockerfile.dev`, `api.Dockerfile`, `Containerfile`):
 * `EXPOSE 80 443/tcp 53/udp 8000-8010`, across `\` continuation lines and
 * between comment lines, with `$VAR` / `${VAR}` / `${VAR:-default}` taken from
 * the `ARG` defaults and `ENV` values of the build stage, as Docker scopes
 * them: an `ARG` before the first `FROM` is global, and a stage sees it only
 * after declaring it again (`ARG NAME`); `ENV` lasts to the end of the stage.
 * Each port is reported on the line where it is written, for its stage.
 */
import { interpolate } from './interpolation.js';
import { portWithProtocol } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';

const INSTRUCTION = /^\s*([A-Za-z]+)(?:\s+|$)(.*)$/;

export function readDockerfile(text: string, context: ReadContext): ReaderResult {
  const result: ReaderResult = { findings: [], problems: [] };
  const lines = text.split(/\r?\n/);
  const globals = new Map<string, string>();
  let variables = globals;
  let stage = 'image';
  let index = 0;
  while (index < lines.length) {
    // One instruction: its physical lines, comment lines inside it dropped.
    const parts: { text: string; line: number }[] = [];
    let continued = true;
    while (continued && index < lines.length) {
      const raw = lines[index] as string;
      const line = index + 1;
      index += 1;
      if (parts.length > 0 && /^\s*(#|$)/.test(raw)) continue;
      if (parts.length === 0 && /^\s*(#|$)/.test(raw)) {
        continued = false;
        break;
      }
      continued = /\\\s*$/.test(raw);
      parts.push({ text: continued ? raw.replace(/\\\s*$/, '') : raw, line });
    }
    if (parts.length === 0) continue;
    const match = INSTRUCTION.exec(parts[0]?.text ?? '');
    if (match === null) continue;
    const instruction = (match[1] as string).toUpperCase();
    const firstRest = match[2] as string;
    const joined = [firstRest, ...parts.slice(1).map((part) => part.text)].join(' ').trim();
    if (instruction === 'FROM') {
      const from = /^(?:--\S+\s+)*(\S+)(?:\s+as\s+(\S+))?/i.exec(joined);
      stage = from?.[2] !== undefined ? `stage ${from[2]}` : `image from ${from?.[1] ?? '?'}`;
      variables = new Map();
    } else if (instruction === 'ARG') {
      for (const token of joined.split(/\s+/)) {
        const [name, ...value] = token.split('=');
        if (name === undefined || name === '') continue;
        if (value.length > 0) variables.set(name, unquote(value.join('=')));
        else if (variables !== globals && globals.has(name)) variables.set(name, globals.get(name) as string);
      }
    } else if (instruction === 'ENV') {
      const pairs = [...joined.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|'[^']*'|\S*)/g)];
      if (pairs.length > 0) for (const pair of pairs) variables.set(pair[1] as string, unquote(pair[2] as string));
      else {
        const legacy = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(joined);
        if (legacy !== null) variables.set(legacy[1] as string, unquote((legacy[2] as string).trim()));
      }
    } else if (instruction === 'EXPOSE') {
      parts.forEach((part, position) => {
        const tokens = (position === 0 ? firstRest : part.text).split(/\s+/).filter((token) => token !== '');
        for (const token of tokens) expose(token, part.line, stage, variables, context, result);
      });
    }
  }
  return result;
}

function expose(token: string, line: number, stage: string, variables: ReadonlyMap<string, string>, context: ReadContext, result: ReaderResult): void {
  let text = token;
  let note: string | undefined;
  if (token.includes('$')) {
    const expanded = interpolate(token, variables, 'ARG/ENV');
    if (expanded.text === null) {
      result.problems.push({
        file: context.file,
        line,
        problem: 'unresolved',
        message: `EXPOSE ${token}: ${expanded.unresolved.join(', ')} has no ARG default or ENV value in ${stage} (a global ARG must be declared again in the stage)`,
      });
      return;
    }
    text = expanded.text;
    note = expanded.notes.join('; ');
  }
  const port = portWithProtocol(text);
  if (port === null) {
    result.problems.push({ file: context.file, line, problem: 'malformed', message: `EXPOSE \`${token}\` is not a port, a range or port/protocol (skipped)` });
    return;
  }
  result.findings.push({
    ...port,
    file: context.file,
    line,
    kind: 'dockerfile',
    owner: stage,
    field: 'EXPOSE',
    role: 'container',
    confidence: note === undefined ? 'high' : 'medium',
    ...(note === undefined ? {} : { note }),
  });
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
