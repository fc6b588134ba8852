/**
 * Test harness for the native sweep: builds NativeSweepConfig values, runs a
 * sweep to its done batch, and decodes the packed result records.
 */
import net from 'node:net';
import { expect } from 'vitest';
import {
  RECORD,
  RESULT_RECORD_BYTES,
  STATS,
  type NativeAddon,
  type NativeSweep,
  type NativeSweepConfig,
  type NativeSweepError,
} from '../../src/native.js';
import { nativeConnectOutcomes } from '../../src/scan/connect-outcomes.js';

export interface DecodedRecord {
  family: number;
  state: number;
  reason: number;
  tries: number;
  port: number;
  rttMicros: number;
  address: string;
  position: number;
}

export interface SweepOutcome {
  records: DecodedRecord[];
  stats: Float64Array;
  error: NativeSweepError | null;
  batches: number;
}

export function ipv4ToNumber(text: string): number {
  const parts = text.split('.').map(Number);
  return (((parts[0] ?? 0) << 24) | ((parts[1] ?? 0) << 16) | ((parts[2] ?? 0) << 8) | (parts[3] ?? 0)) >>> 0;
}

/** [first, last] of an IPv4 CIDR block. */
export function ipv4Block(cidr: string): [number, number] {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const first = ipv4ToNumber(base);
  return [first, first + size - 1];
}

/** 16 bytes of an IPv6 address written as `prefix::suffix` with hex groups. */
export function ipv6Bytes(text: string): Uint8Array {
  const [head = '', tail = ''] = text.includes('::') ? text.split('::') : [text, ''];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g as string, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

export function formatIpv6(bytes: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  return groups.join(':');
}

export function portSet(ports: Iterable<number>): Uint8Array {
  const set = new Uint8Array(8192);
  for (const p of ports) set[p >> 3]! |= 1 << (p & 7);
  return set;
}

export function config(overrides: Partial<NativeSweepConfig>): NativeSweepConfig {
  return {
    engine: 'connect',
    ipv4Ranges: new Uint32Array(0),
    ipv6Ranges: new Uint8Array(0),
    portSet: portSet([]),
    seed: 7n,
    shardIndex: 0,
    shardCount: 1,
    startPosition: 0,
    skipPositions: new Float64Array(0),
    rate: 0,
    timeoutMs: 1000,
    retries: 1,
    window: 0,
    connectOutcomes: nativeConnectOutcomes(),
    highWaterMark: 0,
    ...overrides,
  };
}

export function decode(bytes: Uint8Array): DecodedRecord[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: DecodedRecord[] = [];
  for (let o = 0; o < bytes.byteLength; o += RESULT_RECORD_BYTES) {
    const family = view.getUint8(o + RECORD.family);
    const a = bytes.subarray(o + RECORD.address, o + RECORD.address + 16);
    out.push({
      family,
      state: view.getUint8(o + RECORD.state),
      reason: view.getUint8(o + RECORD.reason),
      tries: view.getUint8(o + RECORD.tries),
      port: view.getUint16(o + RECORD.port, true),
      rttMicros: view.getUint32(o + RECORD.rttMicros, true),
      address: family === 4 ? `${a[0]}.${a[1]}.${a[2]}.${a[3]}` : formatIpv6(a),
      position: view.getFloat64(o + RECORD.position, true),
    });
  }
  return out;
}

/** Runs a sweep to its done batch; `onBatch` sees every batch first (e.g. to call stop()). */
export function runSweep(
  addon: NativeAddon,
  cfg: NativeSweepConfig,
  onBatch?: (sweep: NativeSweep, batchIndex: number) => void,
): Promise<SweepOutcome> {
  return new Promise((resolve, reject) => {
    const sweep = new addon.Sweep(cfg);
    const records: DecodedRecord[] = [];
    let batches = 0;
    let finished = false;
    sweep.start((bytes, stats, done, error) => {
      if (finished) {
        reject(new Error('a batch arrived after the done batch'));
        return;
      }
      expect(stats.length).toBe(STATS.length);
      records.push(...decode(bytes));
      onBatch?.(sweep, batches);
      batches += 1;
      if (done) {
        finished = true;
        resolve({ records, stats: Float64Array.from(stats), error, batches });
      }
    });
  });
}

/** Listeners on `host` for each port (port 0 = any free port); returns the servers and their ports. */
export async function listen(host: string, ports: number[]): Promise<{ servers: net.Server[]; ports: number[] }> {
  const servers = await Promise.all(
    ports.map(
      (port) =>
        new Promise<net.Server>((resolve, reject) => {
          const server = net.createServer((socket) => socket.on('error', () => {}).destroy());
          server.once('error', reject);
          server.listen({ port, host, backlog: 4096 }, () => resolve(server));
        }),
    ),
  );
  return { servers, ports: servers.map((s) => (s.address() as net.AddressInfo).port) };
}

export async function closeAll(servers: net.Server[]): Promise<void> {
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
}

export function key(r: DecodedRecord): string {
  return `${r.address}|${r.port}`;
}
