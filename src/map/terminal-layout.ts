import type { PortRange } from '../pick/types.js';
import { PARTLY_FREE_STYLE, type CellStyle } from './cell-styles.js';
import type { CellClass, PortClassification } from './classify.js';

/**
 * How a range fits a terminal: lines of `width` characters, each character
 * standing for `2 × portsPerPixel` ports. With colour a character is two
 * square pixels (the upper and lower half block): the upper row of pixels
 * holds the first half of the line's ports, the lower row the second half.
 * Without colour a character is one glyph for its ports, in order.
 * Lines start at multiples of `portsPerLine`, so every line begins at a round
 * port number; the whole space at 80 columns is 64 lines of 64 characters,
 * 1,024 ports a line, 8 ports a pixel.
 */

export interface TerminalLayout {
  /** Characters per line (a power of two). */
  width: number;
  portsPerPixel: number;
  portsPerLine: number;
  /** First port of the first line (≤ range.start). */
  firstLinePort: number;
  lines: number;
}

export const DEFAULT_MAX_LINES = 64;
/** Room for the port number that starts each line, and a space. */
export const LABEL_WIDTH = 6;

export function terminalLayout(range: PortRange, columns: number, maxLines = DEFAULT_MAX_LINES): TerminalLayout {
  const room = Math.max(16, Math.floor(columns) - LABEL_WIDTH - 1);
  let width = 16;
  while (width * 2 <= Math.min(room, 128)) width *= 2;
  let portsPerPixel = 1;
  for (;;) {
    const portsPerLine = 2 * width * portsPerPixel;
    const firstLinePort = Math.floor(range.start / portsPerLine) * portsPerLine;
    const lines = Math.floor(range.end / portsPerLine) - firstLinePort / portsPerLine + 1;
    if (lines <= maxLines || portsPerLine >= 65536) return { width, portsPerPixel, portsPerLine, firstLinePort, lines };
    portsPerPixel *= 2;
  }
}

/** A pixel's look: one class's style (index into classes), PARTLY_FREE, or null when no port of the range falls in it. */
export type PixelClass = number | 'partly-free' | null;

/**
 * The class that shows for ports [from, to] (clipped to the range):
 *   a class whose style is marked (candidates, listeners, the organisation's ports) if any port has one — the first in legend order;
 *   else the class of every port, when they share one;
 *   else PARTLY_FREE when some ports are free (or only warned about) and some conflict;
 *   else the class most ports have (ties: legend order).
 */
export function pixelClass(classification: PortClassification, from: number, to: number): PixelClass {
  const { range, cells, classes } = classification;
  const first = Math.max(from, range.start);
  const last = Math.min(to, range.end);
  if (first > last) return null;
  const firstCell = cells[first - range.start] as number;
  let uniform = true;
  for (let port = first + 1; port <= last && uniform; port += 1) uniform = cells[port - range.start] === firstCell;
  if (uniform) return firstCell;
  const counts = new Map<number, number>();
  for (let port = first; port <= last; port += 1) {
    const cell = cells[port - range.start] as number;
    counts.set(cell, (counts.get(cell) ?? 0) + 1);
  }
  const present = [...counts.keys()].map((index) => ({ index, cls: classes[index] as CellClass }));
  const marked = present.filter(({ cls }) => cls.style.mark === true).sort((a, b) => a.cls.order - b.cls.order);
  if (marked.length > 0) return (marked[0] as { index: number }).index;
  const someFree = present.some(({ cls }) => cls.kind !== 'conflict');
  const someTaken = present.some(({ cls }) => cls.kind === 'conflict');
  if (someFree && someTaken) return 'partly-free';
  present.sort((a, b) => (counts.get(b.index) as number) - (counts.get(a.index) as number) || a.cls.order - b.cls.order);
  return (present[0] as { index: number }).index;
}

export function pixelStyle(classification: PortClassification, pixel: Exclude<PixelClass, null>): CellStyle {
  return pixel === 'partly-free' ? PARTLY_FREE_STYLE : (classification.classes[pixel] as CellClass).style;
}
