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

  // Per ordered layer: a table from (status, sub-kind, heat level) to the class index (-1 until first met),
  // so the per-port work is array reads.
  const layersInOrder = ordered.map(({ layer }) => layer);
  const statuses = layersInOrder.map((layer) => layer.status);
  const heatStyles = layersInOrder.map((layer) => (layer.heat === undefined ? undefined : SOURCE_STYLES[layer.source]?.heat));
  const decided = layersInOrder.map(() => new Int32Array(2 * 256 * 16).fill(-1));
  const classOf = (position: number, status: number, i: number): number => {
    const layer = layersInOrder[position] as RangeLayer;
    const kindIndex = layer.kind === undefined ? 0 : (layer.kind[i] as number);
    const heatStyle = heatStyles[position];
    const strength = status === CONFLICT && heatStyle !== undefined ? (layer.heat?.[i] as number) : 0;
    const level = strength > 0 && heatStyle !== undefined ? heatLevel(heatStyle, strength) + 1 : 0;
    const table = decided[position] as Int32Array;
    const key = ((status === CONFLICT ? 1 : 0) * 256 + kindIndex) * 16 + level;
    let index = table[key] as number;
    if (index === -1) {
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
      table[key] = index;
    }
    return index;
  };

  const cells = new Uint16Array(size);
  const count = statuses.length;
  for (let i = 0; i < size; i += 1) {
    let cell = free;
    let warned = -1;
    for (let position = 0; position < count; position += 1) {
      const status = (statuses[position] as Uint8Array)[i] as number;
      if (status === CONFLICT) {
        cell = classOf(position, CONFLICT, i);
        warned = -1;
        break;
      }
      if (status === WARNING && warned === -1) warned = position;
    }
    if (warned !== -1) cell = classOf(warned, WARNING, i);
    cells[i] = cell;
  }
  for (const port of candidates) {
    if (port >= range.start && port <= range.end) cells[port - range.start] = candidate;
  }
  for (let i = 0; i < size; i += 1) (classes[cells[i] as number] as CellClass).count += 1;
  return { range: { start: range.start, end: range.end }, cells, classes };
}
