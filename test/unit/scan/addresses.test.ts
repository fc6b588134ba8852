import { describe, expect, it } from 'vitest';
import { TargetParseError } from '../../../src/errors/target-parse-error.js';
import {
  formatIPv4,
  formatIPv6,
  parseAddress,
  parseIPv4,
  parseIPv6,
  readIPv6Bytes,
  writeIPv6Bytes,
} from '../../../src/scan/addresses.js';

describe('IPv4 parsing and formatting', () => {
  it('round-trips dotted quads', () => {
    for (const text of ['0.0.0.0', '127.0.0.1', '198.18.0.255', '203.0.113.7', '198.51.100.200']) {
      const value = parseIPv4(text);
      expect(value).not.toBeNull();
      expect(formatIPv4(value as number)).toBe(text);
    }
    expect(parseIPv4('198.18.1.2')).toBe(((198 * 256 + 18) * 256 + 1) * 256 + 2);
  });

  it('rejects malformed quads instead of guessing', () => {
    for (const text of ['198.18.0', '198.18.0.256', '198.18.0.1.5', '198.18.00.1', '198.18.0.-1', '198.18.0.x', '', ' 198.18.0.1']) {
      expect(parseIPv4(text)).toBeNull();
    }
  });
});

describe('IPv6 parsing and RFC 5952 formatting', () => {
  const cases: Array<[string, string]> = [
    ['::', '::'],
    ['::1', '::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'], // first of two equal runs
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'], // a single zero group is not compressed
    ['2001:db8::', '2001:db8::'],
    ['2001:db8:0:0:0:0:ffff:1', '2001:db8::ffff:1'],
    ['2001:db8:1:0:0:0:0:0', '2001:db8:1::'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'], // the longer run wins
    ['::ffff:198.18.0.1', '::ffff:198.18.0.1'],
    ['::ffff:c612:1', '::ffff:198.18.0.1'],
    ['2001:db8::198.18.0.1', '2001:db8::c612:1'],
  ];
  it.each(cases)('%s → %s', (input, canonical) => {
    const value = parseIPv6(input);
    expect(value).not.toBeNull();
    expect(formatIPv6(value as bigint)).toBe(canonical);
  });

  it('rejects malformed IPv6 text', () => {
    for (const text of [':', ':::', '1::2::3', '2001:db8:1:2:3:4:5:6:7', '2001:db8:1:2:3:4:5', '2001:db8::12345', '2001:db8::g', '::1:', ':1::']) {
      expect(parseIPv6(text), text).toBeNull();
    }
  });

  it('round-trips through 16 big-endian bytes', () => {
    const value = parseIPv6('2001:db8:1234:5678:9abc:def0:1:2') as bigint;
    const bytes = new Uint8Array(20);
    writeIPv6Bytes(value, bytes, 2);
    expect([...bytes.subarray(2, 6)]).toEqual([0x20, 0x01, 0x0d, 0xb8]);
    expect(readIPv6Bytes(bytes, 2)).toBe(value);
  });
});

describe('parseAddress', () => {
  it('treats IPv4-mapped IPv6 as the IPv4 address it names', () => {
    expect(parseAddress('::ffff:198.18.0.9')).toEqual({ family: 4, value: parseIPv4('198.18.0.9') });
  });

  it('rejects zone ids with a message that says why', () => {
    expect(() => parseAddress('2001:db8::1%eth0')).toThrow(TargetParseError);
    expect(() => parseAddress('2001:db8::1%eth0')).toThrow(/zone id.*got `2001:db8::1%eth0`|got `2001:db8::1%eth0`.*zone id/);
  });

  it('returns null for text that is not an address', () => {
    expect(parseAddress('example.test')).toBeNull();
  });
});
