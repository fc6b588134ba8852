import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cellRuns } from '../../../src/map/cell-runs.js';
import { buildPortMap, type PortMap } from '../../../src/map/port-map.js';
import { renderHtml } from '../../../src/map/render-html.js';
import { renderSvg, svgLayout } from '../../../src/map/render-svg.js';
import { required } from '../../helpers/required.js';
import { baseIana, entry, fakeSources, nmapEntry } from '../pick/fake-sources.js';

const hasXmllint = required(spawnSync('xmllint', ['--version']).status === 0, 'xmllint', 'apt-get install libxml2-utils');
const dir = mkdtempSync(join(tmpdir(), 'portpick-map-svg-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOSTILE = '</title><script>alert(1)</script> & "quotes" \u0001';
const sources = fakeSources({
  iana: baseIana([
    { port: [2000, 2063], protocol: 'tcp', state: 'assigned', names: ['block'], description: 'A block' },
    { port: 2100, protocol: 'tcp', state: 'assigned', names: ['single'], description: 'One <port> & more' },
  ]),
  nmap: [nmapEntry(2100, 'tcp', 'single', 0.02), nmapEntry(40000, 'tcp', 'cold', 0.0001)],
  reservations: [entry('reservations', 2300, 'tcp', ['billing'], { owner: HOSTILE })],
  ephemeral: [{ os: 'linux', start: 32768, end: 60999, source: 'test' }],
});

function xpath(file: string, expression: string): string {
  return execFileSync('xmllint', ['--xpath', expression, file], { encoding: 'utf8' }).trim();
}

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** The ports each cell rect covers, from its position in the grid (x = column, y = row, in cell units). */
function coveredPorts(svg: string, map: PortMap): number[] {
  const layout = svgLayout(map);
  const cells = svg.slice(svg.indexOf('<g class="cells"'), svg.indexOf('<g class="legend"'));
  const ports: number[] = [];
  for (const match of cells.matchAll(/<rect x="(\d+)" y="(\d+)" width="(\d+)" height="1"/g)) {
    const first = layout.firstRowPort + Number(match[2]) * layout.perRow + Number(match[1]);
    for (let port = first; port < first + Number(match[3]); port += 1) ports.push(port);
  }
  return ports.sort((a, b) => a - b);
}

describe('renderSvg', () => {
  const map = buildPortMap(sources, { protocol: 'tcp', range: { start: 1024, end: 49151 }, count: 3 });
  const svg = renderSvg(map);

  it.skipIf(!hasXmllint)('is well-formed XML in the SVG namespace, with a legend entry per class drawn', () => {
    const file = write('map.svg', svg);
    execFileSync('xmllint', ['--noout', file]);
    expect(xpath(file, "name(/*)")).toBe('svg');
    expect(xpath(file, 'namespace-uri(/*)')).toBe('http://www.w3.org/2000/svg');
    const drawn = map.classification.classes.filter((cls) => cls.count > 0);
    expect(Number(xpath(file, "count(//*[local-name()='g'][@class='legend']/*[local-name()='rect'])"))).toBe(drawn.length);
    expect(Number(xpath(file, "count(//*[local-name()='script'])"))).toBe(0);
  });

  it.skipIf(!hasXmllint)('draws one element per run of ports, and every port of the range exactly once', () => {
    const file = write('runs.svg', svg);
    const runs = cellRuns(map.classification, map.layers, svgLayout(map).perRow);
    expect(Number(xpath(file, "count(//*[local-name()='g'][@class='cells']//*[local-name()='rect'])"))).toBe(runs.length);
    const ports = coveredPorts(svg, map);
    expect(ports).toHaveLength(48128);
    expect(ports[0]).toBe(1024);
    expect(ports[ports.length - 1]).toBe(49151);
    expect(new Set(ports).size).toBe(48128);
  });

  it.skipIf(!hasXmllint)('gives each cell a title naming its port(s) and the evidence, escaped', () => {
    const file = write('titles.svg', svg);
    const titleOf = (port: number): string => {
      const layout = svgLayout(map);
      const offset = port - layout.firstRowPort;
      return xpath(file, `string(//*[local-name()='g'][@class='cells']//*[local-name()='rect'][@x='${offset % layout.perRow}'][@y='${Math.floor(offset / layout.perRow)}']/*[local-name()='title'])`);
    };
    expect(titleOf(2100).split('\n')).toEqual([
      '2100/tcp',
      'nmap: nmap has seen 2100/tcp open in the wild (single, open-frequency 0.02).',
      'iana: IANA assigned 2100/tcp to single (One <port> & more).',
    ]);
    expect(titleOf(2300)).toContain('Reserved 2300/tcp for billing by </title><script>alert(1)</script> & "quotes" \ufffd');
    expect(titleOf(40000).split('\n')[0]).toBe('40000/tcp');
    expect(titleOf(2816)).toBe('2816-3071/tcp (256 ports): free: no source objects\nNo checked source objects.');
  });

  it('says which sources it was made from, and what was not checked', () => {
    expect(svg).toContain('Sources: ');
    expect(svg).toContain('Not drawn: bind probes and network sweeps');
    expect(svg).toMatch(/Candidates \(portpick suggest --range 1024-49151\): \d+, \d+, \d+/);
  });

  it.skipIf(!hasXmllint)('without titles: the same cells joined by class alone, a smaller file', () => {
    const bare = renderSvg(map, { titles: false });
    const file = write('bare.svg', bare);
    execFileSync('xmllint', ['--noout', file]);
    expect(Number(xpath(file, "count(//*[local-name()='g'][@class='cells']//*[local-name()='title'])"))).toBe(0);
    expect(coveredPorts(bare, map)).toEqual(coveredPorts(svg, map));
    expect(bare.length).toBeLessThan(svg.length / 2);
  });

  it.skipIf(!hasXmllint)('draws a small range with larger cells, rows still at round ports', () => {
    const small = buildPortMap(sources, { protocol: 'tcp', range: { start: 2090, end: 2110 }, count: 0 });
    const text = renderSvg(small);
    execFileSync('xmllint', ['--noout', write('small.svg', text)]);
    expect(svgLayout(small)).toMatchObject({ perRow: 32, cell: 24, firstRowPort: 2080 });
    expect(coveredPorts(text, small)).toEqual(Array.from({ length: 21 }, (_, i) => 2090 + i));
  });
});

describe('renderHtml', () => {
  const map = buildPortMap(sources, { protocol: 'tcp', range: { start: 1024, end: 8191 }, count: 2 });
  const html = renderHtml(map);

  it('is one standalone page: the SVG inline, a policy that allows no fetch, nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<?xml');
  });

  it('carries the grid geometry the hover script reads, safe inside a script element', () => {
    const geometry = /<script type="application\/json" id="geometry">(.*?)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(geometry as string)).toEqual({ ...svgLayoutSubset(map), start: 1024, end: 8191, protocol: 'tcp' });
    expect(html.match(/<script/g)).toHaveLength(2);
  });
});

function svgLayoutSubset(map: PortMap) {
  const { left, top, cell, perRow, firstRowPort } = svgLayout(map);
  return { left, top, cell, perRow, firstRowPort };
}
