import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../src/errors/index.js';
import { parseIanaCsv, readIanaCsvRecords } from '../../../src/registry/iana-csv.js';
import { NAME_ONLY_PORT } from '../../../src/registry/iana-registry.js';
import { PROTOCOLS } from '../../../src/registry/types.js';
import { ianaFixturePath, readIanaFixture } from './iana-fixtures.js';

const file = ianaFixturePath('quirks.csv');
const registry = parseIanaCsv(readIanaFixture('quirks.csv'), file);

describe('parseIanaCsv on the quirks fixture', () => {
  it('reads every record, with the line each starts on (multi-line fields count)', () => {
    expect(registry.records).toHaveLength(29);
    const inetfs = registry.records.find((record) => record.name === 'inetfs');
    expect(inetfs?.line).toBe(21);
    expect(registry.records.find((record) => record.name === '' && record.ports?.start === 8010)?.line).toBe(23);
  });

  it('expands ranges for their protocol only', () => {
    for (const port of [6000, 6001, 6002, 6003]) {
      expect(registry.stateOf('tcp', port)).toBe('assigned');
      expect(registry.stateOf('udp', port)).toBe('assigned');
      expect(registry.lookup('tcp', port)[0]?.names).toEqual(['x11']);
    }
    expect(registry.stateOf('sctp', 6000)).toBe('unknown');
    expect(registry.stateOf('tcp', 6004)).toBe('unknown');
  });

  it('reads an empty protocol as every transport', () => {
    for (const protocol of PROTOCOLS) {
      expect(registry.stateOf(protocol, 81)).toBe('unassigned');
      expect(registry.stateOf(protocol, 4495)).toBe('unassigned');
      expect(registry.stateOf(protocol, 49151)).toBe('reserved');
    }
  });

  it('keeps name-only rows for byName, with port -1, and nowhere else', () => {
    const argus = registry.byName('ARGUS');
    expect(argus.map((entry) => entry.protocol)).toEqual([...PROTOCOLS]);
    expect(argus.every((entry) => entry.port === NAME_ONLY_PORT && entry.description === 'ARGUS Protocol')).toBe(true);
    expect(registry.byName('sometcpname').map((entry) => [entry.protocol, entry.port])).toEqual([['tcp', NAME_ONLY_PORT]]);
    expect(registry.byName('x11')).toHaveLength(8);
    expect(registry.byName('no-such-name')).toEqual([]);
  });

  it('unquotes multi-line fields and doubled quotes', () => {
    const [ollama] = registry.lookup('tcp', 11434);
    expect(ollama?.description).toBe('Ollama, an "LLM" runner');
    expect(ollama?.extra.assignmentNotes).toBe('Line one\nLine two\n');
    expect(registry.lookup('tcp', 7775)[0]?.description).toBe('A File System using TLS\nover a wide area network');
    expect(registry.lookup('tcp', 80).map((entry) => entry.extra.assignmentNotes)[1]).toBe('This entry is an alias to "http".');
  });

  it('maps free-text states and keeps the text', () => {
    const status = (protocol: 'tcp' | 'udp', port: number) => {
      const [entry] = registry.lookup(protocol, port);
      return [entry?.state, entry?.extra.ianaStatusText];
    };
    expect(status('tcp', 15)).toEqual(['unassigned', 'Unassigned [was netstat]']);
    expect(status('udp', 114)).toEqual(['unassigned', 'unassigned']);
    expect(status('tcp', 585)).toEqual(['reserved', 'De-registered']);
    expect(status('tcp', 659)).toEqual(['reserved', 'Removed']);
    expect(status('udp', 1028)).toEqual(['reserved', 'Deprecated']);
    expect(status('tcp', 1109)).toEqual(['reserved', 'Reserved - IANA']);
    expect(status('udp', 14001)).toEqual(['reserved', 'De-Registered']);
    expect(status('tcp', 1)).toEqual(['assigned', undefined]);
  });

  it('lets an assigned row win inside an Unassigned range, and lists it first', () => {
    expect(registry.stateOf('tcp', 7775)).toBe('assigned');
    expect(registry.lookup('tcp', 7775).map((entry) => entry.state)).toEqual(['assigned', 'unassigned']);
    expect(registry.stateOf('udp', 7775)).toBe('unassigned');
    expect(registry.stateOf('tcp', 7776)).toBe('unassigned');
  });

  it('calls a (port, protocol) without a row unknown, not free', () => {
    expect(registry.stateOf('tcp', 716)).toBe('unknown');
    expect(registry.lookup('tcp', 716)).toEqual([]);
    expect(registry.stateOf('udp', 716)).toBe('reserved');
    expect(registry.stateOf('tcp', 60000)).toBe('unknown');
  });

  it('keeps every name of a port', () => {
    expect(registry.lookup('tcp', 80).flatMap((entry) => entry.names)).toEqual(['http', 'www', 'www-http']);
    expect(registry.byName('www')).toHaveLength(1);
  });

  it('splits one port between transports', () => {
    expect(registry.stateOf('tcp', 11434)).toBe('assigned');
    expect(registry.stateOf('udp', 11434)).toBe('reserved');
  });

  it('marks only the ports an unauthorized-use text names, else the whole row', () => {
    const marked = (protocol: 'tcp' | 'udp', port: number) => registry.lookup(protocol, port).some((entry) => entry.extra.unauthorizedUse !== undefined);
    expect([4489, 4490, 4491, 4492].map((port) => marked('tcp', port))).toEqual([false, true, true, false]);
    expect([11487, 11488].map((port) => marked('udp', port))).toEqual([false, true]);
    expect([6002, 6003].map((port) => marked('tcp', port))).toEqual([false, true]);
    expect(marked('tcp', 8010)).toBe(true);
    expect(registry.lookup('tcp', 4490)[0]?.extra.unauthorizedUse).toBe('Known UNAUTHORIZED USE: Ports 4490 and 4491');
  });

  it('reports origin, newest date, file/line on entries, and the expanded entry count', () => {
    expect(registry.origin).toBe(file);
    expect(registry.updated).toBe('2026-04-09');
    const [inetfs] = registry.lookup('tcp', 7775);
    expect(inetfs?.extra).toMatchObject({ file, line: 21, registrationDate: '2021-08-06', assignee: '[Ameer_Ahmad]' });
    // singles: 2+1+2+3+1(tcp 716 udp)+1(11434 tcp)+1(11434 udp)+1(14001 sctp)+1(14001 udp) = 13;
    // all-protocol singles ×4: 81,114,585,659,1028,1109,8010,49151 → 32; ranges: x11 4×2, 4489-4499 11×4, 7748-7776 29×4, 11435-11488 54×4
    expect(registry.entryCount).toBe(13 + 32 + 8 + 44 + 116 + 216 + 1);
  });

  it('rejects a port that is not an integer from 0 to 65535 in queries', () => {
    expect(() => registry.stateOf('tcp', 70000)).toThrow(/Expected a port from 0 to 65535, got `70000`/);
    expect(() => registry.lookup('tcp', 1.5)).toThrow(/Expected a port/);
    expect(() => registry.stateOf('icmp' as 'tcp', 1)).toThrow(/Expected a protocol/);
  });
});

