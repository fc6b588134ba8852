import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../src/errors/index.js';
import { addReservationToText, newReservationFileText, type NewReservation } from '../../../src/registry/reservation-writer.js';
import { parseReservations } from '../../../src/registry/reservations.js';
import { repoRoot } from '../../helpers/registry-files.js';

const fixtures = join(repoRoot, 'test', 'fixtures', 'reserve');
const jobQueue: NewReservation = { port: 7437, protocols: ['tcp'], service: 'job-queue', owner: 'platform: core', note: 'new # not a comment' };

/** `after` is `before` with one run of lines inserted (returned); fails when anything else changed. */
function insertedLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let prefix = 0;
  while (prefix < a.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  expect(prefix + suffix, 'every original line is kept, in order').toBe(a.length);
  return b.slice(prefix, b.length - suffix);
}

describe('addReservationToText', () => {
  it('round-trips a commented YAML file unchanged apart from the new entry', () => {
    const before = readFileSync(join(fixtures, 'commented.yaml'), 'utf8');
    const after = addReservationToText(before, 'commented.yaml', jobQueue);
    expect(insertedLines(before, after)).toEqual([
      '  - port: 7437',
      '    protocol: tcp',
      '    service: job-queue',
      '    owner: "platform: core"',
      '    note: "new # not a comment"',
    ]);
    // Inserted after the last reservation, before the commented-out one and the next key.
    expect(after.indexOf('service: job-queue')).toBeLessThan(after.indexOf('# - port: 7420'));
    const reservations = parseReservations(after, 'commented.yaml') ?? [];
    expect(reservations.map((r) => r.service)).toEqual(['billing', 'billing-workers', 'job-queue']);
    expect(reservations[2]).toMatchObject({ first: 7437, last: 7437, protocols: ['tcp'], owner: 'platform: core', note: 'new # not a comment' });
  });

  it.each(readdirSync(fixtures).filter((name) => name !== 'commented.yaml'))('adds to %s and changes nothing else', (name) => {
    const before = readFileSync(join(fixtures, name), 'utf8');
    const after = addReservationToText(before, name, jobQueue);
    const old = parseReservations(before, name) ?? [];
    const now = parseReservations(after, name) ?? [];
    expect(now).toHaveLength(old.length + 1);
    expect(now.slice(0, -1).map(({ line: _line, ...rest }) => rest)).toEqual(old.map(({ line: _line, ...rest }) => rest));
    expect(now.at(-1)).toMatchObject({ first: 7437, service: 'job-queue', owner: 'platform: core', note: 'new # not a comment' });
    // Every original line is kept (JSON adds a comma after the item before the new one); only whole lines are added.
    const normalise = (text: string): string => text.replace(/\r/g, '').replace(/,$/gm, '');
    if (!['flow.yaml', 'one-line.json', 'empty.json'].includes(name)) {
      expect(insertedLines(normalise(before), normalise(after)).join('\n')).toMatch(/7437/);
    }
    if (before.includes('\r\n')) expect(after.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('writes a protocol list and text that needs quoting so that it reads back exactly', () => {
    const odd: NewReservation = { port: 9000, protocols: ['tcp', 'udp'], service: 'game: server', note: 'line one\nline two', owner: "it's 'ours'" };
    for (const name of ['zero-indent.yaml', 'multi-line.json', 'flow.yaml']) {
      const after = addReservationToText(readFileSync(join(fixtures, name), 'utf8'), name, odd);
      expect(parseReservations(after, name)?.at(-1)).toMatchObject({ protocols: ['tcp', 'udp'], service: 'game: server', note: 'line one\nline two', owner: "it's 'ours'" });
    }
  });

  it('refuses a file that is not a valid reservation file, changing nothing', () => {
    expect(() => addReservationToText('reservations:\n  - port: 70000\n    service: x\n', 'r.yaml', jobQueue)).toThrow(RegistryParseError);
    expect(() => addReservationToText('{ "reservations": [', 'r.json', jobQueue)).toThrow(/valid JSON/);
  });
});

describe('newReservationFileText', () => {
  it.each(['yaml', 'json'] as const)('makes a %s file that reads back', (format) => {
    const text = newReservationFileText(format, jobQueue);
    expect(parseReservations(text, `new.${format}`)).toEqual([
      expect.objectContaining({ first: 7437, last: 7437, protocols: ['tcp'], service: 'job-queue', owner: 'platform: core', note: 'new # not a comment' }),
    ]);
  });
});
