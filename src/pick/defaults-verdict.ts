import type { EntryIndex } from '../registry/entry-index.js';
import type { Protocol, WellKnownDefault } from '../registry/types.js';
import type { DefaultsEvidence, DefaultsVerdict } from './verdict.js';

/** How many products the one-line summary names before "and N more" (the evidence lists all, with citations). */
const NAMED_IN_SUMMARY = 3;

/**
 * The `defaults` source: a port that a well-known product defaults to is a
 * conflict, whatever IANA says ("Vite's dev server defaults to 5173/tcp"); the
 * evidence carries each entry's citation. A missing dataset is not-checked.
 */
export function defaultsVerdict(defaults: EntryIndex | null | undefined, protocol: Protocol, port: number): DefaultsVerdict {
  if (defaults === null || defaults === undefined) {
    return {
      source: 'defaults',
      status: 'not-checked',
      summary: 'The well-known defaults dataset was not loaded: ports that dev tools, databases and platforms use by default were NOT checked.',
      evidence: { defaults: [] },
    };
  }
  const found = new Map<string, WellKnownDefault>();
  for (const entry of defaults.lookup(protocol, port)) {
    const wellKnown = entry.extra.wellKnown;
    if (wellKnown !== undefined && !found.has(wellKnown.id)) found.set(wellKnown.id, wellKnown);
  }
  const where = `${port}/${protocol}`;
  if (found.size === 0) {
    return { source: 'defaults', status: 'ok', summary: `No well-known product defaults to ${where}.`, evidence: { defaults: [] } };
  }
  const evidence: DefaultsEvidence['defaults'] = [...found.values()].map((wellKnown) => ({
    id: wellKnown.id,
    product: wellKnown.product,
    service: wellKnown.service,
    category: wellKnown.category,
    ports: wellKnown.ports.map(portText),
    protocols: [...wellKnown.protocols],
    summary: wellKnown.summary,
    citation: { ...wellKnown.citation },
    ...(wellKnown.note === undefined ? {} : { note: wellKnown.note }),
  }));
  const all = [...found.values()];
  const named = all.slice(0, NAMED_IN_SUMMARY).map((wellKnown) => `${possessive(wellKnown.product)} ${wellKnown.service}`);
  let summary: string;
  if (all.length === 1) {
    const only = all[0] as WellKnownDefault;
    const span = only.ports.find((range) => port >= range.first && port <= range.last);
    const at = span === undefined || span.first === span.last ? String(port) : portText(span);
    summary = `${named[0] ?? ''} defaults to ${at}/${protocol}.`;
  } else {
    const more = all.length - named.length;
    const list = more > 0 ? `${named.join(', ')} and ${more} more` : `${named.slice(0, -1).join(', ')} and ${named.at(-1) ?? ''}`;
    summary = `${list} default to ${where}.`;
  }
  return { source: 'defaults', status: 'conflict', summary, evidence: { defaults: evidence } };
}

/** `Vite's`, `Kubernetes'`, `Next.js's`, `NestJS's` (only a name ending like an English plural takes a bare apostrophe). */
export function possessive(name: string): string {
  return /[a-z]s$/.test(name) && !/js$/i.test(name) ? `${name}'` : `${name}'s`;
}

function portText(range: { first: number; last: number }): string {
  return range.first === range.last ? String(range.first) : `${range.first}-${range.last}`;
}
