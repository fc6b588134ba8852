// `portpick bench`: its help, and the lab-less path (forced with --loopback-only),
// which sweeps 127.0.0.1 against listeners of its own and must find every one.
// The port range stays below the ephemeral range so the sweep never meets its own sockets.
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

interface BenchJson {
  mode: string;
  notRun: string[];
  labUnavailable: string;
  scenarios: Array<{
    expectedOpen: number;
    openPorts: number[];
    tools: Array<{ id: string; skipped?: string; summary?: { status: string; recall: number; precision: number; medianWallMs: number } }>;
  }>;
}

describe('portpick bench', () => {
  it('explains itself with --help', async () => {
    const result = await runCli(['bench', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--loopback-only');
    expect(result.stdout).toContain('--json');
    expect(result.stdout).toMatch(/never sends a packet outside/);
  });

  it('rejects a port range that is not LOW-HIGH', async () => {
    const result = await runCli(['bench', '--loopback-only', '--ports', '80,443']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Expected --ports as LOW-HIGH');
  });

  it('benchmarks a loopback connect sweep without a lab and prints the table', async () => {
    const result = await runCli(['bench', '--loopback-only', '--ports', '20000-21999'], { timeoutMs: 60_000 });
    expect(result.stderr).toContain('--loopback-only was given');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const header = lines.find((line) => line.trim().startsWith('tool'));
    expect(header?.trim().split(/\s{2,}/)).toEqual(['tool', 'status', 'wall s', 'probes/s', 'of ceiling', 'recall', 'precision', 'RSS MB', 'CPU s']);
    for (const name of ['portpick connect ', 'portpick connect-ts ']) {
      const row = lines.find((line) => line.trim().startsWith(name));
      expect(row, name).toBeDefined();
      const cells = row?.trim().split(/\s{2,}/) ?? [];
      expect(cells[1]).toBe('ok');
      expect(cells[5]).toBe('100%');
      expect(cells[6]).toBe('100%');
    }
    expect(result.stdout).toMatch(/not run \(--loopback-only was given\)/);
    expect(result.stdout).toContain('SYN mode');
  }, 70_000);

  it('prints the result as JSON with --json, with every listener found', async () => {
    const result = await runCli(['bench', '--loopback-only', '--ports', '22000-22999', '--json'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as BenchJson;
    expect(json.mode).toBe('loopback-only');
    expect(json.notRun.length).toBeGreaterThan(0);
    const scenario = json.scenarios[0];
    expect(scenario?.expectedOpen).toBe(scenario?.openPorts.length);
    expect(scenario?.openPorts.every((port) => port >= 22000 && port <= 22999)).toBe(true);
    for (const id of ['portpick-connect', 'portpick-ts']) {
      const tool = scenario?.tools.find((t) => t.id === id);
      expect(tool?.summary?.status, id).toBe('ok');
      expect(tool?.summary?.recall, id).toBe(1);
      expect(tool?.summary?.precision, id).toBe(1);
    }
  }, 70_000);
});
