import type { PortRange } from '../pick/types.js';
import { CANDIDATE_STYLE, FREE_STYLE, heatLevel, priorityOf, SOURCE_STYLES, styleFor, type CellStyle } from './cell-styles.js';
import { CONFLICT, WARNING, type RangeLayer } from './range-verdicts.js';

/**
 * What colour each port of the range gets: a pure function of the per-port
 * verdicts (the layers of range-verdicts.ts) and the candidates `suggest` gave.
 *
 *   1. a candidate                                  → `candidate`
 *   2. some source conflicts                        → that source's conflict style
 *                                                     (the lowest priority number among them)
 *   3. no conflict, some source warns               → that source's warning style (same rule)
 *   4. otherwise                                    → `free`
 * Not-checked verdicts colour nothing (the legend says which sources were not checked).
 */

export type CellKind = 'candidate' | 'free' | 'conflict' | 'warning';

export interface CellClass {
  /** `candidate`, `free`, or `source/status[/kind][/heatN]`, e.g. `iana/conflict/assigned`, `nmap/conflict/heat2`. */
  id: string;
  kind: CellKind;
  /** The source whose verdict decided the colour (null for candidate and free). */
  source: string | null;
  style: CellStyle;
  /** Ports of the range in this class. */
  count: number;
  /** Order in legends: candidate, free, then warnings and conflicts by source priority. */
  order: number;
}

export interface PortClassification {
  range: PortRange;
  /** Index into `classes` per port, at `port - range.start`. */
  cells: Uint16Array;
  classes: CellClass[];
}

export function classifyPorts(layers: readonly RangeLayer[], range: PortRange, candidates: Iterable<number> = []): PortClassification {
  const size = range.end - range.start + 1;
  const ordered = [...layers].map((layer, index) => ({ layer, index })).sort((a, b) => priorityOf(a.layer.source) - priorityOf(b.layer.source) || a.index - b.index);
  const classes: CellClass[] = [];
  const byKey = new Map<string, number>();
  const classFor = (key: string, make: () => Omit<CellClass, 'count'>): number => {
    let index = byKey.get(key);
    if (index === undefined) {
      index = classes.length;
      classes.push({ ...make(), count: 0 });
      byKey.set(key, index);
    }
    return index;
  };
  const candidate = classFor('candidate', () => ({ id: 'candidate', kind: 'candidate', source: null, style: CANDIDATE_STYLE, order: 0 }));
  const free = classFor('free', () => ({ id: 'free', kind: 'free', source: null, style: FREE_STYLE, order: 1 }));

  // A numeric key per (layer, status, sub-kind, heat level) keeps the per-port work to array reads.
  const decided = new Map<number, number>();
  const classOf = (position: number, layer: RangeLayer, status: number, i: number): number => {
    const kindIndex = layer.kind === undefined ? 0 : (layer.kind[i] as number);
    const strength = status === CONFLICT && layer.heat !== undefined ? (layer.heat[i] as number) : 0;
    const heatStyle = SOURCE_STYLES[layer.source]?.heat;
    const level = strength > 0 && heatStyle !== undefined ? heatLevel(heatStyle, strength) + 1 : 0;
    const key = ((position * 4 + status) * 256 + kindIndex) * 16 + level;
    let index = decided.get(key);
    if (index === undefined) {
      const statusName = status === CONFLICT ? 'conflict' : 'warning';
      const kindName = layer.kinds?.[kindIndex];
      const id = [layer.source, statusName, ...(kindName !== undefined && layer.kind !== undefined ? [kindName] : []), ...(level > 0 ? [`heat${level}`] : [])].join('/');
      index = classFor(id, () => ({
        id,
        kind: statusName,
        source: layer.source,
        style: styleFor(layer.source, statusName, kindName, strength),
        order: 10 + priorityOf(layer.source) * 100 + (status === CONFLICT ? 50 : 0) + kindIndex * 4 + level,
      }));
      decided.set(key, index);
    }
    return index;
  };

  const cells = new Uint16Array(size);
  for (let i = 0; i < size; i += 1) {
    let cell = free;
    let warned = -1;
    for (let position = 0; position < ordered.length; position += 1) {
      const layer = (ordered[position] as { layer: RangeLayer }).layer;
      const status = layer.status[i] as number;
      if (status === CONFLICT) {
        cell = classOf(position, layer, CONFLICT, i);
        warned = -1;
        break;
      }
      if (status === WARNING && warned === -1) warned = position;
    }
    if (warned !== -1) cell = classOf(warned, (ordered[warned] as { layer: RangeLayer }).layer, WARNING, i);
    cells[i] = cell;
  }
  for (const port of candidates) {
    if (port >= range.start && port <= range.end) cells[port - range.start] = candidate;
  }
  for (let i = 0; i < size; i += 1) (classes[cells[i] as number] as CellClass).count += 1;
  return { range: { start: range.start, end: range.end }, cells, classes };
}
