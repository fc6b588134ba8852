import type { EntryIndex } from '../registry/entry-index.js';
import type { Protocol, WellKnownDefault } from '../registry/types.js';
import type { DefaultsEvidence, DefaultsVerdict } from './verdict.js';

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
  const sentences = [...found.values()].map((wellKnown) => {
    const span = wellKnown.ports.find((range) => port >= range.first && port <= range.last);
    const at = span === undefined || span.first === span.last ? String(port) : portText(span);
    return `${possessive(wellKnown.product)} ${wellKnown.service} defaults to ${at}/${protocol}`;
  });
  return { source: 'defaults', status: 'conflict', summary: `${sentences.join('; ')}.`, evidence: { defaults: evidence } };
}

/** `Vite's`, `Kubernetes'`, `Next.js's` (a name ending in `.js` is not a plural). */
export function possessive(name: string): string {
  return /s$/i.test(name) && !/\.js$/i.test(name) ? `${name}'` : `${name}'s`;
}

function portText(range: { first: number; last: number }): string {
  return range.first === range.last ? String(range.first) : `${range.first}-${range.last}`;
}
