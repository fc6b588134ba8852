import { escapeXmlText } from '../scan/reporters/xml-escape.js';
import { cellRuns, runTitle, type CellRun } from './cell-runs.js';
import type { CellClass } from './classify.js';
import type { PortMap } from './port-map.js';

/**
 * The map as a standalone SVG document: every port a square cell in rows of
 * round port numbers; neighbours that share a class and their evidence are one
 * <rect> (cell-runs.ts) whose <title> names the port(s) and what each
 * objecting source says (the hover text); a legend with the number of ports of
 * each class, the candidates, and what was not checked. Nothing is fetched:
 * no fonts, images or scripts from elsewhere.
 */

export interface SvgLayout {
  /** Ports a row (a power of two); rows start at multiples of it. */
  perRow: number;
  /** Side of one port's cell, in SVG units. */
  cell: number;
  /** Where the grid starts. */
  left: number;
  top: number;
  /** First port of the first row (≤ range.start). */
  firstRowPort: number;
  rows: number;
  /** Width of the grid (perRow × cell). */
  gridWidth: number;
}

const GRID_WIDTH = 768;
const LEFT = 52;
const TOP = 44;
const LEGEND_LINE = 16;
const FONT = 'font-family="DejaVu Sans, Verdana, Arial, sans-serif"';

export function svgLayout(map: PortMap): SvgLayout {
  const size = map.range.end - map.range.start + 1;
  const perRow = size > 16_384 ? 256 : size > 4096 ? 128 : size > 1024 ? 64 : 32;
  const cell = GRID_WIDTH / perRow;
  const firstRowPort = Math.floor(map.range.start / perRow) * perRow;
  const rows = Math.floor(map.range.end / perRow) - firstRowPort / perRow + 1;
  return { perRow, cell, left: LEFT, top: TOP, firstRowPort, rows, gridWidth: GRID_WIDTH };
}

export interface SvgOptions {
  /** A hover title on every cell (default true); without them the file is a third of the size (for pictures nobody hovers, such as a README's). */
  titles?: boolean;
}

