import { InvalidArgumentError, describeValue } from '../errors/index.js';
import type { LoadedSources } from '../registry/loaded-sources.js';

/**
 * Which sources a run consults (`--sources`, `consult` in the library).
 *
 * By default every source is consulted. Naming sources consults those alone,
 * so that the same service name gives the same port on every machine that has
 * them: a source that differs from machine to machine (the services file,
 * listeners, bind probes, this machine's ephemeral and reserved ranges) is
 * left out unless named. A source left out is not read at all and every
 * report says it was not consulted; a source named but unavailable is an
 * error (SourceUnavailableError), never a silent pass.
 *
 * The rules that are the same everywhere (the RFC 6335 ranges, each OS's
 * default ephemeral range, the Kubernetes NodePort range, the browsers'
 * blocked ports) are built in and always apply; `ephemeral` named adds this
 * machine's own range to the OS defaults.
 */
export const SELECTABLE_SOURCES = [
  'iana',
  'nmap',
  'defaults',
  'services',
  'listeners',
  'bind',
  'reservations',
  'org',
  'ephemeral',
  'os-reserved',
  'network',
] as const;
/** @useDeclaredType */
export type SelectableSource = (typeof SELECTABLE_SOURCES)[number];

/** The sources every pick needs: the IANA registry is where "free" starts. */
export const REQUIRED_SOURCES: readonly SelectableSource[] = ['iana'];

/** Verdict ids of the built-in rules, which a caller's source may not take as its name. */
export const BUILT_IN_RULES = ['range', 'kubernetes', 'browser-unsafe'] as const;

/**
 * Parses a source list (`iana,nmap,defaults` or an array): known names only
 * (the built-in ones in `allowed`, plus the names of the caller's own sources),
 * each once, `iana` among them. Returns the names in the order given.
 */
export function parseSourceList(
  value: string | readonly string[],
  options: { allowed?: readonly string[]; customNames?: readonly string[] } = {},
): string[] {
  const allowed = [...(options.allowed ?? SELECTABLE_SOURCES), ...(options.customNames ?? [])];
  const items = typeof value === 'string' ? value.split(',').map((item) => item.trim()) : [...value];
  if (items.length === 0 || (items.length === 1 && items[0] === '')) {
    throw new InvalidArgumentError(`Expected a list of sources to consult among ${allowed.join(', ')}, got none`);
  }
  const names: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string' || !allowed.includes(item.toLowerCase())) {
      throw new InvalidArgumentError(`Expected sources among ${allowed.join(', ')}, got ${describeValue(item)}`);
    }
    const name = item.toLowerCase();
    if (names.includes(name)) throw new InvalidArgumentError(`Expected each source once, got ${describeValue(name)} twice`);
    names.push(name);
  }
  for (const required of REQUIRED_SOURCES) {
    if (!names.includes(required)) {
      throw new InvalidArgumentError(
        `Expected the sources to include ${required} (a port is free only where the IANA registry says Unassigned), got ${names.join(',')}`,
      );
    }
  }
  return names;
}

/** True when the run consults `source` (sources made without a selection consult everything). */
export function isConsulted(sources: Pick<LoadedSources, 'consulted'>, source: string): boolean {
  return sources.consulted === undefined || sources.consulted.includes(source);
}

/** The summary of a verdict whose source the run did not consult. */
export function notConsultedSummary(source: string): string {
  return `Not consulted: ${source} is left out of this run on request.`;
}

/** The status note of a source the source list leaves out. */
export function notConsultedNote(source: string): string {
  return `${source} is not among the sources to consult (--sources): NOT consulted`;
}
