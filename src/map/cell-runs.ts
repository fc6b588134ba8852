import type { Protocol } from '../registry/types.js';
import { priorityOf } from './cell-styles.js';
import type { CellClass, PortClassification } from './classify.js';
import { CONFLICT, STATUS_CODES, WARNING, type RangeLayer } from './range-verdicts.js';

/**
 * Runs of neighbouring ports that can be drawn as one element and described
 * by one hover text, and that text.
 *
 * Two neighbours in the same row join when they have the same class and every
 * source says the same about both for the same reason: equal status, and where
 * a source objects, a shared segment (a range or a registry gap, see
 * RangeLayer.segment) rather than an entry of the port's own. So a stretch of
 * free ports, or of the Dynamic range, is one run; each IANA-assigned port is
 * its own run with its own evidence. Candidates are always runs of one.
 * Pictures without hover texts join neighbours by class alone.
 */

export interface CellRun {
  start: number;
  end: number;
  /** Index into the classification's classes. */
  cell: number;
}

export interface EvidenceLine {
  source: string;
  status: 'conflict' | 'warning';
  /** The library's verdict summary (for a run: with the port number replaced by the run's span). */
  summary: string;
}

/**
 * The runs of `classification`, row by row: rows hold `perRow` ports and start
 * at multiples of `perRow` (so a row begins at a round port number).
 */
export function cellRuns(
  classification: PortClassification,
  layers: readonly RangeLayer[],
  perRow: number,
  options: { byClassOnly?: boolean } = {},
): CellRun[] {
  const { range, cells } = classification;
  const runs: CellRun[] = [];
  // Without hover texts (byClassOnly) only the colour matters: neighbours of one class always join.
  const sameText = options.byClassOnly === true ? () => true : (a: number, b: number) => sameEvidence(layers, a, b);
  const candidate = options.byClassOnly === true ? -1 : classification.classes.findIndex((cls) => cls.kind === 'candidate');
  let current: CellRun | undefined;
  for (let port = range.start; port <= range.end; port += 1) {
    const i = port - range.start;
    const cell = cells[i] as number;
    if (current !== undefined && current.cell === cell && port % perRow !== 0 && cell !== candidate && sameText(i - 1, i)) {
      current.end = port;
      continue;
    }
    current = { start: port, end: port, cell };
    runs.push(current);
  }
  return runs;
}

function sameEvidence(layers: readonly RangeLayer[], a: number, b: number): boolean {
  for (const layer of layers) {
    const status = layer.status[a] as number;
    if (status !== layer.status[b]) return false;
    if (status !== CONFLICT && status !== WARNING) continue;
    if (layer.kind !== undefined && layer.kind[a] !== layer.kind[b]) return false;
    if (layer.heat !== undefined && layer.heat[a] !== layer.heat[b]) return false;
    const segment = layer.segment?.[a] ?? 0;
    if (segment === 0 || segment !== layer.segment?.[b]) return false;
  }
  return true;
}

/** The objections (conflicts, then warnings; by source priority) to the ports of `run`, as the sources word them. */
export function runEvidence(layers: readonly RangeLayer[], rangeStart: number, run: { start: number; end: number }): EvidenceLine[] {
  return objections(layers, rangeStart, run).map(({ layer, status }) => ({ source: layer.source, status, summary: summaryFor(layer, run) }));
}

/** The layers that conflict or warn at the run's ports, conflicts first, each by source priority. */
function objections(layers: readonly RangeLayer[], rangeStart: number, run: { start: number }): { layer: RangeLayer; status: 'conflict' | 'warning' }[] {
  const i = run.start - rangeStart;
  const found: { layer: RangeLayer; status: 'conflict' | 'warning'; rank: number }[] = [];
  for (const layer of layers) {
    const status = layer.status[i] as number;
    if (status !== CONFLICT && status !== WARNING) continue;
    found.push({ layer, status: STATUS_CODES[status] as 'conflict' | 'warning', rank: (status === CONFLICT ? 0 : 1000) + priorityOf(layer.source) });
  }
  return found.sort((a, b) => a.rank - b.rank);
}

function summaryFor(layer: RangeLayer, run: { start: number; end: number }): string {
  const summary = layer.explain(run.start);
  return run.end === run.start ? summary : spanInstead(summary, run.start, run.end);
}

/** The hover text of a run: what it is, then one line per objection. */
export function runTitle(
  layers: readonly RangeLayer[],
  classification: PortClassification,
  run: CellRun,
  protocol: Protocol,
  candidateRank?: number,
): string {
  const cls = classification.classes[run.cell] as CellClass;
  const count = run.end - run.start + 1;
  const where = count === 1 ? `${run.start}/${protocol}` : `${run.start}-${run.end}/${protocol} (${count} ports)`;
  // A single port that some source objects to is named by the lines below (the colour and legend give its class).
  const head =
    candidateRank !== undefined
      ? `${where}: candidate ${candidateRank} of \`suggest\``
      : count === 1 && cls.kind === 'conflict'
        ? where
        : `${where}: ${cls.style.label}`;
  const found = objections(layers, classification.range.start, run);
  // Where some source conflicts, the warnings are named, not spelled out: the title stays short.
  const conflicts = found.filter((objection) => objection.status === 'conflict');
  const shown = conflicts.length > 0 ? conflicts : found;
  const lines = shown.map(({ layer }) => `${layer.source}: ${summaryFor(layer, run)}`);
  const warnedToo = conflicts.length > 0 ? found.filter((objection) => objection.status === 'warning').map(({ layer }) => layer.source) : [];
  if (warnedToo.length > 0) lines.push(`Also warns: ${warnedToo.join(', ')}.`);
  if (lines.length === 0) lines.push('No checked source objects.');
  return [head, ...lines].join('\n');
}

/** A port's summary rewritten for a run: the port number (not part of a range such as 49152-65535) becomes `start-end`. */
function spanInstead(summary: string, start: number, end: number): string {
  const number = String(start);
  const isPart = (char: string | undefined): boolean => char !== undefined && ((char >= '0' && char <= '9') || char === '-');
  let result = '';
  let from = 0;
  for (let at = summary.indexOf(number); at !== -1; at = summary.indexOf(number, at + number.length)) {
    if (isPart(summary[at - 1]) || isPart(summary[at + number.length])) continue;
    result += `${summary.slice(from, at)}${start}-${end}`;
    from = at + number.length;
  }
  return result + summary.slice(from);
}
