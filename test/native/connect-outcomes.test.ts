/**
 * Both connect engines (native and TypeScript) decide the same connect()
 * outcomes the same way, by the one table of src/scan/connect-outcomes.ts.
 * Outcomes the kernel gives for real inside the private namespace:
 *
 *   127.0.0.1:LISTENING          connected      → open/connected
 *   127.0.0.1:CLOSED             ECONNREFUSED   → closed/refused
 *   203.0.113.1 (the lab)        EHOSTUNREACH   → unreachable/host-unreachable (unreachable route)
 *   198.51.100.1                 ENETUNREACH    → unreachable/net-unreachable (no route at all)
 *   198.51.100.17                EACCES         → filtered/admin-prohibited (prohibit route, added here)
 *
 * And the native engine really reads the table it is given: with ECONNREFUSED
 * mapped elsewhere, a closed port follows the table.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativePortState, NativeReason } from '../../src/native.js';
import { CONNECT_OUTCOMES, connectOutcome, nativeConnectOutcomes, type ConnectOutcome } from '../../src/scan/connect-outcomes.js';
import type { ScanMode } from '../../src/scan/engine-choice.js';
import { scan } from '../../src/scan/scan.js';
import type { ScanResult } from '../../src/scan/types.js';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { config, ipv4ToNumber, portSet, runSweep } from './sweep-harness.js';

const PROHIBIT = ['route', 'add', 'prohibit', '198.51.100.16/28'];

const modes: ScanMode[] = addon ? ['connect', 'connect-ts'] : ['connect-ts'];

describe.skipIf(!lab.available)('connect outcomes, live, on both engines', () => {
  let server: Server;
  let open = 0;
  let closed = 0;

  beforeAll(async () => {
    const run = spawnSync('ip', PROHIBIT, { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`ip ${PROHIBIT.join(' ')} failed: ${run.stderr}`);
    server = createServer((socket) => socket.on('error', () => {}).destroy());
    await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
    open = (server.address() as { port: number }).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen({ host: '127.0.0.1', port: 0 }, resolve));
    closed = (probe.address() as { port: number }).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    console.info(`[connect-outcomes] open port ${open}, closed port ${closed}`);
  });
  afterAll(async () => {
    spawnSync('ip', ['route', 'del', 'prohibit', '198.51.100.16/28'], { stdio: 'ignore' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const expected = (code: string): [string, string] => {
    const outcome = connectOutcome(code) as Extract<ConnectOutcome, { kind: 'decided' }>;
    return [outcome.state, outcome.reason];
  };

  it.each(modes)('%s: each outcome as the table says', async (mode) => {
    const cases: Array<[string, number, string]> = [
      ['127.0.0.1', open, 'CONNECTED'],
      ['127.0.0.1', closed, 'ECONNREFUSED'],
      ['203.0.113.1', 80, 'EHOSTUNREACH'],
      ['198.51.100.1', 80, 'ENETUNREACH'],
      ['198.51.100.17', 80, 'EACCES'],
    ];
    for (const [address, port, code] of cases) {
      const handle = scan({ targets: address, ports: [port], mode, retries: 0, timeoutMs: 2000, seed: 1 });
      const results: ScanResult[] = [];
      for await (const result of handle) results.push(result);
      expect((await handle.summary).engine).toBe(mode);
      expect(results.map((r) => [r.state, r.reason]), `${mode} ${address}:${port} (${code})`).toEqual([expected(code)]);
    }
  });

  it.skipIf(!addon)('the native engine decides by the table it is given', async () => {
    const table = new Map(CONNECT_OUTCOMES);
    table.set('ECONNREFUSED', { kind: 'decided', state: 'filtered', reason: 'admin-prohibited' });
    const { records, error } = await runSweep(
      addon!,
      config({
        ipv4Ranges: new Uint32Array([ipv4ToNumber('127.0.0.1'), ipv4ToNumber('127.0.0.1')]),
        portSet: portSet([closed]),
        connectOutcomes: nativeConnectOutcomes(table),
      }),
    );
    expect(error).toBeNull();
    expect(records.map((r) => [r.state, r.reason])).toEqual([[NativePortState.filtered, NativeReason.icmpProhibited]]);
  });

  it.skipIf(!addon)('the native engine rejects a malformed table', () => {
    const good = config({ ipv4Ranges: new Uint32Array([1, 1]), portSet: portSet([80]) });
    expect(() => new addon!.Sweep({ ...good, connectOutcomes: new Uint8Array(4) })).toThrow(RangeError);
    expect(() => new addon!.Sweep({ ...good, connectOutcomes: new Uint8Array([9, 0, 0]) })).toThrow(RangeError);
    expect(() => new addon!.Sweep({ ...good, connectOutcomes: new Uint8Array([1, 7, 1]) })).toThrow(RangeError);
  });
});
