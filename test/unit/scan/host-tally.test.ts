import { describe, expect, it } from 'vitest';
import { parseIPv4 } from '../../../src/scan/addresses.js';
import { DecodedBatch } from '../../../src/scan/decode.js';
import { HostTally } from '../../../src/scan/host-tally.js';
import { SweepPlan } from '../../../src/scan/plan.js';
import { parsePortSpec } from '../../../src/scan/ports.js';
import { resolveTargets } from '../../../src/scan/targets.js';

describe('HostTally', () => {
  it('counts each answering host once, whatever the port and order', async () => {
    const targets = await resolveTargets({ targets: ['198.18.0.0/28'], targetFiles: [], exclude: [], excludeFiles: [] });
    const plan = new SweepPlan(targets, parsePortSpec('22,80,443'), 7n, { index: 0, count: 1 });
    const tally = new HostTally(plan);
    const hosts = new Set<string>();
    for (let k = 0; k < plan.planned; k += 1) {
      const probe = plan.probeAt(k);
      if (probe.port === 22) continue; // port 22 never answers: its hosts still count through 80 and 443
      if (probe.address.endsWith('.3')) continue; // this host never answers at all
      // Half the answers give the IPv4 value (the native engines' way), half only the position.
      tally.answered(k, probe.address, k % 2 === 0 ? parseIPv4(probe.address) : null);
      hosts.add(probe.address);
    }
    expect(tally.size).toBe(15);
    expect(tally.size).toBe(hosts.size);
  });

  it('needs one bit per address: a /8 plan allocates about 2 MiB', async () => {
    const targets = await resolveTargets({ targets: ['127.0.0.0/8'], targetFiles: [], exclude: [], excludeFiles: [] });
    const plan = new SweepPlan(targets, parsePortSpec('80'), 1n, { index: 0, count: 1 });
    const before = process.memoryUsage().arrayBuffers;
    const tally = new HostTally(plan);
    tally.answered(0, plan.probeAt(0).address);
    tally.answered(0, plan.probeAt(0).address);
    expect(tally.size).toBe(1);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(3 * 1024 * 1024);
  });

  it('counts from engine records as from addresses (IPv4 by value, IPv6 by position)', async () => {
    const targets = await resolveTargets({ targets: ['198.18.0.0/29', '2001:db8::/125'], targetFiles: [], exclude: [], excludeFiles: [] });
    const plan = new SweepPlan(targets, parsePortSpec('80,443'), 11n, { index: 0, count: 1 });
    const fromRecords = new HostTally(plan);
    const fromAddresses = new HostTally(plan);
    const records = new DecodedBatch(
      Array.from({ length: plan.planned }, (_, k) => {
        const probe = plan.probeAt(k);
        const family = probe.address.includes(':') ? 6 : 4;
        return {
          position: k,
          result: { address: probe.address, family, port: probe.port, protocol: 'tcp', state: 'closed', reason: 'reset', rttMs: 1, tries: 1, engine: 'syn' } as const,
        };
      }),
    );
    for (let k = 0; k < plan.planned; k += 1) {
      if (plan.probeAt(k).address.endsWith('5')) continue; // 198.18.0.5 and 2001:db8::5 never answer
      fromRecords.answeredRecord(records, k, k);
      fromAddresses.answered(k, plan.probeAt(k).address);
    }
    expect(fromRecords.size).toBe(14);
    expect(fromAddresses.size).toBe(14);
  });
});
