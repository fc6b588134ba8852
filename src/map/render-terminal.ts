import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types.js';
import type { CellStyle, TerminalColour } from './cell-styles.js';
import { PARTLY_FREE_STYLE } from './cell-styles.js';
import type { PortMap } from './port-map.js';
import { LABEL_WIDTH, pixelClass, pixelStyle, terminalLayout, type PixelClass, type TerminalLayout } from './terminal-layout.js';

/**
 * The map as text for a terminal: a block-character heatmap (two pixels a
 * character, coloured with picocolors), a legend, the candidates and what was
 * not checked. Without colour each character is the glyph of its ports'
 * class, so the picture survives a pipe, a file and NO_COLOR.
 */

export interface TerminalRenderOptions {
  /** Terminal width in columns. */
  columns: number;
  colour: boolean;
  /** At most this many lines of map (default 64). */
  maxLines?: number;
}

const UPPER_HALF = '\u2580';
const LOWER_HALF = '\u2584';
const FULL_BLOCK = '\u2588';

/**
 * The map for a terminal (what `portpick map` prints): two ports per
 * character cell with colour, or a glyph per class without it (which
 * survives a pipe, a file and NO_COLOR), a legend, the candidates and what
 * was not checked.
 *
 * @param map A map from {@link mapPorts}.
 * @param options The terminal's width in columns, colour or not, and at most how many lines of map.
 * @returns Lines of text, joined with line breaks.
 *
 * @example
 * ```ts
 * import { mapPorts, renderTerminal } from 'portpick';
 *
 * const text = renderTerminal(await mapPorts(), { columns: process.stdout.columns ?? 80, colour: process.stdout.isTTY });
 * process.stdout.write(`${text}\n`);
 * ```
 */
export function renderTerminal(map: PortMap, options: TerminalRenderOptions): string {
  const colours = picocolors.createColors(options.colour);
  const layout = terminalLayout(map.range, options.columns, options.maxLines);
  const { classification } = map;
  const lines: string[] = [];
  const size = map.range.end - map.range.start + 1;
  lines.push(
    `Port map of ${map.range.start}-${map.range.end}/${map.protocol} (${size} port${size === 1 ? '' : 's'}): ` +
      (options.colour
        ? `a character is 2 x ${layout.portsPerPixel} ports (upper and lower half), a line ${layout.portsPerLine}.`
        : `a character is ${2 * layout.portsPerPixel} ports, a line ${layout.portsPerLine}.`),
    '',
  );
  const used = new Set<PixelClass>();
  for (let line = 0; line < layout.lines; line += 1) {
    const base = layout.firstLinePort + line * layout.portsPerLine;
    const label = String(base).padStart(LABEL_WIDTH - 1);
    const body = options.colour ? colourLine(map, layout, base, colours, used) : glyphLine(map, layout, base, used);
    lines.push(`${label} ${body}`);
  }

  lines.push('', 'Legend (ports):');
  const legend = classification.classes
    .map((cls, index) => ({ cls, index }))
    .filter(({ cls, index }) => cls.count > 0 || used.has(index))
    .sort((a, b) => a.cls.order - b.cls.order);
  for (const { cls } of legend) {
    lines.push(`  ${swatch(cls.style, options.colour, colours)} ${cls.style.label}: ${cls.count}`);
  }
  if (used.has('partly-free')) lines.push(`  ${swatch(PARTLY_FREE_STYLE, options.colour, colours)} ${PARTLY_FREE_STYLE.label}`);

  if (map.candidates.length > 0 && map.candidateRange !== null) {
    lines.push(
      '',
      `Candidates (\`portpick suggest --range ${map.candidateRange.start}-${map.candidateRange.end}\`): ` +
        map.candidates.map((candidate) => candidate.port).join(', '),
    );
  }
  lines.push('');
  for (const note of map.notes) lines.push(`Note: ${note}`);
  return lines.join('\n');
}

function colourLine(map: PortMap, layout: TerminalLayout, base: number, colours: Colors, used: Set<PixelClass>): string {
  const { classification } = map;
  const half = layout.width * layout.portsPerPixel;
  let text = '';
  let pending = '';
  let pendingKey = '';
  let paint: (text: string) => string = (value) => value;
  const flush = (): void => {
    if (pending !== '') text += paint(pending);
    pending = '';
  };
  for (let column = 0; column < layout.width; column += 1) {
    const from = base + column * layout.portsPerPixel;
    const upper = pixelClass(classification, from, from + layout.portsPerPixel - 1);
    const lower = pixelClass(classification, from + half, from + half + layout.portsPerPixel - 1);
    used.add(upper).add(lower);
    const top = upper === null ? null : pixelStyle(classification, upper).terminal;
    const bottom = lower === null ? null : pixelStyle(classification, lower).terminal;
    const key = `${top}|${bottom}`;
    if (key !== pendingKey) {
      flush();
      pendingKey = key;
      paint = painter(colours, top, bottom);
    }
    pending += top === null ? (bottom === null ? ' ' : LOWER_HALF) : UPPER_HALF;
  }
  flush();
  return text;
}

/** Upper half in `top`'s colour on a `bottom` background (or the lower half alone, or nothing). */
function painter(colours: Colors, top: TerminalColour | null, bottom: TerminalColour | null): (text: string) => string {
  if (top === null && bottom === null) return (text) => text;
  if (top === null) return colours[bottom as TerminalColour];
  const foreground = colours[top];
  if (bottom === null) return foreground;
  const background = colours[backgroundOf(bottom)];
  return (text) => background(foreground(text));
}

function glyphLine(map: PortMap, layout: TerminalLayout, base: number, used: Set<PixelClass>): string {
  const perCharacter = 2 * layout.portsPerPixel;
  let text = '';
  for (let column = 0; column < layout.width; column += 1) {
    const from = base + column * perCharacter;
    const pixel = pixelClass(map.classification, from, from + perCharacter - 1);
    used.add(pixel);
    text += pixel === null ? ' ' : pixelStyle(map.classification, pixel).glyph;
  }
  return text.trimEnd();
}

function swatch(style: CellStyle, colour: boolean, colours: Colors): string {
  return colour ? colours[style.terminal](FULL_BLOCK + FULL_BLOCK) : ` ${style.glyph}`;
}

function backgroundOf(colour: TerminalColour): `bg${Capitalize<TerminalColour>}` {
  return `bg${colour.charAt(0).toUpperCase()}${colour.slice(1)}` as `bg${Capitalize<TerminalColour>}`;
}
