/**
 * The native connect engine against ground truth the tests set up themselves:
 * listeners on known ports, the lab's AnyIP, silent and unreachable ranges
 * (scripts/lab-setup.sh). Runs only inside the private namespace (npm test).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePortState, NativeReason, STATS, type NativeSweepError } from '../../src/native.js';
import { addon } from '../helpers/native-addon.js';
import { lab } from '../helpers/lab.js';
import {
  closeAll,
  config,
  ipv4Block,
  ipv4ToNumber,
  ipv6Bytes,
  key,
  listen,
  portSet,
  runSweep,
  type DecodedRecord,
} from './sweep-harness.js';

const loopback = new Uint32Array([ipv4ToNumber('127.0.0.1'), ipv4ToNumber('127.0.0.1')]);

function randomPorts(count: number, low: number, high: number, exclude: Set<number>): number[] {
  const out = new Set<number>();
  while (out.size < count) {
    const p = low + Math.floor(Math.random() * (high - low));
    if (!exclude.has(p)) out.add(p);
  }
  return [...out];
}

function expectAccounted(records: DecodedRecord[], stats: Float64Array): void {
  expect(stats[STATS.completed]).toBe(stats[STATS.planned]);
  expect(records.length).toBe(stats[STATS.planned]);
  expect(new Set(records.map(key)).size).toBe(records.length);
  expect(new Set(records.map((r) => r.position)).size).toBe(records.length);
  expect(stats[STATS.watermark]).toBe(stats[STATS.planned]);
}

describe('native Sweep: config types', () => {
  it.skipIf(!addon)('throws TypeError on a wrong type and RangeError on an impossible plan', () => {
    const good = config({ ipv4Ranges: loopback, portSet: portSet([80]) });
    expect(() => new addon!.Sweep(good)).not.toThrow();
    // @ts-expect-error: deliberately wrong type
    expect(() => new addon!.Sweep({ ...good, ipv4Ranges: [1, 2] })).toThrow(TypeError);
    // @ts-expect-error: deliberately wrong type
    expect(() => new addon!.Sweep({ ...good, seed: 7 })).toThrow(TypeError);
    // @ts-expect-error: deliberately wrong type
    expect(() => new addon!.Sweep({ ...good, engine: 'udp' })).toThrow(TypeError);
    expect(() => new addon!.Sweep({ ...good, portSet: new Uint8Array(10) })).toThrow(RangeError);
    expect(() => new addon!.Sweep({ ...good, shardIndex: 3, shardCount: 3 })).toThrow(RangeError);
  });

  it.skipIf(!addon)('argument errors carry Node-style codes: ERR_INVALID_ARG_TYPE, ERR_OUT_OF_RANGE, ERR_INVALID_STATE', () => {
    const good = config({ ipv4Ranges: loopback, portSet: portSet([80]) });
    const thrown = (call: () => unknown): unknown => {
      try {
        call();
      } catch (error) {
        return error;
      }
      return null;
    };
    // @ts-expect-error: deliberately wrong type
    expect(thrown(() => new addon!.Sweep({ ...good, seed: 7 }))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(thrown(() => new addon!.Sweep({ ...good, portSet: new Uint8Array(10) }))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    expect(thrown(() => new addon!.Sweep({ ...good, timeoutMs: -1 }))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
    const sweep = new addon!.Sweep(good);
    // @ts-expect-error: deliberately wrong type
    expect(thrown(() => sweep.start(1))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error: deliberately wrong type
    expect(thrown(() => sweep.release('1'))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    // @ts-expect-error: deliberately wrong type
    expect(thrown(() => addon!.permute(10, 1, new Float64Array(1)))).toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
    expect(thrown(() => addon!.permute(10, 1n, new Float64Array([10])))).toMatchObject({ name: 'RangeError', code: 'ERR_OUT_OF_RANGE' });
  });

  it.skipIf(!addon || !lab.available)('a second start() is ERR_INVALID_STATE and leaves the first sweep running to its end', async () => {
    const sweep = new addon!.Sweep(config({ ipv4Ranges: loopback, portSet: portSet([80]) }));
    const done = new Promise<NativeSweepError | null>((resolve) => {
      sweep.start((_records, _stats, finished, error) => {
        if (finished) resolve(error);
      });
    });
    let second: unknown = null;
    try {
      sweep.start(() => undefined);
    } catch (error) {
      second = error;
    }
    expect(second).toMatchObject({ code: 'ERR_INVALID_STATE' });
    expect(await done).toBeNull();
  });
});

describe.skipIf(!addon || !lab.available)('native connect sweep in the lab', () => {
  const a = addon!;

  describe('127.0.0.1 against listeners on random ports', () => {
    let servers: import('node:net').Server[] = [];
    let open: number[] = [];
    beforeAll(async () => {
      ({ servers, ports: open } = await listen('127.0.0.1', Array(12).fill(0)));
    });
    afterAll(() => closeAll(servers));

    it('finds every open port and calls every other one closed', async () => {
      const closed = randomPorts(300, 1, 65536, new Set(open));
      const { records, stats, error } = await runSweep(
        a,
        config({ ipv4Ranges: loopback, portSet: portSet([...open, ...closed]), timeoutMs: 2000 }),
      );
      expect(error).toBeNull();
      expectAccounted(records, stats);
      const found = records.filter((r) => r.state === NativePortState.open).map((r) => r.port);
      expect(found.sort()).toEqual([...open].sort());
      for (const r of records.filter((x) => x.state !== NativePortState.open)) {
        expect([r.state, r.reason]).toEqual([NativePortState.closed, NativeReason.refused]);
        expect(closed).toContain(r.port);
      }
      for (const r of records.filter((x) => x.state === NativePortState.open)) {
        expect(r.reason).toBe(NativeReason.connected);
        expect(r.rttMicros).toBeLessThan(0xffffffff);
      }
    });

    it('sweeps all 65,535 ports exactly', async () => {
      const all = Array.from({ length: 65535 }, (_, i) => i + 1);
      const { records, stats, error } = await runSweep(
        a,
        config({ ipv4Ranges: loopback, portSet: portSet(all), timeoutMs: 2000 }),
      );
      expect(error).toBeNull();
      expectAccounted(records, stats);
      expect(records.length).toBe(65535);
      const found = records.filter((r) => r.state === NativePortState.open).map((r) => r.port);
      expect(found.sort()).toEqual([...open].sort());
      expect(records.filter((r) => r.state === NativePortState.closed).length).toBe(65535 - open.length);
    });
  });

  it('AnyIP 198.18.0.0/22: every host open on the listened ports, closed on the other', async () => {
    const { servers, ports } = await listen('0.0.0.0', [0, 0]);
    try {
      const closedPort = randomPorts(1, 1024, 30000, new Set(ports))[0]!;
      const { records, stats, error } = await runSweep(
        a,
        config({ ipv4Ranges: new Uint32Array(ipv4Block('198.18.0.0/22')), portSet: portSet([...ports, closedPort]) }),
      );
      expect(error).toBeNull();
      expectAccounted(records, stats);
      expect(records.length).toBe(1024 * 3);
      for (const r of records) {
        expect(r.address.startsWith('198.18.')).toBe(true);
        expect(r.state).toBe(r.port === closedPort ? NativePortState.closed : NativePortState.open);
      }
    } finally {
      await closeAll(servers);
    }
  });

  it.skipIf(!lab.nft)('198.19.0.0/28 drops SYNs: filtered after every retry', async () => {
    const { records, stats, error } = await runSweep(
      a,
      config({ ipv4Ranges: new Uint32Array(ipv4Block('198.19.0.0/28')), portSet: portSet([80, 443]), timeoutMs: 250, retries: 2 }),
    );
    expect(error).toBeNull();
    expectAccounted(records, stats);
    for (const r of records) {
      expect([r.state, r.reason, r.tries]).toEqual([NativePortState.filtered, NativeReason.timeout, 3]);
      expect(r.rttMicros).toBe(0xffffffff);
    }
    expect(stats[STATS.silent]).toBe(32);
    expect(stats[STATS.retried]).toBe(64);
    expect(stats[STATS.sent]).toBe(96);
  });

  it('203.0.113.0/29 is unreachable', async () => {
    const { records, stats, error } = await runSweep(
      a,
      config({ ipv4Ranges: new Uint32Array(ipv4Block('203.0.113.0/29')), portSet: portSet([22, 80]) }),
    );
    expect(error).toBeNull();
    expectAccounted(records, stats);
    expect(records.length).toBe(16);
    for (const r of records) expect(r.state).toBe(NativePortState.unreachable);
    expect(records.every((r) => r.reason === NativeReason.hostUnreachable || r.reason === NativeReason.netUnreachable)).toBe(true);
  });

  it('IPv6: ::1 and 2001:db8::/120 (AnyIP)', async () => {
    const { servers, ports } = await listen('::', [0]);
    try {
      const openPort = ports[0]!;
      const closedPort = randomPorts(1, 1024, 30000, new Set(ports))[0]!;
      const v6 = new Uint8Array(64);
      v6.set(ipv6Bytes('::1'), 0);
      v6.set(ipv6Bytes('::1'), 16);
      v6.set(ipv6Bytes('2001:db8::'), 32);
      v6.set(ipv6Bytes('2001:db8::ff'), 48);
      const { records, stats, error } = await runSweep(
        a,
        config({ ipv6Ranges: v6, portSet: portSet([openPort, closedPort]) }),
      );
      expect(error).toBeNull();
      expectAccounted(records, stats);
      expect(records.length).toBe(257 * 2);
      expect(records.every((r) => r.family === 6)).toBe(true);
      expect(records.filter((r) => r.address === '0:0:0:0:0:0:0:1').length).toBe(2);
      for (const r of records) {
        expect(r.state).toBe(r.port === openPort ? NativePortState.open : NativePortState.closed);
      }
    } finally {
      await closeAll(servers);
    }
  });

  it.skipIf(!lab.nft)('stop() mid-sweep: done follows, fewer completed than planned, watermark is honest', async () => {
    // Silent hosts keep probes in flight, so the sweep cannot finish before stop().
    const { records, stats, error, batches } = await runSweep(
      a,
      config({
        ipv4Ranges: new Uint32Array([...ipv4Block('198.19.0.0/24'), ...ipv4Block('203.0.113.0/24')]),
        portSet: portSet([1, 2, 3, 4, 5, 6, 7, 8]),
        timeoutMs: 5000,
        window: 500,
      }),
      (sweep, index) => {
        if (index === 1) sweep.stop();
      },
    );
    expect(error).toBeNull();
    expect(batches).toBeGreaterThanOrEqual(2);
    expect(stats[STATS.planned]).toBe(512 * 8);
    expect(stats[STATS.completed]).toBeLessThan(stats[STATS.planned]!);
    expect(records.length).toBe(stats[STATS.completed]);
    const watermark = stats[STATS.watermark]!;
    const positions = new Set(records.map((r) => r.position));
    for (let k = 0; k < watermark; k += 1) expect(positions.has(k)).toBe(true);
  });

  describe('shards and resume over 198.18.0.0/24 and 127.0.0.1', () => {
    const cfg = (over: Parameters<typeof config>[0]) =>
      config({
        ipv4Ranges: new Uint32Array([ipv4ToNumber('127.0.0.1'), ipv4ToNumber('127.0.0.1'), ...ipv4Block('198.18.1.0/24')]),
        portSet: portSet([7, 9, 13, 1000, 40000]),
        seed: 0xfeedfacecafebeefn,
        ...over,
      });

    it('shards 0/3, 1/3, 2/3 together probe every target exactly once', async () => {
      const whole = await runSweep(a, cfg({}));
      const parts = await Promise.all([0, 1, 2].map((i) => runSweep(a, cfg({ shardIndex: i, shardCount: 3 }))));
      const seen = parts.flatMap((p) => p.records.map(key));
      expect(seen.length).toBe(257 * 5);
      expect(new Set(seen)).toEqual(new Set(whole.records.map(key)));
      parts.forEach((p, i) => {
        expect(p.error).toBeNull();
        expectAccounted(p.records, p.stats);
        // Shard-local position k is global position i + 3k: the same target as in the whole sweep.
        const byPosition = new Map(whole.records.map((r) => [r.position, key(r)]));
        for (const r of p.records) expect(byPosition.get(i + 3 * r.position)).toBe(key(r));
      });
    });

    it('resume from a watermark plus a skip list yields exactly the remaining probes', async () => {
      const whole = await runSweep(a, cfg({}));
      const planned = whole.records.length;
      const watermark = 400;
      const skips = whole.records.map((r) => r.position).filter((k) => k >= watermark && k % 7 === 0);
      const resumed = await runSweep(a, cfg({ startPosition: watermark, skipPositions: Float64Array.from(skips) }));
      expect(resumed.error).toBeNull();
      const expected = whole.records
        .filter((r) => r.position >= watermark && r.position % 7 !== 0)
        .map((r) => `${r.position}|${key(r)}`);
      expect(resumed.records.map((r) => `${r.position}|${key(r)}`).sort()).toEqual(expected.sort());
      expect(resumed.stats[STATS.planned]).toBe(expected.length);
      expect(resumed.stats[STATS.completed]).toBe(expected.length);
      expect(resumed.stats[STATS.watermark]).toBe(planned);
    });
  });

  it('two sweeps at once both finish exactly', async () => {
    const { servers, ports } = await listen('0.0.0.0', [0]);
    try {
      const sweep = (block: string) =>
        runSweep(a, config({ ipv4Ranges: new Uint32Array(ipv4Block(block)), portSet: portSet([ports[0]!, 5, 6]) }));
      const [one, two] = await Promise.all([sweep('198.18.4.0/23'), sweep('198.18.8.0/23')]);
      for (const run of [one, two]) {
        expect(run.error).toBeNull();
        expectAccounted(run.records, run.stats);
        expect(run.records.filter((r) => r.state === NativePortState.open).length).toBe(512);
        expect(run.records.filter((r) => r.state === NativePortState.closed).length).toBe(1024);
      }
    } finally {
      await closeAll(servers);
    }
  });
});
