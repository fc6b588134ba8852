import { describe, expect, it } from 'vitest';
import { createReporter } from '../../../src/scan/reporters/index.js';
import { sampleMeta, sampleResults, sampleSummary } from '../../fixtures/reporters/sample-scan.js';
import { render } from './render.js';

describe('ports reporter (--format ports)', () => {
  it('writes one line per host with open ports: address, then the ports ascending, comma-separated', () => {
    const out = render('ports', sampleMeta, sampleResults, sampleSummary);
    expect(out.begin).toBe('');
    expect(out.results.every((chunk) => chunk === '')).toBe(true);
    // From the sample: open 198.18.0.2:22,80 · 198.18.0.10:443 · 2001:db8::1:22,23; hosts in address order.
    expect(out.end).toBe('198.18.0.2 22,80\n198.18.0.10 443\n2001:db8::1 22,23\n');
  });

  it('writes nothing for a sweep without open ports', () => {
    expect(render('ports', sampleMeta, sampleResults.filter((r) => r.state !== 'open'), sampleSummary).text).toBe('');
  });

  it('carries what it gathered to a resumed run', () => {
    const first = createReporter('ports');
    first.begin(sampleMeta);
    for (const result of sampleResults.slice(0, 6)) first.result(result);
    const second = createReporter('ports');
    second.begin(sampleMeta);
    second.restore?.(JSON.parse(JSON.stringify(first.carry?.())));
    for (const result of sampleResults.slice(6)) second.result(result);
    expect(second.end(sampleSummary)).toBe(render('ports', sampleMeta, sampleResults, sampleSummary).end);
  });
});
