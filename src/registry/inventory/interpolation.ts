/**
 * Variable interpolation as docker compose applies it to a value:
 * `$VAR`, `${VAR}`, `${VAR:-default}` / `${VAR-default}` (the default when
 * unset or empty / unset), `${VAR:?message}` / `${VAR?message}` (required),
 * `${VAR:+other}` / `${VAR+other}` (other when set), nested defaults
 * (`${A:-${B:-80}}`) and `$$` for a literal `$`.
 *
 * Variables come from the `.env` file beside the compose file, which is what
 * compose reads by default; the environment of the process running portpick
 * is not used (the inventory describes the code, not this shell). What was
 * substituted is reported, so a finding can say it came from a default.
 */

export interface Interpolated {
  /** The value with every variable replaced; null when one had no value and no default. */
  text: string | null;
  /** One line per substitution: `${WEB_PORT:-8080}: WEB_PORT is not set in .env, so the default 8080`. */
  notes: string[];
  /** Variables that had neither a value nor a default. */
  unresolved: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(value: string, variables: ReadonlyMap<string, string>, origin = '.env'): Interpolated {
  const notes: string[] = [];
  const unresolved: string[] = [];
  const text = expand(value, variables, origin, notes, unresolved);
  return { text: unresolved.length > 0 ? null : text, notes, unresolved };
}

function expand(value: string, variables: ReadonlyMap<string, string>, origin: string, notes: string[], unresolved: string[]): string {
  let out = '';
  let i = 0;
  while (i < value.length) {
    const char = value[i];
    if (char !== '$') {
      out += char;
      i += 1;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const close = matchingBrace(value, i + 1);
      if (close === -1) {
        out += value.slice(i);
        break;
      }
      const body = value.slice(i + 2, close);
      out += substitute(body, value.slice(i, close + 1), variables, origin, notes, unresolved);
      i = close + 1;
      continue;
    }
    const name = NAME.exec(value.slice(i + 1))?.[0];
    if (name === undefined) {
      out += char;
      i += 1;
      continue;
    }
    out += substitute(name, `$${name}`, variables, origin, notes, unresolved);
    i += 1 + name.length;
  }
  return out;
}

function substitute(
  body: string,
  written: string,
  variables: ReadonlyMap<string, string>,
  origin: string,
  notes: string[],
  unresolved: string[],
): string {
  const name = NAME.exec(body)?.[0];
  if (name === undefined) {
    unresolved.push(written);
    return '';
  }
  const rest = body.slice(name.length);
  const operator = /^(:?[-?+])/.exec(rest)?.[1] ?? '';
  const argument = rest.slice(operator.length);
  const value = variables.get(name);
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (operator) {
    case ':-':
    case '-': {
      const useValue = operator === ':-' ? nonEmpty : set;
      if (useValue) {
        notes.push(`${written}: ${name}=${value} in ${origin}`);
        return value as string;
      }
      const fallback = expand(argument, variables, origin, notes, unresolved);
      notes.push(`${written}: ${name} is not set in ${origin}, so the default ${fallback}`);
      return fallback;
    }
    case ':+':
    case '+': {
      const useOther = operator === ':+' ? nonEmpty : set;
      if (!useOther) return '';
      const other = expand(argument, variables, origin, notes, unresolved);
      notes.push(`${written}: ${name} is set in ${origin}, so ${other}`);
      return other;
    }
    case ':?':
    case '?':
    case '':
      if ((operator === ':?' ? nonEmpty : set) || (operator === '' && set)) {
        notes.push(`${written}: ${name}=${value} in ${origin}`);
        return value as string;
      }
      unresolved.push(written);
      return '';
    default:
      unresolved.push(written);
      return '';
  }
}

/** Index of the `}` closing the `{` at `open`, counting nested braces; -1 when unclosed. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '{') depth += 1;
    else if (text[i] === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}
