import type { Candidate } from '../pick/suggest.js';
import type { PortRange } from '../pick/types.js';
import type { SourceStatus } from '../registry/types.js';
import type { CellKind } from './classify.js';
import type { PortMap } from './port-map.js';
import { CONFLICT, WARNING } from './range-verdicts.js';

/**
 * The map as plain data for `--json`: each class with its colour and port
 * count, the ports as runs of one class, each source's tally, the candidates.
 * Per-port evidence is left to `portpick check PORT --json`.
 */

export interface PortMapJson {
  protocol: string;
  range: PortRange;
  classes: { id: string; kind: CellKind; source: string | null; label: string; colour: string; ports: number }[];
  /** Consecutive ports of one class, in port order (`class` is a class id). */
  runs: { start: number; end: number; class: string }[];
  layers: { source: string; available: boolean; conflicts: number; warnings: number }[];
  candidateRange: PortRange | null;
  candidates: Candidate[];
  sources: SourceStatus[];
  notes: string[];
}

/**
 * The map as plain data (what `portpick map --json` prints, without its
 * `schema` key): each class with its colour and port count, the ports as runs
 * of one class, each source's tally, the candidates.
 *
 * @param map A map from {@link mapPorts}.
 * @returns JSON-safe data.
 *
 * @example
 * ```ts
 * import { mapPorts, portMapJson } from 'portpick';
 *
 * const data = portMapJson(await mapPorts({ range: '8000-8999' }));
 * console.log(data.classes.map((c) => `${c.label}: ${c.ports}`));
 * ```
 */
export function portMapJson(map: PortMap): PortMapJson {
  const { classification } = map;
  const runs: PortMapJson['runs'] = [];
  let previous = -1;
  for (let i = 0; i < classification.cells.length; i += 1) {
    const cell = classification.cells[i] as number;
    const port = map.range.start + i;
    const last = runs[runs.length - 1];
    if (cell === previous && last !== undefined) last.end = port;
    else runs.push({ start: port, end: port, class: classification.classes[cell]?.id ?? String(cell) });
    previous = cell;
  }
  return {
    protocol: map.protocol,
    range: map.range,
    classes: classification.classes
      .filter((cls) => cls.count > 0)
      .sort((a, b) => a.order - b.order)
      .map((cls) => ({ id: cls.id, kind: cls.kind, source: cls.source, label: cls.style.label, colour: cls.style.colour, ports: cls.count })),
    runs,
    layers: map.layers.map((layer) => {
      let conflicts = 0;
      let warnings = 0;
      for (const status of layer.status) {
        if (status === CONFLICT) conflicts += 1;
        else if (status === WARNING) warnings += 1;
      }
      return { source: layer.source, available: layer.available, conflicts, warnings };
    }),
    candidateRange: map.candidateRange,
    candidates: map.candidates,
    sources: map.sources,
    notes: map.notes,
  };
}
