import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ajvModule from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { newReservationFileText } from '../../../src/registry/reservation-writer.js';
import { RESERVATION_KEYS, parseReservations } from '../../../src/registry/reservations.js';
import { repoRoot } from '../../helpers/registry-files.js';

/** The published JSON Schema of the reservation file (schema/portpick.schema.json) against the reader. */
const schema = JSON.parse(readFileSync(join(repoRoot, 'schema', 'portpick.schema.json'), 'utf8'));
const Ajv = ajvModule.default;
// strictRequired is off: `anyOf`/`oneOf` branches name required keys that the parent object defines.
const validate = new Ajv({ allErrors: true, strict: true, strictRequired: false }).compile(schema);

const readerAccepts = (text: string, file: string): boolean => {
  try {
    parseReservations(text, file);
    return true;
  } catch {
    return false;
  }
};

describe('schema/portpick.schema.json', () => {
  it('is in the package', () => {
    const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toContain('schema');
  });

  it('names exactly the keys the reader accepts in a reservation, and $schema and org at the top', () => {
    expect(Object.keys(schema.definitions.reservation.properties).sort()).toEqual([...RESERVATION_KEYS].sort());
    expect(Object.keys(schema.properties).sort()).toEqual(['$schema', 'org', 'reservations']);
  });

  const files = [
    ...readdirSync(join(repoRoot, 'test', 'fixtures', 'reserve')).map((name) => join(repoRoot, 'test', 'fixtures', 'reserve', name)),
    join(repoRoot, 'test', 'fixtures', 'local', 'reservations.json'),
    join(repoRoot, 'test', 'fixtures', 'local', 'reservations.yaml'),
    join(repoRoot, 'test', 'fixtures', 'cli', 'reservations.json'),
  ];
  it.each(files)('validates %s, which the reader accepts', (file) => {
    const text = readFileSync(file, 'utf8');
    expect(readerAccepts(text, file)).toBe(true);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('validates the files `portpick reserve` creates', () => {
    const reservation = { port: 7437, protocols: ['tcp' as const, 'udp' as const], service: 'q', owner: 'o', note: 'n' };
    for (const format of ['yaml', 'json'] as const) expect(validate(parse(newReservationFileText(format, reservation)))).toBe(true);
  });

  it.each([
    ['a port out of range', 'reservations:\n  - port: 70000\n    service: x\n'],
    ['both port and ports', 'reservations:\n  - port: 80\n    ports: "81-82"\n    service: x\n'],
    ['neither port nor ports', 'reservations:\n  - service: x\n'],
    ['no service', 'reservations:\n  - port: 80\n'],
    ['a blank service', 'reservations:\n  - port: 80\n    service: "  "\n'],
    ['an unknown key (a typo)', 'reservations:\n  - port: 80\n    servcie: x\n    service: x\n'],
    ['an unknown protocol', 'reservations:\n  - port: 80\n    protocol: icmp\n    service: x\n'],
    ['an empty protocol list', 'reservations:\n  - port: 80\n    protocol: []\n    service: x\n'],
    ['reservations that are no list', 'reservations:\n  port: 80\n'],
    ['org that is no list', 'org: ../services\n'],
    ['neither key', 'other: 1\n'],
  ])('refuses %s, as the reader does', (_what, text) => {
    expect(readerAccepts(text, 'r.yaml') && !text.startsWith('org:')).toBe(false);
    expect(validate(parse(text))).toBe(false);
  });

  it.each([
    ['a protocol in capitals and a list', 'reservations:\n  - port: 80\n    protocol: [TCP, udp]\n    service: x\n'],
    ['ports as a number and as text', 'reservations:\n  - ports: 80\n    service: x\n  - ports: " 81 - 82 "\n    service: y\n'],
    ['$schema and other settings', '$schema: ./schema.json\norg: [../a]\nreservations: []\n'],
    ['an empty reservations key', 'reservations:\n'],
  ])('accepts %s, as the reader does', (_what, text) => {
    expect(readerAccepts(text, 'r.yaml')).toBe(true);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });
});
