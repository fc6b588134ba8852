import { describe, expect, it } from 'vitest';
import { CANDIDATE_STYLE, FALLBACK_PRIORITY, FREE_STYLE, SOURCE_STYLES, priorityOf, styleFor } from '../../../src/map/cell-styles.js';
import { classifyPorts, type PortClassification } from '../../../src/map/classify.js';
import { CONFLICT, NOT_CHECKED, OK, WARNING, type RangeLayer } from '../../../src/map/range-verdicts.js';

/** A layer from a status string: `.` ok, `w` warning, `c` conflict, `-` not checked. */
function layer(source: string, statuses: string, extra: Partial<RangeLayer> = {}): RangeLayer {
  const code: Record<string, number> = { '.': OK, w: WARNING, c: CONFLICT, '-': NOT_CHECKED };
  return {
    source,
    available: !statuses.includes('-'),
    status: Uint8Array.from([...statuses].map((char) => code[char] as number)),
    explain: (port) => `${source} says something about ${port}.`,
    ...extra,
  };
}

const idsOf = (classification: PortClassification): string[] =>
  [...classification.cells].map((cell) => classification.classes[cell]?.id ?? '?');

describe('classifyPorts', () => {
  const range = { start: 100, end: 107 };

  it('colours each port by the conflicting source of lowest priority number, else the warning one, else free', () => {
    const layers = [
      layer('iana', 'c.c....c', { kinds: ['unassigned', 'assigned'], kind: Uint8Array.from([1, 0, 1, 0, 0, 0, 0, 1]) }),
      layer('listeners', '..c.....'),
      layer('ephemeral', '.w.ww...'),
      layer('nmap', '...w...c', { heat: Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0.05]) }),
    ];
    const classification = classifyPorts(layers, range);
    expect(idsOf(classification)).toEqual([
      'iana/conflict/assigned',
      'ephemeral/warning',
      'listeners/conflict', // listeners rank before IANA
      'nmap/warning', // nmap's warning ranks before the ephemeral one
      'ephemeral/warning',
      'free',
      'free',
      'nmap/conflict/heat3', // nmap ranks before IANA; 0.05 is its hottest level
    ]);
    const counts = Object.fromEntries(classification.classes.map((cls) => [cls.id, cls.count]));
    expect(counts).toMatchObject({ free: 2, 'ephemeral/warning': 2, 'iana/conflict/assigned': 1 });
    expect(classification.classes.reduce((sum, cls) => sum + cls.count, 0)).toBe(8);
  });

  it('never colours by a not-checked verdict', () => {
    const classification = classifyPorts([layer('nmap', '--------'), layer('iana', 'c.......')], range);
    expect(idsOf(classification)).toEqual(['iana/conflict', 'free', 'free', 'free', 'free', 'free', 'free', 'free']);
  });

  it('marks the candidates over everything else, and only those inside the range', () => {
    const classification = classifyPorts([layer('ephemeral', 'wwwwwwww')], range, [101, 106, 99, 200]);
    expect(idsOf(classification)).toEqual([
      'ephemeral/warning',
      'candidate',
      'ephemeral/warning',
      'ephemeral/warning',
      'ephemeral/warning',
      'ephemeral/warning',
      'candidate',
      'ephemeral/warning',
    ]);
    expect(classification.classes.find((cls) => cls.id === 'candidate')?.style).toBe(CANDIDATE_STYLE);
    expect(classification.classes.find((cls) => cls.id === 'free')?.count).toBe(0);
  });

  it('gives a source the table does not name a fallback colour, a rank and a legend label of its own', () => {
    const classification = classifyPorts([layer('iana', 'cc......'), layer('teamcity', 'c.c.w...'), layer('other-tool', '...c....')], range);
    expect(idsOf(classification).slice(0, 5)).toEqual(['teamcity/conflict', 'iana/conflict', 'teamcity/conflict', 'other-tool/conflict', 'teamcity/warning']);
    const teamcity = classification.classes.find((cls) => cls.id === 'teamcity/conflict');
    expect(teamcity?.style.label).toBe('teamcity: conflict');
    expect(teamcity?.style.colour).toMatch(/^#[0-9a-f]{6}$/);
    expect(teamcity?.style.colour).not.toBe(FREE_STYLE.colour);
    expect(classification.classes.find((cls) => cls.id === 'teamcity/warning')?.style.label).toBe('free, but teamcity warns');
    expect(priorityOf('teamcity')).toBe(FALLBACK_PRIORITY);
    // Stable from run to run, and two names need not share a colour.
    expect(styleFor('teamcity', 'conflict').colour).toBe(teamcity?.style.colour);
    expect(new Set(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => styleFor(name, 'conflict').colour)).size).toBeGreaterThan(1);
  });

  it('orders the legend: candidate, free, then sources by priority', () => {
    const classification = classifyPorts([layer('iana', 'c.......'), layer('listeners', '.c......'), layer('ephemeral', '..w.....')], range, [103]);
    const order = [...classification.classes].sort((a, b) => a.order - b.order).map((cls) => cls.id);
    expect(order).toEqual(['candidate', 'free', 'listeners/conflict', 'iana/conflict', 'ephemeral/warning']);
  });
});

describe('the style table', () => {
  it('has a distinct legend label and a valid colour and glyph for every style', () => {
    const styles = Object.values(SOURCE_STYLES).flatMap((source) => [
      ...(source.conflict ? [source.conflict] : []),
      ...Object.values(source.conflictByKind ?? {}),
      ...Object.values(source.warningByKind ?? {}),
      ...(source.warning ? [source.warning] : []),
      ...(source.heat?.levels ?? []),
    ]);
    for (const style of styles) {
      expect(style.colour).toMatch(/^#[0-9a-f]{6}$/);
      expect(style.glyph).toMatch(/^[!-~]$/);
    }
    for (const source of Object.values(SOURCE_STYLES)) {
      if (source.heat) expect(source.heat.levels).toHaveLength(source.heat.thresholds.length + 1);
    }
  });
});