describe('parseIanaCsv on malformed input', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['bad-header.csv', 1, /Expected the IANA header of 12 columns .*got 11 columns/],
    ['port-70000.csv', 3, /Expected a port from 0 to 65535, got `70000`/],
    ['reversed-range.csv', 5, /Expected a range whose start is not above its end, got `90-80`/],
    ['unterminated-quote.csv', 3, /Expected a closing quote/],
    ['wrong-field-count.csv', 3, /Expected 12 fields, got 11/],
  ];
  for (const [name, line, message] of cases) {
    it(`${name} → RegistryParseError at line ${line}`, () => {
      const path = ianaFixturePath(name);
      let caught: unknown;
      try {
        parseIanaCsv(readIanaFixture(name), path);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RegistryParseError);
      const error = caught as RegistryParseError;
      expect(error.file).toBe(path);
      expect(error.line).toBe(line);
      expect(error.message).toMatch(message);
      expect(error.message.startsWith(`${path}:${line}: `)).toBe(true);
    });
  }

  it('rejects a stray quote, a protocol it does not know, a row with neither port nor name, and an empty line before a record', () => {
    const header = readIanaFixture('quirks.csv').split('\r\n')[0] ?? '';
    const parse = (...lines: string[]) => () => readIanaCsvRecords([header, ...lines].join('\r\n'), 'inline.csv');
    expect(parse('a"b,4,tcp,x,,,,,,,,')).toThrow(/inline\.csv:2: Expected no quote inside an unquoted field/);
    expect(parse('x,4,icmp,x,,,,,,,,')).toThrow(/inline\.csv:2: Expected a transport protocol .* got `icmp`/);
    expect(parse(',,tcp,x,,,,,,,,')).toThrow(/inline\.csv:2: Expected a port number or a service name/);
    expect(parse(',4,tcp,x,,,,,,,,', '', ',5,tcp,x,,,,,,,,')).toThrow(/inline\.csv:3: Expected a record, got an empty line/);
    expect(parse('x,"4"z,tcp,x,,,,,,,,')).toThrow(/Expected a comma or a line end after a closing quote/);
    expect(parse('x,abc,tcp,x,,,,,,,,')).toThrow(/Expected a port number or range such as `6000-6063`, got `abc`/);
  });

  it('accepts LF record ends, a BOM, a missing final line break and trailing empty lines', () => {
    const crlf = readIanaFixture('quirks.csv');
    const variants = [crlf.replace(/\r\n/g, '\n'), `\uFEFF${crlf}`, crlf.replace(/\r\n$/, ''), `${crlf}\r\n\r\n`];
    for (const text of variants) {
      expect(readIanaCsvRecords(text, 'variant.csv').map((record) => [record.name, record.ports?.start])).toEqual(
        registry.records.map((record) => [record.name, record.ports?.start]),
      );
    }
  });
});
