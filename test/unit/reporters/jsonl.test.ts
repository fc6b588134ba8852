import { describe, expect, it } from 'vitest';
import { JSONL_SCHEMA } from '../../../src/scan/reporters/index.js';
import { readJsonLines } from '../../../src/scan/jsonl-reader.js';
import { resultLine } from '../../../src/scan/reporters/jsonl.js';
import { sampleMeta, sampleResults, sampleSummary } from '../../fixtures/reporters/sample-scan.js';
import { render } from './render.js';

describe('JSON lines reporter', () => {
  it('streams one JSON object per line: header, each result as it comes, summary', () => {
    const out = render('jsonl', sampleMeta, sampleResults, sampleSummary);
    const header = JSON.parse(out.begin);
    expect(header).toMatchObject({ type: 'header', schema: JSONL_SCHEMA, resultFilter: 'all', seed: '42', shard: { index: 0, count: 1 } });
    expect(header.args).toEqual(sampleMeta.args);
    out.results.forEach((chunk, i) => {
      expect(chunk.endsWith('\n')).toBe(true);
      expect(chunk.slice(0, -1)).not.toContain('\n');
      const line = JSON.parse(chunk);
      expect(line.type).toBe('result');
      expect(line.schema).toBe(JSONL_SCHEMA);
      const { type: _type, schema: _schema, ...result } = line;
      expect(result).toEqual(sampleResults[i]);
    });
    expect(JSON.parse(out.end)).toEqual({ type: 'summary', schema: JSONL_SCHEMA, ...sampleSummary });
  });

  it('writes the fields in a fixed order, escapes text, and never writes NaN', () => {
    const odd = { ...sampleResults[0]!, rttMs: Number.NaN, tarpit: false };
    const escaped = { ...sampleResults[0]!, address: 'a"b\\c\n', reason: 'odd reason' } as unknown as (typeof sampleResults)[number];
    expect(resultLine(odd)).toBe(
      `{"type":"result","schema":"${JSONL_SCHEMA}","address":"${odd.address}","family":${odd.family},"port":${odd.port},"protocol":"tcp",` +
        `"state":"${odd.state}","reason":"${odd.reason}","rttMs":null,"tries":${odd.tries},"engine":"${odd.engine}","tarpit":false}\n`,
    );
    expect(JSON.parse(resultLine(escaped)).address).toBe('a"b\\c\n');
    expect(resultLine(escaped).slice(0, -1)).not.toContain('\n');
  });

  it('writes tarpit only when the result carries it', () => {
    const out = render('jsonl', sampleMeta, sampleResults, sampleSummary);
    const withFlag = out.results.filter((chunk) => chunk.includes('"tarpit"'));
    expect(withFlag.length).toBe(sampleResults.filter((r) => r.tarpit !== undefined).length);
  });

  it('round-trips through the reader that merge uses', async () => {
    const out = render('jsonl', sampleMeta, sampleResults, sampleSummary);
    const document = await readJsonLines({ name: 'sample.jsonl', content: out.text });
    expect(document.meta).toEqual(sampleMeta);
    expect(document.results).toEqual(sampleResults);
    expect(document.summary).toEqual(sampleSummary);
  });

  it('with openOnly keeps only open results and says so in the header', () => {
    const out = render('jsonl', sampleMeta, sampleResults, sampleSummary, { openOnly: true });
    expect(JSON.parse(out.begin).resultFilter).toBe('open');
    const written = out.results.filter((c) => c !== '').map((c) => JSON.parse(c));
    expect(written.length).toBe(sampleResults.filter((r) => r.state === 'open').length);
    expect(written.every((r) => r.state === 'open')).toBe(true);
  });

  it('escapes hostile strings so that every line stays one JSON line', () => {
    const meta = { ...sampleMeta, args: ['portpick', 'scan', 'a\nb', '"quoted"', '\u2028'] };
    const out = render('jsonl', meta, [], sampleSummary);
    expect(out.begin.split('\n').length).toBe(2);
    expect(JSON.parse(out.begin).args).toEqual(meta.args);
  });
});
