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
