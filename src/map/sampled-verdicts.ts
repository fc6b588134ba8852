import type { PortRange } from '../pick/types.js';
import type { VerdictStatus } from '../pick/verdict.js';
import type { RangeLayer } from './range-verdicts.js';

/**
 * Layers for verdict sources that have no fast pass of their own, built by
 * asking the library's per-port judgement (`checkPort`) at few ports rather
 * than 65,536. A source's verdict is taken to change only:
 *   - at ports some loaded data names one by one (`pointPorts`: the entries of
 *     an index), each judged by itself; and
 *   - at the edges of stretches (`breakpoints`: where a range some loaded data
 *     holds begins or ends), and at edges no data names (a range written in
 *     the code, such as Kubernetes' NodePorts), which a probe every `step`
 *     ports finds and bisection places exactly.
 * Between those, the verdict of the stretch's first port holds for every port
 * of it, with the same summary but for the port number. A stretch that no
 * loaded data names and that lies between two probes (narrower than `step`
 * ports) is not seen.
 */

/** One source's verdict on a port, as checkPort reports it. */
export interface JudgedVerdict {
  source: string;
  status: VerdictStatus;
  summary: string;
}

/** Every source's verdict on one port (checkPort's `verdicts`); [] where no verdict can be given (port 0). */
export type Judge = (port: number) => readonly JudgedVerdict[];

export interface SampledLayerInput {
  range: PortRange;
  /** The verdict sources to build layers for. */
  sources: readonly string[];
  judge: Judge;
  pointPorts: Iterable<number>;
  breakpoints: Iterable<number>;
  /** Ports between probes where no data names an edge (default 256). */
  step?: number;
}

const CODES: Record<VerdictStatus, number> = { ok: 0, warning: 1, conflict: 2, 'not-checked': 3 };
const NOT_CHECKED = 3;

export function sampledLayers(input: SampledLayerInput): RangeLayer[] {
  const { range, sources, judge } = input;
  const step = input.step ?? 256;
  const size = range.end - range.start + 1;
  const inRange = (port: number): boolean => port >= range.start && port <= range.end;
  const points = new Set([...input.pointPorts].filter(inRange));

  const judged = new Map<number, readonly JudgedVerdict[]>();
  const verdictsAt = (port: number): readonly JudgedVerdict[] => {
    let verdicts = judged.get(port);
    if (verdicts === undefined) {
      verdicts = judge(port);
      judged.set(port, verdicts);
    }
    return verdicts;
  };
  const statusAt = (source: string, port: number): number => {
    const verdict = verdictsAt(port).find((candidate) => candidate.source === source);
    return verdict === undefined ? NOT_CHECKED : CODES[verdict.status];
  };

  // Stretch starts: the range's first port, the edges the data names, a probe every `step` ports.
  const declared = new Set([...input.breakpoints].filter(inRange));
  const starts = new Set<number>([range.start, ...declared]);
  for (let port = Math.ceil(range.start / step) * step; port <= range.end; port += step) starts.add(port);
  const ordered = [...starts].sort((a, b) => a - b);

  const layers = sources.map((source) => ({ source, status: new Uint8Array(size), segment: new Uint32Array(size), last: { status: -1, segment: 0 } }));
  let nextSegment = 1;
  let previous: { sample: number; statuses: number[] } | undefined;
  ordered.forEach((start, index) => {
    const end = (ordered[index + 1] ?? range.end + 1) - 1;
    // The stretch's verdict is read at its first port that no data names by itself.
    let sample = start;
    while (sample <= end && points.has(sample)) sample += 1;
    if (sample > end) return;
    const statuses = sources.map((source) => statusAt(source, sample));
    layers.forEach((layer, which) => {
      const status = statuses[which] as number;
      // A probe that finds what the previous one found continues its stretch; a declared edge starts a new one.
      const segment = !declared.has(start) && layer.last.status === status ? layer.last.segment : nextSegment++;
      // An edge nobody declared lies between the previous probe and this one: find it.
      if (previous !== undefined && !declared.has(start) && previous.statuses[which] !== status) {
        const from = firstPortWith(layer.source, status, previous.sample, sample, points, statusAt);
        layer.status.fill(status, from - range.start, start - range.start);
        layer.segment.fill(segment, from - range.start, start - range.start);
      }
      layer.status.fill(status, start - range.start, end - range.start + 1);
      layer.segment.fill(segment, start - range.start, end - range.start + 1);
      layer.last = { status, segment };
    });
    previous = { sample, statuses };
  });

  // Ports the data names one by one: their own verdicts, and (where a source objects) their own words.
  for (const port of points) {
    layers.forEach((layer) => {
      const status = statusAt(layer.source, port);
      const i = port - range.start;
      layer.status[i] = status;
      if (status === CODES.conflict || status === CODES.warning) layer.segment[i] = 0;
    });
  }

  return layers.map(({ source, status, segment }) => ({
    source,
    available: status.some((code) => code !== NOT_CHECKED),
    status,
    segment,
    explain: (port: number) => verdictsAt(port).find((candidate) => candidate.source === source)?.summary ?? `${source} gave no verdict on port ${port}.`,
  }));
}

/** The first port after `low` (whose status differs) up to `high` (which has `status`) with `status`, skipping named ports. */
function firstPortWith(
  source: string,
  status: number,
  low: number,
  high: number,
  points: ReadonlySet<number>,
  statusAt: (source: string, port: number) => number,
): number {
  const between: number[] = [];
  for (let port = low + 1; port < high; port += 1) if (!points.has(port)) between.push(port);
  // Invariant: between[lo - 1] (or `low`) lacks the status, between[hi] (or `high`) has it.
  let lo = 0;
  let hi = between.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (statusAt(source, between[mid] as number) === status) hi = mid;
    else lo = mid + 1;
  }
  return lo < between.length ? (between[lo] as number) : high;
}
