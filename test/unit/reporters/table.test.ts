import { describe, expect, it } from 'vitest';
import { groupDigits, wrapText } from '../../../src/scan/reporters/table.js';
import { sampleMeta, sampleResults, sampleServiceName, sampleSummary } from '../../fixtures/reporters/sample-scan.js';
import { render } from './render.js';

describe('table reporter', () => {
  const out = render('table', sampleMeta, sampleResults, sampleSummary, { serviceName: sampleServiceName });
  const lines = out.text.trimEnd().split('\n');

  it('buffers until end()', () => {
    expect(out.begin).toBe('');
    expect(out.results.every((c) => c === '')).toBe(true);
  });

  it('groups open ports by host: IPv4 numerically, then IPv6; ports ascending with service names and RTT', () => {
    const hostLines = lines.filter((l) => /^\S/.test(l) && / open$/.test(l));
    expect(hostLines).toEqual(['198.18.0.2  2 open', '198.18.0.10  1 open', '2001:db8::1  2 open']);
    const at = lines.indexOf('198.18.0.2  2 open');
    expect(lines[at + 1]).toMatch(/^\s+22\/tcp\s+ssh\s+0\.101 ms$/);
    expect(lines[at + 2]).toMatch(/^\s+80\/tcp\s+http\s+0\.153 ms$/);
    // Closed, filtered and unreachable results are not listed.
    expect(out.text).not.toContain('81/tcp');
    expect(out.text).not.toContain('198.19.0.5');
    expect(out.text).not.toContain('203.0.113.7');
  });

  it('names a host given by name beside its address', () => {
    const out = render('table', { ...sampleMeta, hostnames: { '198.18.0.2': ['web.lab.test'] } }, sampleResults, sampleSummary);
    expect(out.text.startsWith('198.18.0.2 (web.lab.test)  2 open\n')).toBe(true);
    expect(out.text).toContain('\n198.18.0.10  1 open\n');
  });

  it('flags a tarpit host', () => {
    const at = lines.indexOf('2001:db8::1  2 open');
    expect(lines[at + 1]).toMatch(/tarpit/);
    expect(lines.filter((l) => /tarpit/.test(l)).length).toBe(1);
  });

  it('ends with a summary block holding every counter', () => {
    const summary = out.text.slice(out.text.indexOf('\nSummary\n'));
    const expected: Array<[string, string]> = [
      ['planned', '11'],
      ['sent', '13'],
      ['answered', '9'],
      ['retried', '2'],
      ['silent', '2'],
      ['send errors', '0'],
      ['receive drops', '0'],
      ['duration', '1.234 s'],
      ['rate', '9/s'],
      ['hosts up', '5'],
    ];
    for (const [label, value] of expected) {
      expect(summary).toMatch(new RegExp(`${label}\\s+${value.replace('.', '\\.')}(\\s|$)`));
    }
    expect(summary).toContain('engine        syn (auto: CAP_NET_RAW held)');
  });

  it('fits 80 columns, also with long IPv6 addresses, long notes and an interruption', () => {
    const longV6 = '2001:db8:1234:5678:9abc:def0:1234:5678';
    const results = [{ ...sampleResults[1]!, address: longV6, family: 6 as const, port: 65535, rttMs: 12345.678 }];
    const summary = {
      ...sampleSummary,
      planned: 1234567890,
      interrupted: true,
      notes: ['a very long note '.repeat(12).trim()],
    };
    const text = render('table', sampleMeta, results, summary, { serviceName: () => 'a-long-service-name' }).text;
    for (const line of text.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toContain('1,234,567,890');
    expect(text).toContain('interrupted');
  });

  it('says so when nothing is open', () => {
    const text = render('table', sampleMeta, sampleResults.filter((r) => r.state !== 'open'), sampleSummary).text;
    expect(text.startsWith('No open ports found.\n')).toBe(true);
  });

  it('groups digits without the locale and wraps words', () => {
    expect(groupDigits(1234567.5)).toBe('1,234,567.5');
    expect(groupDigits(999)).toBe('999');
    expect(wrapText('aa bb cc', 7, '  ')).toEqual(['  aa bb', '  cc']);
  });
});
