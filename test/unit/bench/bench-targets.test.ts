// The bench's verdicts on the scanner issues' targets (bench/targets.mjs, bench/memory.mjs), from synthetic results.
import { describe, expect, it } from 'vitest';
import { evaluateTargets, memoryVerdict, MEMORY_RATIO_TARGET, nmapScenarioArgs } from '../../../bench/parsers.mjs';

function tool(id: string, medianWallMs: number, recall = 1, extra: Record<string, unknown> = {}) {
  return { id, name: id, summary: { status: 'ok', medianWallMs, recall, precision: 1, probesPerSecond: null, fractionOfCeiling: null, ...extra } };
}

function results(overrides: { loopbackConnectMs?: number; lossRecall?: number } = {}) {
  return {
    mode: 'full',
    calibration: { available: true, ceilingPerSecond: { veth: 100_000, loopback: 100_000 } },
    scenarios: [
      { name: 'loopback-all', tools: [tool('portpick-connect', overrides.loopbackConnectMs ?? 1000), tool('nmap-sT', 3500), tool('nmap-sT-T5', 2000, 0.9), tool('portpick-syn', 500), tool('nmap-sS', 900)] },
      { name: 'anyip', tools: [tool('portpick-connect', 30_000), tool('nmap-sT', 90_000), tool('portpick-syn', 7000, 1, { probesPerSecond: 93_000, fractionOfCeiling: 0.93 }), tool('masscan', 30_000, 0.6)] },
      { name: 'loss', tools: [tool('portpick-syn', 10_000, overrides.lossRecall ?? 1)] },
      { name: 'rate-limit', tools: [tool('portpick-syn', 50_000, 1, { finalRate: 11_301 })] },
    ],
    memory: { rows: [{ id: 'portpick-connect', small: { peakRssKb: 60_000 }, large: { peakRssKb: 66_000, completed: 400_000 }, ratio: 1.1, met: true }] },
  };
}

describe('bench target verdicts', () => {
  it('judges speed-ups against each peer and says met or not met with the numbers', () => {
    const verdicts = evaluateTargets(results());
    const loopbackConnect = verdicts.find((v) => v.target.includes('nmap -sT -T4') && v.target.includes('127.0.0.1'));
    expect(loopbackConnect?.met).toBe(true);
    expect(loopbackConnect?.detail).toContain('3.50×');
    const slower = evaluateTargets(results({ loopbackConnectMs: 2000 })).find((v) => v.target === loopbackConnect?.target);
    expect(slower?.met).toBe(false);
    expect(slower?.detail).toContain('1.75×');
  });

  it('compares with masscan’s fastest run and says when masscan was never exact', () => {
    const masscan = evaluateTargets(results()).find((v) => v.target.includes('masscan'));
    expect(masscan?.met).toBe(true);
    expect(masscan?.detail).toContain('at no rate tried');
  });

  it('requires full recall under loss and reports the settled rate under a rate limit', () => {
    const lossFailed = evaluateTargets(results({ lossRecall: 0.99 })).find((v) => v.target.includes('1 % SYN loss'));
    expect(lossFailed?.met).toBe(false);
    const limited = evaluateTargets(results()).find((v) => v.target.includes('20,000/s'));
    expect(limited?.met).toBe(true);
    expect(limited?.detail).toContain('11,301/s');
  });

  it('marks targets whose scenario or peer is missing as not measured, never as met', () => {
    const verdicts = evaluateTargets({ mode: 'full', calibration: null, scenarios: [], memory: null });
    expect(verdicts.length).toBeGreaterThan(5);
    expect(verdicts.every((v) => v.met === null)).toBe(true);
  });
});

describe('memory verdict', () => {
  it('passes at most the target ratio and fails above it', () => {
    expect(memoryVerdict(100_000, 100_000 * MEMORY_RATIO_TARGET)).toEqual({ ratio: MEMORY_RATIO_TARGET, met: true });
    expect(memoryVerdict(100_000, 130_000)).toEqual({ ratio: 1.3, met: false });
    expect(memoryVerdict(null, 130_000)).toEqual({ ratio: null, met: null });
  });
});

describe('nmap settings per scenario', () => {
  it('limits retries only where hosts are silent', () => {
    expect(nmapScenarioArgs({ silent: ['198.18.3.192/26'] })).toEqual(['--max-retries', '1']);
    expect(nmapScenarioArgs({ silent: [] })).toEqual([]);
  });
});
