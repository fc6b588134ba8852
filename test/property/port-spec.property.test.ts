import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PortSpecError } from '../../src/errors/port-spec-error.js';
import { parsePortSpec } from '../../src/scan/ports.js';
import { check, textOf, timed } from './property-helpers.js';

describe('port-spec parser (properties)', () => {
  it('any text: ascending unique ports from 1 to 65535, or a PortSpecError', () => {
    check(
      fc.property(textOf('0123456789,- T:tUu\t65535'), (text) => {
        const { value, error } = timed(() => parsePortSpec(text));
        if (error !== undefined) {
          expect(error).toBeInstanceOf(PortSpecError);
          return;
        }
        const ports = value as Uint16Array;
        let ascending = ports.length > 0 && (ports[0] as number) >= 1;
        for (let i = 1; i < ports.length && ascending; i += 1) ascending = (ports[i] as number) > (ports[i - 1] as number);
        expect(ascending, `ports of \`${text}\``).toBe(true);
      }),
      1000,
    );
  });

  it('a spec made of ports and ranges parses to exactly their union', () => {
    const item = fc.oneof(
      fc.integer({ min: 1, max: 65535 }).map((port) => ({ text: String(port), low: port, high: port })),
      fc
        .tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 0, max: 3000 }))
        .map(([low, span]) => ({ text: `${low}-${Math.min(65535, low + span)}`, low, high: Math.min(65535, low + span) })),
      fc.integer({ min: 1, max: 65535 }).map((high) => ({ text: `-${high}`, low: 1, high })),
      fc.integer({ min: 1, max: 65535 }).map((low) => ({ text: `${low}-`, low, high: 65535 })),
    );
    check(
      fc.property(fc.array(item, { minLength: 1, maxLength: 8 }), fc.boolean(), fc.constantFrom('', ' ', '\t'), (items, tcpPrefix, space) => {
        const text = items.map((i, n) => `${space}${tcpPrefix && n === 0 ? 'T:' : ''}${i.text}${space}`).join(',');
        const expected = new Uint8Array(65536);
        for (const i of items) expected.fill(1, i.low, i.high + 1);
        const { value, error } = timed(() => parsePortSpec(text));
        expect(error).toBeUndefined();
        const got = new Uint8Array(65536);
        for (const port of value as Uint16Array) got[port] = 1;
        expect(Buffer.compare(got, expected), `\`${text}\``).toBe(0);
        expect((value as Uint16Array).length).toBe(expected.reduce((sum, bit) => sum + bit, 0));
      }),
    );
  });

  it('ports outside 1-65535, reversed ranges and UDP/SCTP prefixes are PortSpecErrors', () => {
    check(
      fc.property(
        fc.oneof(
          fc.integer({ min: 65536, max: 10_000_000 }).map(String),
          fc.constant('0'),
          fc.tuple(fc.integer({ min: 2, max: 65535 }), fc.integer({ min: 1, max: 65534 })).filter(([a, b]) => b < a).map(([a, b]) => `${a}-${b}`),
          fc.integer({ min: 1, max: 65535 }).map((p) => `U:${p}`),
          fc.integer({ min: 1, max: 65535 }).map((p) => `S:${p}`),
        ),
        (text) => {
          const { error } = timed(() => parsePortSpec(text));
          expect(error).toBeInstanceOf(PortSpecError);
        },
      ),
    );
  });
});
