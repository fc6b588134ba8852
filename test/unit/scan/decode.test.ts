import { describe, expect, it } from 'vitest';
import { NativePortState, NativeReason, RECORD_FLAG_TARPIT, RESULT_RECORD_BYTES } from '../../../src/native.js';
import { decodeRecords } from '../../../src/scan/decode.js';
import { writeRecord } from '../../helpers/native-records.js';

describe('decodeRecords', () => {
  it('decodes IPv4 and IPv6 records per the src/native.ts layout', () => {
    const bytes = new Uint8Array(RESULT_RECORD_BYTES * 2);
    writeRecord(bytes, 0, { family: 4, address: '198.18.0.7', port: 8080, state: NativePortState.open, reason: NativeReason.synAck, tries: 1, rttMicros: 1234, flags: RECORD_FLAG_TARPIT, position: 2 ** 40 + 5 });
    writeRecord(bytes, 1, { family: 6, address: '2001:db8::1', port: 22, state: NativePortState.filtered, reason: NativeReason.timeout, tries: 2, rttMicros: 0xffffffff, flags: 0, position: 9 });
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
    writeRecord(bytes, 0, { family: 4, address: '127.0.0.1', port: 1, state: NativePortState.closed, reason: NativeReason.refused, tries: 1, rttMicros: 10, flags: 0, position: 0 });
    expect(decodeRecords(bytes, 'connect')[0]?.result).toMatchObject({ address: '127.0.0.1', state: 'closed', reason: 'refused', engine: 'connect' });
    expect(() => decodeRecords(new Uint8Array(RESULT_RECORD_BYTES + 1), 'connect')).toThrow(RangeError);
  });
});
