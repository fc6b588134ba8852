/** Native result records (the src/native.ts layout) written by hand, for tests of their readers. */
import { RECORD, RESULT_RECORD_BYTES } from '../../src/native.js';
import { parseIPv6, writeIPv6Bytes } from '../../src/scan/addresses.js';

export interface RecordFields {
  family: 4 | 6;
  /** Dotted IPv4 or IPv6 text, or the 16 address bytes as stored (IPv4 in the first 4). */
  address: string | readonly number[];
  port: number;
  state: number;
  reason: number;
  tries: number;
  rttMicros: number;
  flags: number;
  position: number;
}

/** Writes record `index` of `bytes` (a view may start at any offset). */
export function writeRecord(bytes: Uint8Array, index: number, fields: RecordFields): void {
  const base = index * RESULT_RECORD_BYTES;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setUint8(base + RECORD.family, fields.family);
  view.setUint8(base + RECORD.state, fields.state);
  view.setUint8(base + RECORD.reason, fields.reason);
  view.setUint8(base + RECORD.tries, fields.tries);
  view.setUint16(base + RECORD.port, fields.port, true);
  view.setUint16(base + RECORD.flags, fields.flags, true);
  view.setUint32(base + RECORD.rttMicros, fields.rttMicros, true);
  if (typeof fields.address !== 'string') bytes.set(fields.address, base + RECORD.address);
  else if (fields.family === 4) fields.address.split('.').forEach((octet, i) => view.setUint8(base + RECORD.address + i, Number(octet)));
  else writeIPv6Bytes(parseIPv6(fields.address) as bigint, bytes, base + RECORD.address);
  view.setFloat64(base + RECORD.position, fields.position, true);
}

/** The records of `fields`, packed in order. */
export function packRecords(fields: readonly RecordFields[]): Uint8Array {
  const bytes = new Uint8Array(fields.length * RESULT_RECORD_BYTES);
  fields.forEach((f, i) => writeRecord(bytes, i, f));
  return bytes;
}
