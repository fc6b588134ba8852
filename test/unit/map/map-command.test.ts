import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PortMapJson } from '../../../src/map/map-json.js';
import { required } from '../../helpers/required.js';
import { runCli, smallSources } from '../../cli/run-cli.js';

// `portpick map` as a user runs it: the built command, the small registry fixtures, no listeners (this machine's differ).
const sources = [...smallSources, '--no-listeners'];
const ESCAPE = /\u001b\[/;
const hasXmllint = required(spawnSync('xmllint', ['--version']).status === 0, 'xmllint', 'apt-get install libxml2-utils');
const dir = mkdtempSync(join(tmpdir(), 'portpick-map-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portpick map', () => {
  it('draws the range for a terminal, in glyphs when stdout is not one, with a legend', async () => {
    const run = await runCli(['map', '--range', '7000-7999', '--columns', '80', ...sources], { env: { NO_COLOR: '', FORCE_COLOR: '' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(ESCAPE);
    expect(run.stdout).toContain('Port map of 7000-7999/tcp (1000 ports): a character is 2 ports, a line 128.');
    expect(run.stdout).toMatch(/^ 7296 /m);
    expect(run.stdout).toContain('R reserved by the organisation: 1'); // 7404 in reservations.json
    expect(run.stdout).toContain('Legend (ports):');
  });

  it('colours only when asked on a pipe (FORCE_COLOR), and NO_COLOR wins', async () => {
    const forced = await runCli(['map', '--range', '7400-7420', ...sources], { env: { FORCE_COLOR: '1', NO_COLOR: '' } });
    expect(forced.stdout).toMatch(ESCAPE);
    expect(forced.stdout).toMatch(/[\u2580\u2584]/);
    const both = await runCli(['map', '--range', '7400-7420', ...sources], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(both.stdout).not.toMatch(ESCAPE);
  });

  it('prints JSON: classes with counts, runs covering the range, the candidates', async () => {
    const run = await runCli(['map', '--range', '7400-7420', '--count', '2', '--json', ...sources]);
    expect(run.code).toBe(0);
    const json = JSON.parse(run.stdout) as PortMapJson;
    expect(json.range).toEqual({ start: 7400, end: 7420 });
    expect(json.classes.reduce((sum, cls) => sum + cls.ports, 0)).toBe(21);
    expect(json.runs[0]?.start).toBe(7400);
    expect(json.runs[json.runs.length - 1]?.end).toBe(7420);
    for (let i = 1; i < json.runs.length; i += 1) expect(json.runs[i]?.start).toBe((json.runs[i - 1]?.end as number) + 1);
    expect(json.candidates).toHaveLength(2);
    const at = (port: number) => json.runs.find((run) => run.start <= port && port <= run.end)?.class;
    expect(at(7410)).toBe('iana/conflict/assigned');
    expect(at(7411)).toBe('iana/conflict/reserved');
    expect(at(7404)).toBe('reservations/conflict');
    expect(at(json.candidates[0]?.port as number)).toBe('candidate');
    expect(json.layers.find((layer) => layer.source === 'listeners')).toMatchObject({ available: false });
  });

  it.skipIf(!hasXmllint)('writes an SVG file, its format taken from -o', async () => {
    const file = join(dir, 'map.svg');
    const run = await runCli(['map', '--range', '7000-7999', '-o', file, ...sources]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    execFileSync('xmllint', ['--noout', file]);
    expect(readFileSync(file, 'utf8')).toContain('<title>7410/tcp\niana: IANA assigned 7410/tcp to example-svc (Example service).</title>');
  });

  it('writes an HTML page with --format html', async () => {
    const file = join(dir, 'page');
    const run = await runCli(['map', '--range', '7000-7999', '--format', 'html', '-o', file, ...sources]);
    expect(run.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<!DOCTYPE html>/);
  });

  it('refuses bad input with exit 2 and a message saying what was expected', async () => {
    const cases: [string[], RegExp][] = [
      [['--format', 'png'], /Expected --format to be one of term, svg, html, got `png`/],
      [['--range', '9000-8000'], /Expected START ≤ END, got `9000`-`8000`/],
      [['--range', '70000'], /Expected a port from 0 to 65535, got `70000`/],
      [['--count', 'many'], /Expected --count to be a whole number from 0 to 1000, got `many`/],
      [['--columns', '5'], /Expected --columns to be a whole number from 24 to 1000, got `5`/],
      [['--proto', 'icmp'], /Expected a protocol \(tcp, udp, sctp, dccp\), got `icmp`/],
      [['--no-titles'], /Expected --no-titles only with --format svg/],
      [['-o', join(dir, 'missing', 'map.svg')], /Expected a writable output file at .*missing\/map\.svg, got ENOENT/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['map', '--range', '7400-7401', ...args, ...sources]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
