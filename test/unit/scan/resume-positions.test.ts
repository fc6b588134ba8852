import { describe, expect, it } from 'vitest';
import { combineSummaries, readResumeReport } from '../../../src/cli/print/resume-report.js';
import { RESUME_FORMAT, RESUME_VERSION, withoutPositions, type ResumeState } from '../../../src/scan/resume.js';
import { sampleSummary } from '../../fixtures/reporters/sample-scan.js';

const state = (startPosition: number, skipPositions: number[], completed: number): ResumeState => ({
  format: RESUME_FORMAT,
  version: RESUME_VERSION,
  fingerprint: 'a'.repeat(64),
  seed: '1',
  shard: { index: 0, count: 1 },
  startPosition,
  skipPositions,
  completed,
  shardTotal: 100,
});

/** The set of done positions a state describes (for a shard of 100). */
const done = (s: ResumeState): number[] => {
  const out: number[] = [];
  for (let p = 0; p < 100; p += 1) if (p < s.startPosition || s.skipPositions.includes(p)) out.push(p);
  return out;
};

describe('withoutPositions', () => {
  it('takes positions out of the done set, above and below the watermark, and nothing else', () => {
    const before = state(40, [42, 45, 50], 43);
    for (const removed of [[], [45], [39], [10, 45, 39], [0, 42, 45, 50], [60]]) {
      const after = withoutPositions(before, removed);
      expect(done(after), JSON.stringify(removed)).toEqual(done(before).filter((p) => !removed.includes(p)));
      expect(after.completed).toBe(done(after).length);
      expect(after.skipPositions).toEqual([...after.skipPositions].sort((a, b) => a - b));
    }
  });
});

describe('combineSummaries', () => {
  it('adds the runs: counters summed, the first plan and start, durations summed, the current run decides interrupted', () => {
    const first = { ...sampleSummary, planned: 11, completed: 4, open: 2, closed: 2, filtered: 0, unreachable: 0, sent: 5, durationMs: 1000, interrupted: true };
    const second = { ...sampleSummary, planned: 7, completed: 7, open: 3, closed: 1, filtered: 2, unreachable: 1, sent: 8, durationMs: 500, startedAt: '2030-01-01T00:00:00.000Z', interrupted: false };
    const whole = combineSummaries(first, second, 4);
    expect(whole).toMatchObject({ planned: 11, completed: 11, open: 5, closed: 3, filtered: 2, unreachable: 1, sent: 13, durationMs: 1500, startedAt: first.startedAt, interrupted: false, hostsUp: 4 });
    expect(whole.notes[0]).toMatch(/^resumed: 2 runs make up this sweep/);
    expect(combineSummaries(whole, second).notes[0]).toMatch(/^resumed: 3 runs .*hosts up summed/);
  });
});

describe('readResumeReport', () => {
  it('is null for a resume file without a report, and checks one that has it', () => {
    expect(readResumeReport(undefined, 'r.json')).toBeNull();
    const report = { summary: sampleSummary, outputs: [{ format: 'jsonl', path: 'r.jsonl', size: 10, contentEnd: 8 }], carry: { open: [], closed: [], closedKept: true } };
    expect(readResumeReport(JSON.parse(JSON.stringify(report)), 'r.json')).toEqual(report);
    expect(() => readResumeReport({ ...report, outputs: [{ format: 'pdf', path: 'x', size: 1, contentEnd: 0 }] }, 'r.json')).toThrow(/r\.json.*outputs\[\]/);
    expect(() => readResumeReport({ ...report, summary: { planned: 'x' } }, 'r.json')).toThrow(/summary/);
  });
});
