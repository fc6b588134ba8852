import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvField } from '../../../src/scan/reporters/csv.js';
import { sampleMeta, sampleResults, sampleSummary } from '../../fixtures/reporters/sample-scan.js';
import { render } from './render.js';

/** A small RFC 4180 reader: records end in CRLF, quoted fields may hold commas, quotes (doubled), CR and LF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i += 1;
          break;
        } else field += text[i++];
      }
    } else if (text[i] === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (text[i] === '"' || text[i] === '\n' || text[i] === '\r') {
      throw new Error(`bare ${JSON.stringify(text[i])} in an unquoted field`);
    } else field += text[i++];
  }
  if (field !== '' || record.length > 0) throw new Error('last record does not end in CRLF');
  return records;
}

describe('CSV reporter', () => {
  it('writes a header row, then one CRLF-terminated row per result as it comes', () => {
    const out = render('csv', sampleMeta, sampleResults, sampleSummary);
    expect(parseCsv(out.begin)).toEqual([[...CSV_COLUMNS]]);
    out.results.forEach((chunk, i) => {
      const [row] = parseCsv(chunk);
      const r = sampleResults[i]!;
      expect(row).toEqual([
        r.address,
        String(r.family),
        String(r.port),
        'tcp',
        r.state,
        r.reason,
        r.rttMs === null ? '' : String(r.rttMs),
        String(r.tries),
        r.engine,
        r.tarpit ? 'true' : 'false',
        '',
      ]);
    });
    expect(out.end).toBe('');
    expect(parseCsv(out.text).length).toBe(sampleResults.length + 1);
  });

  it('names the hosts given by name in the last column', () => {
    const out = render('csv', { ...sampleMeta, hostnames: { '198.18.0.2': ['a.lab.test', 'b.lab.test'] } }, sampleResults, sampleSummary);
    const rows = parseCsv(out.text).slice(1);
    expect(rows.filter((row) => row[0] === '198.18.0.2').every((row) => row.at(-1) === 'a.lab.test;b.lab.test')).toBe(true);
    expect(rows.filter((row) => row[0] !== '198.18.0.2').every((row) => row.at(-1) === '')).toBe(true);
  });

  it('quotes fields per RFC 4180 and leaves plain ones bare', () => {
    expect(csvField('2001:db8::1')).toBe('2001:db8::1');
    for (const hostile of ['a,b', 'say "hi"', 'two\nlines', 'cr\r', '"']) {
      const quoted = csvField(hostile);
      expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
      expect(parseCsv(`${quoted}\r\n`)).toEqual([[hostile]]);
    }
  });
});
