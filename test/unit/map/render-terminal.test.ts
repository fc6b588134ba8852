import { describe, expect, it } from 'vitest';
import { PARTLY_FREE_STYLE } from '../../../src/map/cell-styles.js';
import { buildPortMap } from '../../../src/map/port-map.js';
import { renderTerminal } from '../../../src/map/render-terminal.js';
import { pixelClass, terminalLayout } from '../../../src/map/terminal-layout.js';
import { baseIana, entry, fakeSources } from '../pick/fake-sources.js';

// A blank User range except: 2000-2063 assigned, 2100 assigned, a listener on 2200.
const sources = fakeSources({
  iana: baseIana([
    { port: [2000, 2063], protocol: 'tcp', state: 'assigned', names: ['block'] },
    { port: 2100, protocol: 'tcp', state: 'assigned', names: ['single'] },
  ]),
  listeners: [entry('listeners', 2200, 'tcp', [], { address: '0.0.0.0' })],
  ephemeral: [{ os: 'linux', start: 32768, end: 60999, source: 'test' }],
});

describe('terminalLayout', () => {
  it('fits the whole space in 64 lines of 64 characters at 80 columns (8 ports a pixel, 1024 a line)', () => {
    expect(terminalLayout({ start: 0, end: 65535 }, 80)).toEqual({ width: 64, portsPerPixel: 8, portsPerLine: 1024, firstLinePort: 0, lines: 64 });
  });

  it('uses wider lines on wider terminals and finer pixels on small ranges, lines starting at round ports', () => {
    expect(terminalLayout({ start: 0, end: 65535 }, 160)).toMatchObject({ width: 128, portsPerPixel: 4, lines: 64 });
    expect(terminalLayout({ start: 8000, end: 8999 }, 80)).toEqual({ width: 64, portsPerPixel: 1, portsPerLine: 128, firstLinePort: 7936, lines: 9 });
    expect(terminalLayout({ start: 22, end: 22 }, 40)).toEqual({ width: 32, portsPerPixel: 1, portsPerLine: 64, firstLinePort: 0, lines: 1 });
    expect(terminalLayout({ start: 1024, end: 49151 }, 80, 20)).toMatchObject({ portsPerPixel: 32, lines: 12 });
  });
});

describe('pixelClass', () => {
  const map = buildPortMap(sources, { protocol: 'tcp', range: { start: 1024, end: 49151 }, count: 1 });
  const id = (from: number, to: number): string => {
    const pixel = pixelClass(map.classification, from, to);
    return typeof pixel === 'number' ? (map.classification.classes[pixel]?.id ?? '?') : String(pixel);
  };

  it('shows the class all the ports share', () => {
    expect(id(2000, 2063)).toBe('iana/conflict/assigned');
    expect(id(3000, 3007)).toBe('free');
  });

  it('shows ports some free and some taken as partly free, and keeps a single marked port visible', () => {
    expect(id(2096, 2103)).toBe('partly-free');
    expect(id(2196, 2203)).toBe('listeners/conflict');
    expect(id(map.candidates[0]?.port as number, (map.candidates[0]?.port as number) + 7)).toBe('candidate');
  });

  it('clips to the range, and is empty outside it', () => {
    expect(id(1016, 1023)).toBe('null');
    expect(id(1020, 1024)).toBe('iana/conflict/reserved'); // only 1024 is in range: Reserved in the fake registry
  });
});

describe('renderTerminal', () => {
  const map = buildPortMap(sources, { protocol: 'tcp', range: { start: 1024, end: 49151 }, count: 3 });

  it('without colour: a glyph a character, lines labelled with their first port, a legend with counts', () => {
    const text = renderTerminal(map, { columns: 80, colour: false });
    expect(text).not.toMatch(/\u001b\[/);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Port map of 1024-49151/tcp (48128 ports): a character is 16 ports, a line 1024.');
    const mapLines = lines.filter((line) => /^\s*\d+ \S/.test(line));
    expect(mapLines).toHaveLength(47);
    expect(mapLines[0]?.startsWith(' 1024 ')).toBe(true);
    // Line 2048: 2000-2063 assigned and the line's first 16 characters cover 2048-2303.
    const line2048 = mapLines.find((line) => line.startsWith(' 2048 ')) as string;
    expect(line2048.slice(6, 7)).toBe('#'); // 2048-2063: assigned
    expect(line2048.slice(9, 10)).toBe(':'); // 2096-2111: 2100 assigned, the rest free
    expect(line2048.slice(15, 16)).toBe('L'); // 2192-2207: the listener on 2200
    expect(line2048.slice(16, 17)).toBe('.'); // 2208-2223: free
    expect(text).toContain(' # IANA assigned: 65');
    expect(text).toContain(` : ${PARTLY_FREE_STYLE.label}`);
    expect(text).toMatch(/Candidates \(`portpick suggest --range 1024-49151`\): \d+, \d+, \d+/);
    expect(text).toContain('Note: Not drawn: bind probes');
  });

  it('with colour: half blocks in ANSI colours, fitting the width', () => {
    const text = renderTerminal(map, { columns: 80, colour: true });
    expect(text).toMatch(/\u001b\[\d+m/);
    expect(text).toContain('\u2580');
    const plain = text.replace(/\u001b\[\d+m/g, '');
    const mapLines = plain.split('\n').filter((line) => /^\s*\d+ [\u2580\u2584 ]/.test(line));
    expect(mapLines).toHaveLength(47);
    for (const line of mapLines) expect(line.length).toBeLessThanOrEqual(80);
    expect(plain).toContain('a character is 2 x 8 ports (upper and lower half), a line 1024.');
  });
});
