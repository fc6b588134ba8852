import { describe, expect, it } from 'vitest';
import { sampleMeta, sampleResults, sampleServiceName, sampleSummary } from '../../fixtures/reporters/sample-scan.js';
import { render } from './render.js';

const PORT_LINE = /^Host: (\S+) \(\)\tPorts: (\d+)\/(open|closed|filtered)\/tcp\/\/([^/]*)\/\/\/(\tTarpit: yes)?$/;

describe('grepable reporter (nmap -oG style)', () => {
  const out = render('grep', sampleMeta, sampleResults, sampleSummary, { serviceName: sampleServiceName });

  it('opens and closes with nmap-style comment lines', () => {
    expect(out.begin).toBe(`# portpick 0.1.0 scan initiated Tue Mar 05 10:20:30 2024 as: ${sampleMeta.args.join(' ')}\n`);
    expect(out.end).toBe('# portpick done at Tue Mar 05 10:20:31 2024 -- 512 IP addresses (5 hosts up) scanned in 1.23 seconds\n');
  });

  it('streams one line per result in nmap port-field syntax', () => {
    out.results.forEach((chunk, i) => {
      const r = sampleResults[i]!;
      expect(chunk.endsWith('\n')).toBe(true);
      const match = PORT_LINE.exec(chunk.slice(0, -1));
      expect(match, chunk).not.toBeNull();
      expect(match![1]).toBe(r.address);
      expect(Number(match![2])).toBe(r.port);
      expect(match![3]).toBe(r.state === 'unreachable' ? 'filtered' : r.state);
      expect(match![4]).toBe(sampleServiceName(r.port) ?? '');
      expect(match![5] !== undefined).toBe(r.tarpit === true);
    });
  });

  it('keeps separators out of service names and quotes odd arguments on one line', () => {
    const odd = render('grep', { ...sampleMeta, args: ['portpick', 'a b', 'new\nline'] }, sampleResults.slice(0, 1), sampleSummary, {
      serviceName: () => 'x/y,z\tw',
    });
    expect(odd.begin.split('\n').length).toBe(2);
    expect(odd.begin).toContain(`portpick 'a b' "new\\nline"`);
    expect(odd.results[0]).toContain('//x|y|z|w///');
  });

  it('puts the name given as a target in the parentheses after the address, as nmap does', () => {
    const named = render('grep', { ...sampleMeta, hostnames: { '198.18.0.2': ['web.lab.test', 'www.lab.test'] } }, sampleResults, sampleSummary);
    const lines = named.results.filter((line) => line !== '');
    expect(lines.filter((line) => line.startsWith('Host: 198.18.0.2 ')).every((line) => line.startsWith('Host: 198.18.0.2 (web.lab.test)\t'))).toBe(true);
    expect(lines.filter((line) => !line.startsWith('Host: 198.18.0.2 ')).every((line) => / \(\)\t/.test(line))).toBe(true);
  });
});
