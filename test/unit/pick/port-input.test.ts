import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PortSpecError } from '../../../src/errors/index.js';
import {
  assertPortRange,
  MINIMUM_PORT,
  parsePort,
  parsePortRange,
  parsePortRangeSpec,
  parseProtocol,
} from '../../../src/pick/port-input.js';

describe('parsePort', () => {
  it('reads decimal text and whole numbers', () => {
    expect(parsePort('80')).toBe(80);
    expect(parsePort('65535')).toBe(65535);
    expect(parsePort(1)).toBe(1);
    expect(parsePort('08080')).toBe(8080);
  });

  it('refuses 0 by default and accepts it with min 0', () => {
    expect(() => parsePort('0')).toThrow('Expected a port from 1 to 65535, got `0`');
    expect(parsePort('0', undefined, { min: 0 })).toBe(0);
    expect(parsePort(0, undefined, { min: 0 })).toBe(0);
  });

  it.each([
    ['70000', 'Expected a port from 0 to 65535, got `70000`'],
    ['65536', 'Expected a port from 0 to 65535, got `65536`'],
    ['abc', 'Expected a port from 0 to 65535, got `abc`'],
    ['', 'Expected a port from 0 to 65535, got an empty string'],
    ['-1', 'Expected a port from 0 to 65535, got `-1`'],
    ['1.5', 'Expected a port from 0 to 65535, got `1.5`'],
    ['+80', 'Expected a port from 0 to 65535, got `+80`'],
    [' 80', 'Expected a port from 0 to 65535, got ` 80`'],
    ['0x50', 'Expected a port from 0 to 65535, got `0x50`'],
    ['1e3', 'Expected a port from 0 to 65535, got `1e3`'],
  ])('refuses %j with a message saying what came', (text, message) => {
    const attempt = () => parsePort(text, undefined, { min: 0 });
    expect(attempt).toThrow(PortSpecError);
    expect(attempt).toThrow(message);
  });

  it('refuses non-integer, negative, huge and non-number values', () => {
    expect(() => parsePort(1.5)).toThrow('got `1.5`');
    expect(() => parsePort(-1)).toThrow('got `-1`');
    expect(() => parsePort(70000)).toThrow('Expected a port from 1 to 65535, got `70000`');
    expect(() => parsePort(Number.NaN)).toThrow(PortSpecError);
    expect(() => parsePort(null as unknown as number)).toThrow(PortSpecError);
  });

  it('names the value when told what it is', () => {
    expect(() => parsePort('x', 'START', { min: 0 })).toThrow('Expected START to be a port from 0 to 65535, got `x`');
  });

  it('documents port 0 per command', () => {
    expect(MINIMUM_PORT).toEqual({ ranges: 0, free: 0, check: 1, suggest: 1, request: 1 });
  });
});

describe('parsePortRange', () => {
  it('reads an inclusive range, START = END allowed', () => {
    expect(parsePortRange('8000', '9000')).toEqual({ start: 8000, end: 9000 });
    expect(parsePortRange('80', '80')).toEqual({ start: 80, end: 80 });
    expect(parsePortRange('0', '1023', { min: 0 })).toEqual({ start: 0, end: 1023 });
  });

  it('refuses a reversed range', () => {
    expect(() => parsePortRange('9000', '8000')).toThrow('Expected START ≤ END, got `9000`-`8000`');
  });

  it('refuses bad ends naming which end', () => {
    expect(() => parsePortRange('abc', '9000')).toThrow('Expected START to be a port from 1 to 65535, got `abc`');
    expect(() => parsePortRange('1', '70000')).toThrow('Expected END to be a port from 1 to 65535, got `70000`');
  });

  it('parses a START-END spec or a single port', () => {
    expect(parsePortRangeSpec('1024-49151')).toEqual({ start: 1024, end: 49151 });
    expect(parsePortRangeSpec('8080')).toEqual({ start: 8080, end: 8080 });
    expect(() => parsePortRangeSpec('1-2-3')).toThrow('Expected a port or a range START-END, got `1-2-3`');
    expect(() => parsePortRangeSpec('-5')).toThrow('got an empty string');
  });

  it('checks numeric ranges handed to the library', () => {
    expect(assertPortRange({ start: 1, end: 2 })).toEqual({ start: 1, end: 2 });
    expect(() => assertPortRange({ start: 5, end: 4 })).toThrow('Expected START ≤ END, got `5`-`4`');
    expect(() => assertPortRange(null as never)).toThrow(PortSpecError);
  });
});

describe('parseProtocol', () => {
  it('accepts the four transports in any case', () => {
    expect(parseProtocol('tcp')).toBe('tcp');
    expect(parseProtocol('UDP')).toBe('udp');
    expect(parseProtocol('Sctp')).toBe('sctp');
    expect(parseProtocol('dccp')).toBe('dccp');
  });

  it('refuses anything else', () => {
    expect(() => parseProtocol('icmp')).toThrow(InvalidArgumentError);
    expect(() => parseProtocol('icmp')).toThrow('Expected a protocol (tcp, udp, sctp, dccp), got `icmp`');
    expect(() => parseProtocol('')).toThrow('got an empty string');
    expect(() => parseProtocol(' tcp')).toThrow(InvalidArgumentError);
  });
});
