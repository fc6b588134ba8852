/**
 * Native result records (RESULT_RECORD_BYTES each, layout in src/native.ts) → ScanResult.
 */
import { NativeReason, NativePortState, RECORD, RECORD_FLAG_TARPIT, RESULT_RECORD_BYTES } from '../native.js';
import { formatIPv4, formatIPv6, parseIPv4, readIPv6Bytes } from './addresses.js';
import type { ScanEngineName, ScanPortState, ScanReason, ScanResult } from './types.js';

export const STATE_BY_CODE = new Map<number, ScanPortState>([
  [NativePortState.open, 'open'],
  [NativePortState.closed, 'closed'],
  [NativePortState.filtered, 'filtered'],
  [NativePortState.unreachable, 'unreachable'],
]);

export const REASON_BY_CODE = new Map<number, ScanReason>([
  [NativeReason.synAck, 'syn-ack'],
  [NativeReason.reset, 'reset'],
  [NativeReason.connected, 'connected'],
  [NativeReason.refused, 'refused'],
  [NativeReason.timeout, 'timeout'],
  [NativeReason.hostUnreachable, 'host-unreachable'],
  [NativeReason.netUnreachable, 'net-unreachable'],
  [NativeReason.icmpProhibited, 'admin-prohibited'],
  [NativeReason.icmpPortUnreachable, 'port-unreachable'],
  [NativeReason.icmpOther, 'icmp'],
]);

/** STATE_BY_CODE as an array indexed by code (read once per record: an array beats a Map there). */
const STATE_NAMES: ReadonlyArray<ScanPortState | undefined> = Array.from({ length: 256 }, (_, code) => STATE_BY_CODE.get(code));

export interface DecodedRecord {
  result: ScanResult;
  /** Shard-local position of the probe (for resume bookkeeping). */
  position: number;
}

/**
 * One engine batch, read record by record. scan() needs the state and position
 * of every record (tallies, hosts up, resume bookkeeping) but a result object
 * only for those it reports: an open-only sweep of 65,535 ports then makes a
 * few dozen objects instead of 65,535 (and the main thread leaves the CPU to the
 * engine's threads).
 */
export interface RecordBatch {
  readonly length: number;
  state(index: number): ScanPortState;
  position(index: number): number;
  /** The record's address as text (made on demand). */
  address(index: number): string;
  /** The record's IPv4 address as a host-order number; null for IPv6. */
  ipv4(index: number): number | null;
  /** The whole result (made on demand). */
  result(index: number): ScanResult;
}

/** A batch of records already decoded (the TypeScript engine's). */
export class DecodedBatch implements RecordBatch {
  constructor(private readonly records: readonly DecodedRecord[]) {}
  get length(): number {
    return this.records.length;
  }
  state(index: number): ScanPortState {
    return this.at(index).result.state;
  }
  position(index: number): number {
    return this.at(index).position;
  }
  address(index: number): string {
    return this.at(index).result.address;
  }
  ipv4(index: number): number | null {
    const result = this.at(index).result;
    return result.family === 4 ? parseIPv4(result.address) : null;
  }
  result(index: number): ScanResult {
    return this.at(index).result;
  }
  private at(index: number): DecodedRecord {
    const record = this.records[index];
    if (record === undefined) throw new RangeError(`Expected a record index below ${this.records.length}, got ${index}`);
    return record;
  }
}

/**
 * Native result records read in place. The constructor checks every record's
 * family and state once, so a contract break (unknown family or state) fails
 * the whole batch before any of it is used.
 */
export class NativeRecordBatch implements RecordBatch {
  readonly length: number;
  private readonly view: DataView;

  /**
   * @param records the packed records (owned by this batch; formatters may read them, reporters/jsonl.ts)
   * @param engine the engine that produced them
   */
  constructor(
    readonly records: Uint8Array,
    readonly engine: ScanEngineName,
  ) {
    if (records.byteLength % RESULT_RECORD_BYTES !== 0) {
      throw new RangeError(`Expected native results in ${RESULT_RECORD_BYTES}-byte records, got ${records.byteLength} bytes`);
    }
    this.length = records.byteLength / RESULT_RECORD_BYTES;
    this.view = new DataView(records.buffer, records.byteOffset, records.byteLength);
    for (let base = 0; base < records.byteLength; base += RESULT_RECORD_BYTES) {
      const family = records[base + RECORD.family] as number;
      const stateCode = records[base + RECORD.state] as number;
      if ((family !== 4 && family !== 6) || STATE_NAMES[stateCode] === undefined) {
        throw new RangeError(`Expected a native record with family 4 or 6 and a known state, got family ${family}, state ${stateCode}`);
      }
    }
  }

  state(index: number): ScanPortState {
    return STATE_NAMES[this.records[index * RESULT_RECORD_BYTES + RECORD.state] as number] as ScanPortState;
  }

  position(index: number): number {
    return this.view.getFloat64(index * RESULT_RECORD_BYTES + RECORD.position, true);
  }

  ipv4(index: number): number | null {
    const base = index * RESULT_RECORD_BYTES;
    return this.view.getUint8(base + RECORD.family) === 4 ? this.view.getUint32(base + RECORD.address, false) : null;
  }

  address(index: number): string {
    const base = index * RESULT_RECORD_BYTES;
    return this.view.getUint8(base + RECORD.family) === 4
      ? formatIPv4(this.view.getUint32(base + RECORD.address, false))
      : formatIPv6(readIPv6Bytes(this.records, base + RECORD.address));
  }

  result(index: number): ScanResult {
    const view = this.view;
    const base = index * RESULT_RECORD_BYTES;
    const rttMicros = view.getUint32(base + RECORD.rttMicros, true);
    const flags = view.getUint16(base + RECORD.flags, true);
    const result: ScanResult = {
      address: this.address(index),
      family: view.getUint8(base + RECORD.family) as 4 | 6,
      port: view.getUint16(base + RECORD.port, true),
      protocol: 'tcp',
      state: this.state(index),
      reason: REASON_BY_CODE.get(view.getUint8(base + RECORD.reason)) ?? 'unknown',
      rttMs: rttMicros === 0xffffffff ? null : Math.round(rttMicros) / 1000,
      tries: view.getUint8(base + RECORD.tries),
      engine: this.engine,
    };
    if (flags & RECORD_FLAG_TARPIT) result.tarpit = true;
    return result;
  }
}

/** Decodes every whole record in `records`; throws on an unknown family or state (a contract break, not input). */
export function decodeRecords(records: Uint8Array, engine: ScanEngineName): DecodedRecord[] {
  const batch = new NativeRecordBatch(records, engine);
  return Array.from({ length: batch.length }, (_, index) => ({ result: batch.result(index), position: batch.position(index) }));
}
