import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';
import { runCli } from './run-cli.js';

/** The shipped well-known defaults dataset (data/defaults) end to end: no --defaults flag. */
const iana = ['--iana', join(repoRoot, 'data', 'iana', 'service-names-port-numbers.csv')];

describe('the shipped well-known defaults', () => {
  it('check 5173 exits 1 naming Vite, with a citation', async () => {
    const run = await runCli(['check', '5173', '--json', '--no-bind-probe', ...iana]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.conflicts).toContain('defaults');
    const defaults = report.verdicts.find((verdict: { source: string }) => verdict.source === 'defaults');
    expect(defaults.summary).toBe("Vite's dev server defaults to 5173/tcp.");
    const vite = defaults.evidence.defaults.find((entry: { product: string }) => entry.product === 'Vite');
    expect(vite.citation.url).toMatch(/^https:\/\/\S*vite/i);
    expect(['documentation', 'source']).toContain(vite.citation.kind);
    expect(vite.citation.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    const text = await runCli(['check', '5173', '--no-bind-probe', ...iana]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("[FAIL] defaults       Vite's dev server defaults to 5173/tcp.");
    expect(text.stdout).toContain(vite.citation.url);
  });

  it('suggest never offers a port a well-known product defaults to', async () => {
    const run = await runCli(['suggest', '--range', '5170-5180', '--count', '11', '--json', '--no-bind-probe', ...iana]);
    const report = JSON.parse(run.stdout);
    expect(report.candidates.map((candidate: { port: number }) => candidate.port)).not.toContain(5173);
    expect(report.excluded.bySource.defaults).toBeGreaterThanOrEqual(1);
  });

  it('sources lists the dataset', async () => {
    const run = await runCli(['sources', '--json', ...iana]);
    const defaults = JSON.parse(run.stdout).sources.find((source: { id: string }) => source.id === 'defaults');
    expect(defaults.available).toBe(true);
    expect(defaults.entries).toBeGreaterThan(100);
  });
});
