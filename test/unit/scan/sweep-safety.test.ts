import { describe, expect, it } from 'vitest';
import { parseIPv4 } from '../../../src/scan/addresses.js';
import { SweepPlan } from '../../../src/scan/plan.js';
import { assessSweep, DEFAULT_NON_LOCAL_RATE } from '../../../src/scan/sweep-safety.js';
import type { LocalRanges } from '../../../src/scan/route-locality.js';
import type { TargetSet } from '../../../src/scan/targets.js';

const v4 = (text: string): number => parseIPv4(text) as number;
/** This host and its links: loopback and 198.19.0.0/16. 198.18.0.0/16 and 203.0.113.0/24 play non-local targets (assessSweep only counts: nothing is sent). */
const local: LocalRanges = {
  ipv4: [
    { first: v4('127.0.0.0'), last: v4('127.255.255.255') },
    { first: v4('198.19.0.0'), last: v4('198.19.255.255') },
  ],
  ipv6: [{ first: 1n, last: 1n }],
};
const plan = (ranges: Array<[string, string]>, ports: number[], extra: Partial<TargetSet> = {}): SweepPlan =>
  new SweepPlan({ ipv4: ranges.map(([a, b]) => ({ first: v4(a), last: v4(b) })), ipv6: [], ...extra }, ports, 1n, { index: 0, count: 1 });
const none = { rate: undefined, minRate: undefined };

describe('sweep safety', () => {
  it('local sweeps: no ceiling, never refused, however wide', () => {
    const safety = assessSweep(plan([['127.0.0.0', '127.255.255.255'], ['198.19.0.0', '198.19.255.255']], [1, 2, 3]), none, local);
    expect(safety).toMatchObject({ rate: 0, refusal: null, nonLocalAddresses: 0, localAddresses: 65536 + 2 ** 24 });
    expect(safety.notes[0]).toMatch(/no ceiling: every target is on this host or its links/);
  });

  it('non-local sweeps get the default ceiling, stated in the notes', () => {
    const safety = assessSweep(plan([['203.0.113.0', '203.0.113.255']], [22, 80]), none, local);
    expect(safety).toMatchObject({ rate: DEFAULT_NON_LOCAL_RATE, refusal: null, nonLocalAddresses: 256 });
    expect(safety.notes[0]).toMatch(/ceiling 10,000 probes\/s, the default for targets beyond this host's links \(256 of 256 addresses\)/);
  });

  it('one /16 of non-local addresses is allowed; one more address, or more than 2^20 probes, is refused without a rate', () => {
    expect(assessSweep(plan([['198.18.0.0', '198.18.255.255']], [80]), none, local).refusal).toBeNull();
    expect(assessSweep(plan([['198.18.0.0', '198.18.255.255'], ['203.0.113.1', '203.0.113.1']], [80]), none, local).refusal).toMatch(
      /Expected an explicit rate for a sweep of 65,537 addresses \(65,537 probes\) beyond this host and its links, got none.*--rate N/,
    );
    // 4,096 addresses × 257 ports = 1,052,672 > 2^20 probes.
    const ports = Array.from({ length: 257 }, (_, i) => i + 1);
    expect(assessSweep(plan([['198.18.0.0', '198.18.15.255']], ports), none, local).refusal).toMatch(/1,052,672 probes/);
    expect(assessSweep(plan([['198.18.0.0', '198.18.15.255']], ports.slice(0, 256)), none, local).refusal).toBeNull();
  });

  it('only the non-local part counts towards the refusal', () => {
    const mixed = plan([['198.18.0.0', '198.18.0.255'], ['198.19.0.0', '198.19.255.255']], [80]);
    expect(assessSweep(mixed, none, local)).toMatchObject({ refusal: null, nonLocalAddresses: 256, rate: DEFAULT_NON_LOCAL_RATE });
  });

  it('an explicit rate (0 = none) or min rate lets a wide sweep start and sets the ceiling', () => {
    const wide = plan([['198.18.0.0', '198.18.255.255'], ['203.0.113.0', '203.0.113.255']], [443]);
    expect(assessSweep(wide, { rate: 5000, minRate: undefined }, local)).toMatchObject({ refusal: null, rate: 5000 });
    expect(assessSweep(wide, { rate: 0, minRate: undefined }, local)).toMatchObject({ refusal: null, rate: 0 });
    const floor = assessSweep(wide, { rate: undefined, minRate: 50_000 }, local);
    expect(floor).toMatchObject({ refusal: null, rate: 50_000 });
    expect(floor.notes.join('\n')).toMatch(/portpick holds no floor/);
    expect(assessSweep(wide, { rate: undefined, minRate: 500 }, local).rate).toBe(DEFAULT_NON_LOCAL_RATE);
  });

  it('reports what the default exclusions took', () => {
    const withExclusions = plan([['203.0.113.0', '203.0.113.255']], [80], {
      defaultExcluded: [{ block: '224.0.0.0/4', name: 'multicast', reference: 'IANA IPv4 Multicast Address Space Registry, RFC 5771', addresses: 268_435_456 }],
    });
    const safety = assessSweep(withExclusions, none, local);
    expect(safety.defaultExcluded).toHaveLength(1);
    expect(safety.notes.join('\n')).toMatch(/default exclusions skipped 268,435,456 addresses where no host can answer: 224\.0\.0\.0\/4 multicast/);
  });
});
