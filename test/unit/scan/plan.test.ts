import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/invalid-argument-error.js';
import { formatIPv4, parseIPv4, parseIPv6, readIPv6Bytes } from '../../../src/scan/addresses.js';
import { SweepPlan } from '../../../src/scan/plan.js';
import { parsePortSpec } from '../../../src/scan/ports.js';
import type { TargetSet } from '../../../src/scan/targets.js';

const v4 = (text: string): number => parseIPv4(text) as number;
const v6 = (text: string): bigint => parseIPv6(text) as bigint;
const small: TargetSet = {
  ipv4: [
    { first: v4('198.18.0.1'), last: v4('198.18.0.3') },
    { first: v4('198.18.5.0'), last: v4('198.18.5.1') },
  ],
  ipv6: [{ first: v6('2001:db8::a'), last: v6('2001:db8::b') }],
};
const ports = parsePortSpec('22,80,443');
const key = (p: { address: string; port: number }): string => `${p.address}|${p.port}`;

describe('SweepPlan', () => {
  it('fills the native config arrays and counts', () => {
    const plan = new SweepPlan(small, ports, 9n, { index: 0, count: 1 });
    expect([...plan.ipv4Ranges]).toEqual([v4('198.18.0.1'), v4('198.18.0.3'), v4('198.18.5.0'), v4('198.18.5.1')]);
    expect(plan.ipv6Ranges.length).toBe(32);
    expect(readIPv6Bytes(plan.ipv6Ranges, 0)).toBe(v6('2001:db8::a'));
    expect(readIPv6Bytes(plan.ipv6Ranges, 16)).toBe(v6('2001:db8::b'));
    expect(plan.portSet.length).toBe(8192);
    expect(plan.addressCount).toBe(7);
    expect(plan.total).toBe(21);
    expect(plan.planned).toBe(21);
    expect(plan.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it('maps index x to address x mod A and port ⌊x / A⌋ (IPv4 ranges, then IPv6)', () => {
    const plan = new SweepPlan(small, ports, 9n, { index: 0, count: 1 });
    const addresses = ['198.18.0.1', '198.18.0.2', '198.18.0.3', '198.18.5.0', '198.18.5.1', '2001:db8::a', '2001:db8::b'];
    for (let x = 0; x < 21; x += 1) {
      expect(plan.probeOfIndex(x)).toEqual({ address: addresses[x % 7], family: x % 7 < 5 ? 4 : 6, port: [22, 80, 443][Math.floor(x / 7)] });
    }
  });

  it('finds an IPv4 address index from its value as the permutation does (and -1 outside the plan)', () => {
    const plan = new SweepPlan(small, ports, 77n, { index: 0, count: 1 });
    for (const k of plan.positions()) {
      const probe = plan.probeAt(k);
      if (probe.family === 4) expect(plan.ipv4AddressIndex(v4(probe.address))).toBe(plan.indexAt(k) % plan.addressCount);
    }
    for (const outside of ['198.18.0.0', '198.18.0.4', '198.18.4.255', '198.18.5.2', '0.0.0.0', '255.255.255.255']) {
      expect(plan.ipv4AddressIndex(v4(outside))).toBe(-1);
    }
  });

  it('visits every (address, port) exactly once', () => {
    const plan = new SweepPlan(small, ports, 12345n, { index: 0, count: 1 });
    const seen = new Set<string>();
    for (const k of plan.positions()) seen.add(key(plan.probeAt(k)));
    expect(seen.size).toBe(21);
  });

  it('shards are disjoint and their union is the whole sweep', () => {
    const full = new SweepPlan(small, ports, 77n, { index: 0, count: 1 });
    const all = new Set([...full.positions()].map((k) => key(full.probeAt(k))));
    for (const count of [2, 3, 5, 40]) {
      const union: string[] = [];
      for (let index = 0; index < count; index += 1) {
        const shard = new SweepPlan(small, ports, 77n, { index, count });
        for (const k of shard.positions()) union.push(key(shard.probeAt(k)));
        expect(shard.fingerprint).not.toBe(full.fingerprint);
      }
      expect(union.length).toBe(all.size);
      expect(new Set(union)).toEqual(all);
    }
  });

  it('resume skips exactly the done positions', () => {
    const plan = new SweepPlan(small, ports, 5n, { index: 1, count: 2 });
    expect(plan.shardTotal).toBe(10);
    const resumed = new SweepPlan(small, ports, 5n, { index: 1, count: 2 }, { startPosition: 4, skipPositions: [6, 9] });
    expect([...resumed.positions()]).toEqual([4, 5, 7, 8]);
    expect(resumed.planned).toBe(4);
    expect(resumed.fingerprint).toBe(plan.fingerprint);
    expect(() => new SweepPlan(small, ports, 5n, { index: 1, count: 2 }, { startPosition: 11, skipPositions: [] })).toThrow(InvalidArgumentError);
    expect(() => new SweepPlan(small, ports, 5n, { index: 1, count: 2 }, { startPosition: 4, skipPositions: [2] })).toThrow(/skip positions/);
  });

  it('orders ports ascending whatever order they come in (as the native bitmap does)', () => {
    const plan = new SweepPlan(small, [443, 22, 80, 22], 9n, { index: 0, count: 1 });
    expect([...plan.ports]).toEqual([22, 80, 443]);
    expect(plan.probeOfIndex(7).port).toBe(80);
    expect(plan.fingerprint).toBe(new SweepPlan(small, ports, 9n, { index: 0, count: 1 }).fingerprint);
    expect(() => new SweepPlan(small, [0], 9n, { index: 0, count: 1 })).toThrow('Expected a port from 1 to 65535, got `0` (number)');
  });

  it('fingerprint changes with targets, ports and seed', () => {
    const base = new SweepPlan(small, ports, 5n, { index: 0, count: 1 }).fingerprint;
    expect(new SweepPlan(small, ports, 6n, { index: 0, count: 1 }).fingerprint).not.toBe(base);
    expect(new SweepPlan(small, parsePortSpec('22,80'), 5n, { index: 0, count: 1 }).fingerprint).not.toBe(base);
    expect(new SweepPlan({ ipv4: small.ipv4, ipv6: [] }, ports, 5n, { index: 0, count: 1 }).fingerprint).not.toBe(base);
  });

  it('splits merged IPv6 ranges into native entries of at most 2^32 addresses', () => {
    const first = v6('2001:db8::');
    const plan = new SweepPlan({ ipv4: [], ipv6: [{ first, last: first + (1n << 33n) + 4n }] }, parsePortSpec('80'), 1n, { index: 0, count: 1 });
    expect(plan.ipv6Ranges.length).toBe(3 * 32);
    expect(readIPv6Bytes(plan.ipv6Ranges, 32 + 16) - readIPv6Bytes(plan.ipv6Ranges, 32)).toBe((1n << 32n) - 1n);
    expect(plan.probeOfIndex(2 ** 32).address).toBe('2001:db8::1:0:0');
  });

  it('rejects plans above 2^48 probes and bad shards with clear errors', () => {
    const everything = parsePortSpec('-');
    const first = v6('2001:db8::');
    const huge: TargetSet = { ipv4: [{ first: 0, last: 0xffffffff }], ipv6: [{ first, last: first + (1n << 32n) * 100n }] };
    expect(() => new SweepPlan(huge, everything, 1n, { index: 0, count: 1 })).toThrow(/at most 2\^48 probes/);
    expect(() => new SweepPlan(small, ports, 1n, { index: 2, count: 2 })).toThrow(/shard index from 0 to count-1, got `2\/2`/);
  });

  it('plans a /8 × 1000 ports without per-target memory', () => {
    const before = process.memoryUsage().heapUsed;
    // 0.0.0.0/8: a /8 that is only planned, never probed.
    const plan = new SweepPlan({ ipv4: [{ first: v4('0.0.0.0'), last: 2 ** 24 - 1 }], ipv6: [] }, parsePortSpec('1-1000'), 3n, {
      index: 0,
      count: 1,
    });
    const grown = process.memoryUsage().heapUsed - before;
    expect(plan.total).toBe(16_777_216 * 1000);
    expect(plan.ipv4Ranges.length).toBe(2);
    expect(grown).toBeLessThan(8 * 1024 * 1024);
    // Positions deep in the space map to addresses of the block.
    const probe = plan.probeAt(plan.shardTotal - 1);
    expect(probe.address.startsWith('0.')).toBe(true);
    expect(probe.port).toBeGreaterThanOrEqual(1);
    expect(probe.port).toBeLessThanOrEqual(1000);
  });

  it('plans /0 (it is only a plan)', () => {
    const plan = new SweepPlan({ ipv4: [{ first: 0, last: 0xffffffff }], ipv6: [] }, parsePortSpec('80'), 3n, { index: 0, count: 1 });
    expect(plan.total).toBe(2 ** 32);
    expect(plan.probeOfIndex(0).address).toBe('0.0.0.0');
    expect(plan.probeOfIndex(2 ** 32 - 1).address).toBe(formatIPv4(0xffffffff));
  });
});
