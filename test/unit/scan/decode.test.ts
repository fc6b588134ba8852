import { describe, expect, it } from 'vitest';
import { NativePortState, NativeReason, RECORD, RECORD_FLAG_TARPIT, RESULT_RECORD_BYTES } from '../../../src/native.js';
import { parseIPv6, writeIPv6Bytes } from '../../../src/scan/addresses.js';
import { decodeRecords } from '../../../src/scan/decode.js';

function record(view: DataView, bytes: Uint8Array, base: number, fields: { family: 4 | 6; address: string; port: number; state: number; reason: number; tries: number; rtt: number; flags: number; position: number }): void {
  view.setUint8(base + RECORD.family, fields.family);
  view.setUint8(base + RECORD.state, fields.state);
  view.setUint8(base + RECORD.reason, fields.reason);
  view.setUint8(base + RECORD.tries, fields.tries);
  view.setUint16(base + RECORD.port, fields.port, true);
  view.setUint16(base + RECORD.flags, fields.flags, true);
  view.setUint32(base + RECORD.rttMicros, fields.rtt, true);
  if (fields.family === 4) fields.address.split('.').forEach((octet, i) => view.setUint8(base + RECORD.address + i, Number(octet)));
  else writeIPv6Bytes(parseIPv6(fields.address) as bigint, bytes, base + RECORD.address);
  view.setFloat64(base + RECORD.position, fields.position, true);
}

describe('decodeRecords', () => {
  it('decodes IPv4 and IPv6 records per the src/native.ts layout', () => {
    const bytes = new Uint8Array(RESULT_RECORD_BYTES * 2);
    const view = new DataView(bytes.buffer);
    record(view, bytes, 0, { family: 4, address: '198.18.0.7', port: 8080, state: NativePortState.open, reason: NativeReason.synAck, tries: 1, rtt: 1234, flags: RECORD_FLAG_TARPIT, position: 2 ** 40 + 5 });
    record(view, bytes, RESULT_RECORD_BYTES, { family: 6, address: '2001:db8::1', port: 22, state: NativePortState.filtered, reason: NativeReason.timeout, tries: 2, rtt: 0xffffffff, flags: 0, position: 9 });
    const decoded = decodeRecords(bytes, 'syn');
    expect(decoded).toEqual([
      {
        position: 2 ** 40 + 5,
        result: { address: '198.18.0.7', family: 4, port: 8080, protocol: 'tcp', state: 'open', reason: 'syn-ack', rttMs: 1.234, tries: 1, engine: 'syn', tarpit: true },
      },
      {
        position: 9,
        result: { address: '2001:db8::1', family: 6, port: 22, protocol: 'tcp', state: 'filtered', reason: 'timeout', rttMs: null, tries: 2, engine: 'syn' },
      },
    ]);
  });

  it('decodes from a view with a byte offset and rejects partial records', () => {
    const backing = new Uint8Array(8 + RESULT_RECORD_BYTES);
    const bytes = backing.subarray(8);
    record(new DataView(backing.buffer, 8), bytes, 0, { family: 4, address: '127.0.0.1', port: 1, state: NativePortState.closed, reason: NativeReason.refused, tries: 1, rtt: 10, flags: 0, position: 0 });
    expect(decodeRecords(bytes, 'connect')[0]?.result).toMatchObject({ address: '127.0.0.1', state: 'closed', reason: 'refused', engine: 'connect' });
    expect(() => decodeRecords(new Uint8Array(RESULT_RECORD_BYTES + 1), 'connect')).toThrow(RangeError);
  });
});
