import { escapeXmlText } from '../scan/reporters/xml-escape.js';
import type { PortMap } from './port-map.js';
import { renderSvgElement, svgLayout } from './render-svg.js';

/**
 * The map as one standalone HTML page: the SVG inline, and a panel that names
 * the port under the pointer (or the last one tapped) with its evidence — the
 * hovered cell's title, which for a run of ports holds what all of them share.
 * The page's Content-Security-Policy allows nothing from anywhere: no network
 * fetch can happen, whatever a title contains.
 */

/**
 * The map as one self-contained HTML page (what `portpick map -o map.html`
 * writes): the SVG, and a panel that shows each port's evidence on hover.
 * It loads nothing from anywhere.
 *
 * @param map A map from {@link mapPorts}.
 * @returns The page's text.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { mapPorts, renderHtml } from 'portpick';
 *
 * writeFileSync('map.html', renderHtml(await mapPorts({ name: 'billing-api' })));
 * ```
 */
export function renderHtml(map: PortMap): string {
  const layout = svgLayout(map);
  const title = `portpick map: ${map.range.start}-${map.range.end}/${map.protocol}`;
  // The script reads the grid's geometry from here; `<` is escaped so no value can close the script element.
  const geometry = JSON.stringify({
    left: layout.left,
    top: layout.top,
    cell: layout.cell,
    perRow: layout.perRow,
    firstRowPort: layout.firstRowPort,
    start: map.range.start,
    end: map.range.end,
    protocol: map.protocol,
  }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeXmlText(title)}</title>
<style>
  body { font-family: "DejaVu Sans", Verdana, Arial, sans-serif; margin: 1rem; color: #222; background: #fff; }
  h1 { font-size: 1.1rem; margin: 0 0 0.5rem; }
  main { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
  #map svg { display: block; max-width: 100%; height: auto; }
  #map .cells rect { cursor: crosshair; }
  #evidence { flex: 1 1 18rem; min-height: 8rem; white-space: pre-wrap; font-size: 0.85rem; border: 1px solid #ccc;
    border-radius: 4px; padding: 0.6rem; background: #fafafa; position: sticky; top: 1rem; }
  #evidence strong { display: block; font-size: 1rem; margin-bottom: 0.3rem; }
</style>
</head>
<body>
<h1>${escapeXmlText(title)}</h1>
<main>
<div id="map">
${renderSvgElement(map, layout)}
</div>
<div id="evidence" role="status" aria-live="polite">Point at a port to see what each source says about it.</div>
</main>
<script type="application/json" id="geometry">${geometry}</script>
<script>
(() => {
  const geometry = JSON.parse(document.getElementById('geometry').textContent);
  const svg = document.querySelector('#map svg');
  const panel = document.getElementById('evidence');
  let shown = '';
  function portAt(event) {
    const matrix = svg.getScreenCTM();
    if (!matrix) return null;
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const column = Math.floor((point.x - geometry.left) / geometry.cell);
    const row = Math.floor((point.y - geometry.top) / geometry.cell);
    if (column < 0 || column >= geometry.perRow || row < 0) return null;
    const port = geometry.firstRowPort + row * geometry.perRow + column;
    return port >= geometry.start && port <= geometry.end ? port : null;
  }
  function show(event) {
    const cell = event.target.closest ? event.target.closest('.cells rect') : null;
    const port = cell ? portAt(event) : null;
    if (port === null) return;
    const title = cell.querySelector('title');
    const key = port + '|' + (title ? title.textContent : '');
    if (key === shown) return;
    shown = key;
    const heading = document.createElement('strong');
    heading.textContent = 'Port ' + port + '/' + geometry.protocol;
    // A cell of one port names it on its first line: the heading says it already.
    let text = title ? title.textContent : '';
    if (text.startsWith(port + '/' + geometry.protocol + '\\n')) text = text.slice(text.indexOf('\\n') + 1);
    panel.replaceChildren(heading, document.createTextNode(text));
  }
  svg.addEventListener('mousemove', show);
  svg.addEventListener('click', show);
})();
</script>
</body>
</html>
`;
}
