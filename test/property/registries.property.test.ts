/**
 * The registry parsers on any text: a typed RegistryParseError or a parse, never
 * another exception, never a hang; and on text generated from a model, exactly
 * the model's entries.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../src/errors/registry-parse-error.js';
import { IANA_CSV_COLUMNS, readIanaCsvRecords } from '../../src/registry/iana-csv.js';
import { parseNmapServices } from '../../src/registry/nmap-services.js';
import { parseServicesFile } from '../../src/registry/services-file.js';
import { check, textOf, timed } from './property-helpers.js';

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/);
const protocol = fc.constantFrom('tcp', 'udp', 'sctp');

function expectTypedOrParsed(outcome: { error?: unknown }): void {
  if (outcome.error !== undefined) expect(outcome.error).toBeInstanceOf(RegistryParseError);
}

describe('IANA CSV parser (properties)', () => {
  const header = IANA_CSV_COLUMNS.join(',');

  it('any text after the header: records or a RegistryParseError', () => {
    check(
      fc.property(textOf('abc,"\r\n0123456789-tcpudp '), (body) => {
        expectTypedOrParsed(timed(() => readIanaCsvRecords(`${header}\r\n${body}`, 'fuzz.csv')));
        expectTypedOrParsed(timed(() => readIanaCsvRecords(body, 'fuzz.csv')));
      }),
      2000,
    );
  });

  it('records written with RFC 4180 quoting read back as written', () => {
    const field = fc.string({ maxLength: 30 }).filter((text) => !text.includes('\r'));
    const quote = (text: string) => (/[",\n]/.test(text) || text === '' ? `"${text.replace(/"/g, '""')}"` : text);
    const row = fc.record({
      name,
      port: fc.option(fc.tuple(fc.integer({ min: 0, max: 65535 }), fc.integer({ min: 0, max: 20 })), { nil: null }),
      protocol: fc.option(protocol, { nil: null }),
      description: field,
    });
    check(
      fc.property(fc.array(row, { minLength: 1, maxLength: 20 }), (rows) => {
        const lines = rows.map((r) => {
          const port = r.port === null ? '' : r.port[1] === 0 ? String(r.port[0]) : `${r.port[0]}-${Math.min(65535, r.port[0] + r.port[1])}`;
          return [r.name, port, r.protocol ?? '', quote(r.description), '', '', '', '', '', '', '', ''].join(',');
        });
        const records = readIanaCsvRecords(`${header}\r\n${lines.join('\r\n')}\r\n`, 'model.csv');
        expect(records.length).toBe(rows.length);
        records.forEach((record, i) => {
          const r = rows[i] as (typeof rows)[number];
          expect(record.name).toBe(r.name);
          expect(record.protocol).toBe(r.protocol);
          expect(record.description).toBe(r.description);
          expect(record.ports).toEqual(r.port === null ? null : { start: r.port[0], end: Math.min(65535, r.port[0] + r.port[1]) });
        });
      }),
      300,
    );
  });
});

describe('services(5) parser (properties)', () => {
  it('any text: entries or a RegistryParseError', () => {
    check(
      fc.property(textOf('abc 0123456789/tcpudp#\t\r\n\ufeff'), (text) => {
        expectTypedOrParsed(timed(() => parseServicesFile(text, 'fuzz-services')));
      }),
      2000,
    );
  });

  it('lines `name port/proto aliases # comment` give exactly those entries', () => {
    const line = fc.record({ name, port: fc.integer({ min: 0, max: 65535 }), protocol, aliases: fc.array(name, { maxLength: 3 }), comment: fc.boolean() });
    check(
      fc.property(fc.array(line, { minLength: 1, maxLength: 30 }), fc.boolean(), (lines, crlf) => {
        const text = lines.map((l) => `${l.name}\t${l.port}/${l.protocol} ${l.aliases.join(' ')}${l.comment ? ' # a comment' : ''}`).join(crlf ? '\r\n' : '\n');
        const { index } = parseServicesFile(text, 'model-services');
        for (const l of lines) {
          const names = index.lookup(l.protocol as 'tcp', l.port).flatMap((entry) => entry.names);
          expect(names).toContain(l.name);
          for (const alias of l.aliases) expect(names).toContain(alias);
        }
        const keys = new Set(lines.map((l) => `${l.protocol}/${l.port}`));
        let found = 0;
        for (const key of keys) {
          const [p, port] = key.split('/');
          if (index.has(p as 'tcp', Number(port))) found += 1;
        }
        expect(found).toBe(keys.size);
      }),
      300,
    );
  });
});

describe('nmap-services parser (properties)', () => {
  it('any text: entries or a RegistryParseError', () => {
    check(
      fc.property(textOf('abc 0123456789/.tcpudp#\t\r\n'), (text) => {
        expectTypedOrParsed(timed(() => parseNmapServices(text, 'fuzz-nmap-services')));
      }),
      2000,
    );
  });

  it('lines `name\\tport/proto\\tratio` give the first entry of each port/proto with its frequency', () => {
    const ratio = fc.oneof(
      fc.integer({ min: 0, max: 999999 }).map((n) => ({ text: `0.${String(n).padStart(6, '0')}`, value: n / 1e6 })),
      fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 100 })).filter(([n, d]) => n <= d).map(([n, d]) => ({ text: `${n}/${d}`, value: n / d })),
    );
    const line = fc.record({ name, port: fc.integer({ min: 0, max: 65535 }), protocol, ratio, comment: fc.boolean() });
    check(
      fc.property(fc.array(line, { minLength: 1, maxLength: 40 }), (lines) => {
        const text = `# nmap-services (model)\n${lines.map((l) => `${l.name}\t${l.port}/${l.protocol}\t${l.ratio.text}${l.comment ? '\t# comment\twith # tabs' : ''}`).join('\n')}\n`;
        const parsed = parseNmapServices(text, 'model-nmap-services');
        const first = new Map<string, (typeof lines)[number]>();
        for (const l of lines) if (!first.has(`${l.protocol}/${l.port}`)) first.set(`${l.protocol}/${l.port}`, l);
        expect(parsed.entries).toBe(first.size);
        for (const l of first.values()) {
          expect(parsed.index.frequency(l.protocol as 'tcp', l.port)).toBeCloseTo(l.ratio.value, 9);
          expect(parsed.index.lookup(l.protocol as 'tcp', l.port).flatMap((entry) => entry.names)).toContain(l.name);
        }
      }),
      300,
    );
  });
});