/** The SVG element (no XML declaration): what the HTML page embeds. */
export function renderSvgElement(map: PortMap, layout: SvgLayout = svgLayout(map), options: SvgOptions = {}): string {
  const { classification } = map;
  const { perRow, cell, left, top, firstRowPort, rows, gridWidth } = layout;
  const runs = cellRuns(classification, map.layers, perRow, { byClassOnly: options.titles === false });
  const rankOf = new Map(map.candidates.map((candidate) => [candidate.port, candidate.rank]));

  const legendClasses = classification.classes.filter((cls) => cls.count > 0).sort((a, b) => a.order - b.order);
  const footer = footerLines(map);
  const legendTop = top + rows * cell + 28;
  const legendRows = Math.ceil(legendClasses.length / 2);
  const height = legendTop + legendRows * LEGEND_LINE + 10 + footer.length * LEGEND_LINE + 8;
  const width = left + gridWidth + 20;
  const size = map.range.end - map.range.start + 1;
  const heading = `Port map of ${map.range.start}-${map.range.end}/${map.protocol} (${size} port${size === 1 ? '' : 's'}, ${perRow} a row)`;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" shape-rendering="crispEdges">`,
    `<title>${escapeXmlText(heading)}</title>`,
    `<desc>${escapeXmlText(`Made by portpick map. Sources: ${sourceSummary(map)}.`)}</desc>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="18" ${FONT} font-size="14" fill="#222222">${escapeXmlText(heading)}</text>`,
  );
  // Column offsets above the grid, row start ports beside it.
  out.push(`<g ${FONT} font-size="9" fill="#555555">`);
  for (let quarter = 0; quarter < 4; quarter += 1) {
    out.push(`<text x="${left + (quarter * gridWidth) / 4}" y="${top - 5}">+${(quarter * perRow) / 4}</text>`);
  }
  const labelEvery = nextPowerOfTwo(Math.ceil(12 / cell));
  for (let row = 0; row < rows; row += labelEvery) {
    out.push(`<text x="${left - 4}" y="${top + row * cell + Math.min(cell, 9)}" text-anchor="end">${firstRowPort + row * perRow}</text>`);
  }
  out.push('</g>');

  // The cells, one group per class (its fill once), one rect per run.
  const byClass = new Map<number, CellRun[]>();
  for (const run of runs) {
    const list = byClass.get(run.cell);
    if (list) list.push(run);
    else byClass.set(run.cell, [run]);
  }
  // Inside the grid one unit is one cell: a rect's x is the port's column, y its row.
  out.push(`<g class="cells" transform="translate(${left} ${top}) scale(${cell})">`);
  for (const [index, classRuns] of [...byClass.entries()].sort((a, b) => a[0] - b[0])) {
    const cls = classification.classes[index] as CellClass;
    const outline = cls.style.mark === true ? ` stroke="#000000" stroke-width="${round(0.6 / cell)}"` : '';
    out.push(`<g fill="${cls.style.colour}"${outline}>`);
    for (const run of classRuns) {
      const offset = run.start - firstRowPort;
      const rect = `<rect x="${offset % perRow}" y="${Math.floor(offset / perRow)}" width="${run.end - run.start + 1}" height="1"`;
      if (options.titles === false) out.push(`${rect}/>`);
      else out.push(`${rect}><title>${escapeXmlText(runTitle(map.layers, classification, run, map.protocol, rankOf.get(run.start)))}</title></rect>`);
    }
    out.push('</g>');
  }
  out.push('</g>');

  // Legend: two columns of swatches with the number of ports of each class.
  out.push(`<g class="legend" ${FONT} font-size="11" fill="#222222">`);
  legendClasses.forEach((cls, position) => {
    const x = left + (position < legendRows ? 0 : gridWidth / 2);
    const y = legendTop + (position % legendRows) * LEGEND_LINE;
    const outline = cls.style.mark === true ? ' stroke="#000000" stroke-width="0.6"' : '';
    out.push(
      `<rect x="${x}" y="${y}" width="10" height="10" fill="${cls.style.colour}"${outline}><title>${escapeXmlText(cls.id)}</title></rect>`,
      `<text x="${x + 16}" y="${y + 9}">${escapeXmlText(`${cls.style.label}: ${cls.count}`)}</text>`,
    );
  });
  out.push('</g>');
  const footerTop = legendTop + legendRows * LEGEND_LINE + 10;
  out.push(`<g ${FONT} font-size="10" fill="#444444">`);
  footer.forEach((line, index) => out.push(`<text x="${left}" y="${footerTop + index * LEGEND_LINE + 8}">${escapeXmlText(line)}</text>`));
  out.push('</g>', '</svg>');
  return out.join('\n');
}

/**
 * The map as a standalone SVG file (what `portpick map -o map.svg` writes):
 * one cell per port, coloured by the source that decides it, with a legend.
 *
 * @param map A map from {@link mapPorts}.
 * @param options `titles: false` leaves out the hover titles (a third of the size, for pictures nobody hovers over).
 * @returns The file's text.
 *
 * @example
 * ```ts
 * import { mapPorts, renderSvg } from 'portpick';
 *
 * const svg = renderSvg(await mapPorts({ range: '1024-49151' }));
 * ```
 */
export function renderSvg(map: PortMap, options: SvgOptions = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderSvgElement(map, svgLayout(map), options)}\n`;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function footerLines(map: PortMap): string[] {
  const lines: string[] = [];
  if (map.candidates.length > 0 && map.candidateRange !== null) {
    lines.push(
      `Candidates (portpick suggest --range ${map.candidateRange.start}-${map.candidateRange.end}): ` +
        map.candidates.map((candidate) => candidate.port).join(', '),
    );
  }
  lines.push(`Sources: ${sourceSummary(map)}.`);
  for (const note of map.notes) lines.push(note);
  return lines.flatMap((line) => wrap(line, 130));
}

/** Lines of at most `width` characters, broken at spaces (a longer word stays whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** Which sources the picture was made from (a committed picture says what data it shows). */
function sourceSummary(map: PortMap): string {
  const drawn = new Set(map.layers.filter((layer) => layer.available).map((layer) => layer.source));
  return (
    map.sources
      .filter((status) => drawn.has(status.id))
      // A data date (YYYY-MM-DD) says which registry release this is; a file's modification time says nothing worth committing.
      .map((status) => {
        const date = status.updated !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(status.updated) ? `, ${status.updated}` : '';
        return `${status.id} (${status.origin}${date}, ${status.entries} entries)`;
      })
      .join('; ') || 'none'
  );
}

function nextPowerOfTwo(value: number): number {
  let power = 1;
  while (power < value) power *= 2;
  return power;
}
