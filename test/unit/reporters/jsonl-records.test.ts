import { describe, expect, it } from 'vitest';
import { NativePortState, RECORD_FLAG_TARPIT } from '../../../src/native.js';
import { NativeRecordBatch } from '../../../src/scan/decode.js';
import { ReportedBatch } from '../../../src/scan/reported-batch.js';
import { createJsonLinesReporter, resultLine } from '../../../src/scan/reporters/jsonl.js';
import type { Reporter } from '../../../src/scan/reporters/reporter.js';
import { sampleResults } from '../../fixtures/reporters/sample-scan.js';
import { packRecords, type RecordFields } from '../../helpers/native-records.js';

/** A small deterministic generator (xorshift32), so a failure repeats. */
function generator(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

const STATES = Object.values(NativePortState);
const EDGE_RTTS = [0, 1, 9, 10, 99, 100, 101, 110, 999, 1000, 1001, 1010, 1100, 12_345, 999_999, 1_000_000, 0xfffffffe, 0xffffffff];
const EDGE_IPV6 = [
  new Array(16).fill(0), // ::
  [...new Array(15).fill(0), 1], // ::1
  [...new Array(10).fill(0), 0xff, 0xff, 198, 18, 0, 1], // IPv4-mapped
  [0x20, 0x01, 0x0d, 0xb8, ...new Array(12).fill(0)], // 2001:db8::
  new Array(16).fill(0xff),
  [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], // a zero run that is not the longest
];

function randomFields(next: () => number, count: number): RecordFields[] {
  return Array.from({ length: count }, (_, i) => {
    const family: 4 | 6 = next() % 4 === 0 ? 6 : 4;
    const address =
      family === 4
        ? [next() & 255, next() & 255, next() & 255, next() & 255, ...new Array(12).fill(0)]
        : i % 7 === 0
          ? (EDGE_IPV6[i % EDGE_IPV6.length] as number[])
          : Array.from({ length: 16 }, () => (next() % 3 === 0 ? 0 : next() & 255));
    return {
      family,
      state: STATES[next() % STATES.length] as number,
      reason: next() % 13, // 0, 11 and 12 have no name: 'unknown'
      tries: next() & 255,
      port: i % 11 === 0 ? [1, 65535, 10, 9][i % 4]! : next() & 0xffff,
      flags: next() % 5 === 0 ? RECORD_FLAG_TARPIT : 0,
      rttMicros: i % 3 === 0 ? (EDGE_RTTS[i % EDGE_RTTS.length] as number) : next() % (i % 2 ? 5_000 : 0xffffffff),
      address,
      position: i,
    };
  });
}

const decoder = new TextDecoder();

describe('JSON lines written straight from native records', () => {
  const resultBytes = createJsonLinesReporter().resultBytes as NonNullable<Reporter['resultBytes']>;

  for (const engine of ['syn', 'connect'] as const) {
    it(`is byte for byte JSON.stringify of each result (${engine}, random and edge records)`, () => {
      const next = generator(engine === 'syn' ? 12345 : 777);
      const fields = randomFields(next, 4000);
      const records = new NativeRecordBatch(packRecords(fields), engine);
      // Every record, then a sparse selection (an open-only sweep reports a few).
      const all = Uint32Array.from(fields.keys());
      const some = all.filter((i) => i % 5 === 2);
      for (const indexes of [all, some]) {
        const expected = Array.from(indexes, (i) => resultLine(records.result(i))).join('');
        expect(decoder.decode(resultBytes(new ReportedBatch(records, indexes)))).toBe(expected);
      }
    });
  }

  it('reuses its buffer: a smaller batch after a larger one gets only its own lines', () => {
    const next = generator(99);
    const large = new NativeRecordBatch(packRecords(randomFields(next, 300)), 'syn');
    const small = new NativeRecordBatch(packRecords(randomFields(next, 2)), 'connect');
    resultBytes(new ReportedBatch(large, Uint32Array.from({ length: 300 }, (_, i) => i)));
    expect(decoder.decode(resultBytes(new ReportedBatch(small, Uint32Array.of(1))))).toBe(resultLine(small.result(1)));
  });

  it('writes result objects (the TypeScript engine) as result() does', () => {
    expect(decoder.decode(resultBytes(ReportedBatch.ofResults(sampleResults)))).toBe(sampleResults.map(resultLine).join(''));
  });

  it('writes nothing for a batch that reports nothing', () => {
    const records = new NativeRecordBatch(packRecords(randomFields(generator(5), 3)), 'syn');
    expect(resultBytes(new ReportedBatch(records, new Uint32Array(0))).length).toBe(0);
  });
});
