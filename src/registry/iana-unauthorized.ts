/**
 * IANA's "Unauthorized Use Reported" column is free text. Often it names single
 * ports inside the row's range ("Known UNAUTHORIZED USE: port 11488" on 11435-11488,
 * "Ports 4490 and 4491" on 4489-4499): then only those ports are marked. When it names
 * no port inside the row ("yes", "Unauthorized use by some mail users", a neighbour's
 * port copied onto talon-engine 7012), the whole row is marked.
 */
export type PortSpan = readonly [start: number, end: number];

// A number or number range standing alone: not part of "RFC4146", "krb524" or a date "12/7/00".
const PORT_MENTION = /(?<![A-Za-z0-9./])(\d{1,5})(?:\s*-\s*(\d{1,5}))?(?![\d/])/g;

/** The spans of [start, end] that the text names, merged and ascending; null when it names none there. */
export function unauthorizedPortSpans(text: string, start: number, end: number): PortSpan[] | null {
  const spans: Array<[number, number]> = [];
  for (const match of text.matchAll(PORT_MENTION)) {
    const low = Number(match[1]);
    const high = match[2] === undefined ? low : Number(match[2]);
    if (high < low) continue;
    const clippedLow = Math.max(low, start);
    const clippedHigh = Math.min(high, end);
    if (clippedLow <= clippedHigh) spans.push([clippedLow, clippedHigh]);
  }
  if (spans.length === 0) return null;
  spans.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged[merged.length - 1];
    if (last && span[0] <= last[1] + 1) last[1] = Math.max(last[1], span[1]);
    else merged.push([span[0], span[1]]);
  }
  return merged;
}

export function spansContain(spans: readonly PortSpan[], port: number): boolean {
  for (const [low, high] of spans) if (port >= low && port <= high) return true;
  return false;
}
