import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { fileOutput } from '../../src/cli/print/report-output.js';
import { ReportSet } from '../../src/cli/print/report-set.js';
import { ReportedBatch } from '../../src/scan/reported-batch.js';
import { sampleMeta, sampleResults, sampleSummary } from '../fixtures/reporters/sample-scan.js';

const work = mkdtempSync(join(tmpdir(), 'portpick-report-set-'));
const tick = () => new Promise((resolve) => setImmediate(resolve));
/** Many results: enough JSON lines to fill a small stream buffer. */
const bigBatch = (): ReportedBatch => ReportedBatch.ofResults(Array.from({ length: 40 }, () => sampleResults).flat());

describe('ReportSet', () => {
  it('waits for a stream to drain before the next batch (a slow reader holds the sweep back, not memory)', async () => {
    const stdout = new PassThrough({ highWaterMark: 1024 });
    const reports = ReportSet.open([{ format: 'jsonl', path: null, flag: '--json' }], stdout, {});
    reports.begin(sampleMeta, null);
    const wait = reports.write(bigBatch());
    expect(wait).not.toBeNull();
    let drained = false;
    void wait?.then(() => (drained = true));
    await tick();
    expect(drained).toBe(false); // nobody has read: still waiting
    while (stdout.read() !== null);
    await tick();
    expect(drained).toBe(true);
  });

  it('counts a batch delivered only once every streaming report has it; a file resumes after the last such batch', async () => {
    const stdout = new PassThrough({ highWaterMark: 64 });
    const file = join(work, 'both.jsonl');
    const reports = ReportSet.open(
      [
        { format: 'jsonl', path: null, flag: '--json' },
        { format: 'jsonl', path: file, flag: `-oJ ${file}` },
        { format: 'xml', path: join(work, 'both.xml'), flag: '-oX' },
      ],
      stdout,
      {},
    );
    reports.begin(sampleMeta, null);
    const afterHeader = readFileSync(file).length;
    const first = ReportedBatch.ofResults(sampleResults.slice(0, 5));
    void reports.write(first);
    await tick();
    // The stream holds what nobody read: the batch is in the file, but not delivered everywhere.
    expect(reports.undelivered()).toEqual([first]);
    while (stdout.read() !== null);
    await tick();
    expect(reports.undelivered()).toEqual([]);
    const second = ReportedBatch.ofResults(sampleResults.slice(5));
    void reports.write(second, { streams: false }); // standard output left out: undelivered for good
    expect(reports.undelivered()).toEqual([second]);
    const undone = reports.undeliveredProbes();
    expect(undone.positions).toEqual([0, 1, 2, 3, 4, 5]);
    expect(undone.states).toEqual({ open: 3, closed: 1, filtered: 1, unreachable: 1 });
    // The carry leaves out what will be probed again.
    expect(reports.carry()?.open.map((r) => `${r.address}:${r.port}`).sort()).toEqual(['198.18.0.10:443', '2001:db8::1:23']);
    reports.finish(sampleSummary, sampleSummary);
    const [record] = reports.outputRecords();
    const afterFirst = afterHeader + readFileSync(file, 'utf8').slice(afterHeader).split('\n').slice(0, 5).join('\n').length + 1;
    expect(record).toEqual({ format: 'jsonl', path: file, size: readFileSync(file).length, contentEnd: afterFirst });
  });

  it('a failed file gets no more, and from then on nothing counts as delivered', () => {
    const reports = ReportSet.open([{ format: 'jsonl', path: '/dev/full', flag: '-oJ /dev/full' }], new PassThrough(), {});
    reports.begin(sampleMeta, null);
    expect(reports.failure()?.message).toMatch(/Expected to write the report to \/dev\/full, got ENOSPC/);
    const batch = ReportedBatch.ofResults(sampleResults);
    void reports.write(batch);
    expect(reports.undelivered()).toEqual([batch]);
  });
});

describe('fileOutput', () => {
  it('empties a file with content only at start(), and writes a new file from its first byte', () => {
    const kept = join(work, 'kept.jsonl');
    writeFileSync(kept, 'a previous report\n');
    const refused = fileOutput(kept);
    refused.abandon(); // a sweep refused before start(): the old report stays
    expect(readFileSync(kept, 'utf8')).toBe('a previous report\n');

    const replaced = fileOutput(kept);
    replaced.start();
    replaced.write('new\n');
    replaced.close();
    expect(readFileSync(kept, 'utf8')).toBe('new\n');

    const fresh = join(work, 'fresh.jsonl');
    const created = fileOutput(fresh);
    created.start();
    created.write('first\n');
    created.close();
    expect(readFileSync(fresh, 'utf8')).toBe('first\n');
  });
});
