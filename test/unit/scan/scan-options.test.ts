import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileAccessError } from '../../../src/errors/file-access-error.js';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { PortSpecError } from '../../../src/errors/port-spec-error.js';
import { SourceUnavailableError } from '../../../src/errors/source-unavailable-error.js';
import { TargetParseError } from '../../../src/errors/target-parse-error.js';
import type { EngineProbe } from '../../../src/scan/engine-choice.js';
import { readResumeFile, writeResumeFile, type ResumeState } from '../../../src/scan/resume.js';
import { formatShard, parseSeed, parseShard, validateScanOptions } from '../../../src/scan/scan-options.js';
import { startSweep } from '../../../src/scan/scan.js';

const noAddon: EngineProbe = { loadAddon: () => null, unavailableReason: () => 'not built (test)' };

describe('option validation', () => {
  it('parses shards: i/n 1-based as masscan, {index, count} 0-based as zmap', () => {
    expect(parseShard('1/1')).toEqual({ index: 0, count: 1 });
    expect(parseShard('4/4')).toEqual({ index: 3, count: 4 });
    expect(parseShard({ index: 1, count: 2 })).toEqual({ index: 1, count: 2 });
    expect(parseShard({ index: 0, count: 2 })).toEqual({ index: 0, count: 2 });
    for (const bad of ['0/4', '5/4', '1/0', '-1/2', 'a/b', '1', '', { index: 2, count: 2 }, { index: -1, count: 2 }]) {
      expect(() => parseShard(bad), JSON.stringify(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => parseShard('0/4')).toThrow(/1 ≤ i ≤ n \(1-based, as masscan.*got `0\/4`/);
    expect(() => parseShard({ index: 2, count: 2 })).toThrow(/0 ≤ index < count \(0-based\)/);
    expect(formatShard({ index: 0, count: 8 })).toBe('1/8');
  });

  it('parses seeds without coercion', () => {
    expect(parseSeed(5)).toBe(5n);
    expect(parseSeed('18446744073709551615')).toBe(2n ** 64n - 1n);
    expect(parseSeed(7n)).toBe(7n);
    for (const bad of [-1, 1.5, '18446744073709551616', '0x10', -1n, 'seed']) {
      expect(() => parseSeed(bad), String(bad)).toThrow(InvalidArgumentError);
    }
  });

  it('rejects bad options with messages that say what came', () => {
    const base = { targets: ['198.18.0.1'], ports: '80' };
    expect(() => validateScanOptions({ ports: '80' })).toThrow(/at least one target/);
    expect(() => validateScanOptions({ targets: ['198.18.0.1'] })).toThrow(/`ports`.*or `topPorts`, got neither/);
    expect(() => validateScanOptions({ ...base, topPorts: 10 })).toThrow(/got both/);
    expect(() => validateScanOptions({ ...base, timeoutMs: 0 })).toThrow('Expected `timeoutMs` to be an integer from 1 to 600000, got `0` (number)');
    expect(() => validateScanOptions({ ...base, retries: 11 })).toThrow(/retries/);
    expect(() => validateScanOptions({ ...base, rate: Number.NaN })).toThrow(/rate/);
    expect(() => validateScanOptions({ ...base, mode: 'udp' as never })).toThrow(/`mode`.*got `udp`/);
    expect(() => validateScanOptions({ ...base, targets: [1] as never })).toThrow(/list of strings/);
    expect(validateScanOptions(base)).toMatchObject({ mode: 'auto', timeoutMs: 1000, retries: 1, shard: { index: 0, count: 1 }, seedGiven: false });
  });

  it('scan() throws port and top-port errors synchronously', () => {
    expect(() => startSweep({ targets: '198.18.0.1', ports: '0' }, { engineProbe: noAddon })).toThrow(PortSpecError);
    expect(() => startSweep({ targets: '198.18.0.1', topPorts: 100 }, { engineProbe: noAddon })).toThrow(SourceUnavailableError);
  });

  it('scan() rejects plan and summary (and ends the iterator) on a bad target', async () => {
    const handle = startSweep({ targets: ['198.18.0.0/33'], ports: '80' }, { engineProbe: noAddon });
    await expect(handle.plan).rejects.toBeInstanceOf(TargetParseError);
    await expect(handle.summary).rejects.toBeInstanceOf(TargetParseError);
    await expect((async () => { for await (const _ of handle) void _; })()).rejects.toBeInstanceOf(TargetParseError);
  });

  it('dry run: counts probes and estimates the duration, sends nothing', async () => {
    const handle = startSweep({ targets: ['198.18.0.0/24', '2001:db8::/120'], ports: '22,80,443', dryRun: true, rate: 1000, seed: 99 }, { engineProbe: noAddon });
    const plan = await handle.plan;
    expect(plan).toMatchObject({ planned: 512 * 3, addressCount: 512, ipv4Addresses: 256, ipv6Addresses: 256, portCount: 3, estimatedDurationMs: 1536, seed: '99', engine: 'connect-ts' });
    expect([...plan.ports]).toEqual([22, 80, 443]);
    const summary = await handle.summary;
    expect(summary).toMatchObject({ planned: 1536, sent: 0, completed: 0, interrupted: false, seed: '99' });
    expect(summary.notes).toContain('dry run: nothing was sent');
    const results = [];
    for await (const result of handle) results.push(result);
    expect(results).toEqual([]);
  });
});

describe('resume files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'portpick-resume-'));
  const state: ResumeState = {
    format: 'portpick-resume',
    version: 1,
    fingerprint: 'a'.repeat(64),
    seed: '12345678901234567890',
    shard: { index: 1, count: 3 },
    startPosition: 10,
    skipPositions: [12, 15],
    completed: 12,
    shardTotal: 40,
  };

  it('round-trips', async () => {
    const path = join(dir, 'state.json');
    await writeResumeFile(path, state);
    expect(await readResumeFile(path)).toEqual(state);
  });

  it('reports unreadable, non-JSON and malformed files clearly', async () => {
    await expect(readResumeFile(join(dir, 'missing.json'))).rejects.toBeInstanceOf(FileAccessError);
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{');
    await expect(readResumeFile(notJson)).rejects.toThrow(/to hold JSON/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...state, startPosition: -1 }));
    await expect(readResumeFile(wrong)).rejects.toThrow(/\.startPosition to be a non-negative integer, got `-1`/);
    await expect(writeResumeFile(join(dir, 'no', 'such', 'dir.json'), state)).rejects.toBeInstanceOf(FileAccessError);
  });

  it('refuses to resume another plan', async () => {
    const first = startSweep({ targets: ['198.18.0.0/30'], ports: '80', seed: 1, dryRun: true }, { engineProbe: noAddon });
    await first.summary;
    const resume = first.resumeState() as ResumeState;
    expect(resume.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const other = startSweep({ targets: ['198.18.0.0/29'], ports: '80', resume, dryRun: true }, { engineProbe: noAddon });
    await expect(other.summary).rejects.toThrow(/resume state to belong to this sweep/);
    expect(() => startSweep({ targets: ['198.18.0.0/30'], ports: '80', resume, seed: 2 }, { engineProbe: noAddon })).toThrow(/match the resume state's seed 1/);
    const same = startSweep({ targets: ['198.18.0.0/30'], ports: '80', resume, dryRun: true }, { engineProbe: noAddon });
    expect((await same.summary).seed).toBe('1');
  });
});
