import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { ReportedBatch } from '../../../src/scan/reported-batch.js';
import { createReporter, REPORT_FORMATS } from '../../../src/scan/reporters/index.js';
import { sampleMeta, sampleResults, sampleSummary } from '../../fixtures/reporters/sample-scan.js';

describe('createReporter', () => {
  it('creates every format and rejects an unknown one with the list of valid ones', () => {
    for (const format of REPORT_FORMATS) expect(createReporter(format).format).toBe(format);
    expect(() => createReporter('yaml')).toThrow(InvalidArgumentError);
    expect(() => createReporter('yaml')).toThrow('Expected a report format (table, jsonl, csv, xml, grep, ports), got `yaml`');
  });

  it('enforces begin → result* → end', () => {
    const reporter = createReporter('jsonl');
    expect(() => reporter.result(sampleResults[0]!)).toThrow(/result\(\) before begin\(\)/);
    reporter.begin(sampleMeta);
    expect(() => reporter.begin(sampleMeta)).toThrow(/begin\(\) after begin\(\)/);
    reporter.end(sampleSummary);
    expect(() => reporter.result(sampleResults[0]!)).toThrow(/result\(\) after end\(\)/);
    expect(() => reporter.end(sampleSummary)).toThrow(/end\(\) after end\(\)/);
  });

  it('openOnly drops non-open results before any format sees them', () => {
    for (const format of REPORT_FORMATS) {
      const reporter = createReporter(format, { openOnly: true });
      reporter.begin(sampleMeta);
      for (const r of sampleResults.filter((x) => x.state !== 'open')) expect(reporter.result(r)).toBe('');
    }
  });

  it('keeps the JSON lines byte path, with the same call order and openOnly filter as result()', () => {
    const decoder = new TextDecoder();
    for (const openOnly of [false, true]) {
      const reporter = createReporter('jsonl', { openOnly });
      expect(() => reporter.resultBytes?.(ReportedBatch.ofResults(sampleResults))).toThrow(/resultBytes\(\) before begin\(\)/);
      reporter.begin(sampleMeta);
      const bytes = reporter.resultBytes?.(ReportedBatch.ofResults(sampleResults));
      expect(decoder.decode(bytes)).toBe(sampleResults.map((r) => reporter.result(r)).join(''));
      expect(sampleResults.some((r) => r.state !== 'open')).toBe(true);
    }
    // Formats without a byte path do not pretend to have one.
    expect(createReporter('table').resultBytes).toBeUndefined();
  });
});
