/**
 * Native result records (RESULT_RECORD_BYTES each, layout in src/native.ts) → ScanResult.
 */
import { NativeReason, NativePortState, RECORD, RECORD_FLAG_TARPIT, RESULT_RECORD_BYTES } from '../native.js';
import { formatIPv4, formatIPv6, readIPv6Bytes } from './addresses.js';
import type { ScanEngineName, ScanPortState, ScanReason, ScanResult } from './types.js';

const STATE_BY_CODE = new Map<number, ScanPortState>([
  [NativePortState.open, 'open'],
  [NativePortState.closed, 'closed'],
  [NativePortState.filtered, 'filtered'],
  [NativePortState.unreachable, 'unreachable'],
]);

const REASON_BY_CODE = new Map<number, ScanReason>([
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

export interface DecodedRecord {
  result: ScanResult;
  /** Shard-local position of the probe (for resume bookkeeping). */
  position: number;
}

/** Decodes every whole record in `records`; throws on an unknown family or state (a contract break, not input). */
export function decodeRecords(records: Uint8Array, engine: ScanEngineName): DecodedRecord[] {
  if (records.byteLength % RESULT_RECORD_BYTES !== 0) {
    throw new RangeError(`Expected native results in ${RESULT_RECORD_BYTES}-byte records, got ${records.byteLength} bytes`);
  }
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const out: DecodedRecord[] = [];
  for (let base = 0; base < records.byteLength; base += RESULT_RECORD_BYTES) {
    const family = view.getUint8(base + RECORD.family);
    const stateCode = view.getUint8(base + RECORD.state);
    const state = STATE_BY_CODE.get(stateCode);
    if ((family !== 4 && family !== 6) || state === undefined) {
      throw new RangeError(`Expected a native record with family 4 or 6 and a known state, got family ${family}, state ${stateCode}`);
    }
    const address =
      family === 4
        ? formatIPv4(view.getUint32(base + RECORD.address, false))
        : formatIPv6(readIPv6Bytes(records, base + RECORD.address));
    const rttMicros = view.getUint32(base + RECORD.rttMicros, true);
    const flags = view.getUint16(base + RECORD.flags, true);
    const result: ScanResult = {
      address,
      family,
      port: view.getUint16(base + RECORD.port, true),
      protocol: 'tcp',
      state,
      reason: REASON_BY_CODE.get(view.getUint8(base + RECORD.reason)) ?? 'unknown',
      rttMs: rttMicros === 0xffffffff ? null : Math.round(rttMicros) / 1000,
      tries: view.getUint8(base + RECORD.tries),
      engine,
    };
    if (flags & RECORD_FLAG_TARPIT) result.tarpit = true;
    out.push({ result, position: view.getFloat64(base + RECORD.position, true) });
  }
  return out;
}
