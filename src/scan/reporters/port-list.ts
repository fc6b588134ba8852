/**
 * Reads ScanMeta.ports, the canonical nmap port list (`22,80,8000-8100`, or `-`
 * for every port), to count its ports for nmap XML `numservices`.
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';

const ITEM = /^([0-9]{1,5})(?:-([0-9]{1,5}))?$/;

/** Ranges of a canonical port list; throws InvalidArgumentError on anything else (never guesses). */
export function parsePortList(list: string): Array<{ first: number; last: number }> {
  if (list === '-') return [{ first: 1, last: 65535 }];
  const ranges: Array<{ first: number; last: number }> = [];
  let previousLast = 0;
  for (const item of list.split(',')) {
    const match = ITEM.exec(item);
    const first = match ? Number(match[1]) : NaN;
    const last = match ? Number(match[2] ?? match[1]) : NaN;
    if (!match || first < 1 || last > 65535 || last < first || first <= previousLast) {
      throw new InvalidArgumentError(
        `Expected the scan's port list in canonical form (ascending, non-overlapping, like \`22,80,8000-8100\`), got \`${list}\``,
      );
    }
    ranges.push({ first, last });
    previousLast = last;
  }
  return ranges;
}

export function countPorts(list: string): number {
  return parsePortList(list).reduce((sum, range) => sum + range.last - range.first + 1, 0);
}

/** The canonical list of ascending ports (as src/scan/ports.ts returns them): [22, 80, 81, 82] → `22,80-82`; all 65535 → `-`. */
export function formatPortList(ports: ArrayLike<number>): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ports.length) {
    const first = ports[i] as number;
    let last = first;
    while (i + 1 < ports.length && (ports[i + 1] as number) === last + 1) {
      i += 1;
      last = ports[i] as number;
    }
    if (i + 1 < ports.length && (ports[i + 1] as number) <= last) {
      throw new InvalidArgumentError(`Expected ports in ascending order without repeats, got ${ports[i + 1]} after ${last}`);
    }
    parts.push(first === last ? String(first) : `${first}-${last}`);
    i += 1;
  }
  if (parts.length === 1 && parts[0] === '1-65535') return '-';
  return parts.join(',');
}
