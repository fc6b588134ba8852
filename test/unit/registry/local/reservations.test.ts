import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../../src/errors/index.js';
import { findReservationFile } from '../../../../src/registry/locate.js';
import { loadReservations, parseReservations } from '../../../../src/registry/reservations.js';
import { fixture, fixturePath } from './fixtures.js';

function parseError(text: string, file: string): RegistryParseError {
  try {
    parseReservations(text, file);
  } catch (error) {
    if (error instanceof RegistryParseError) return error;
    throw error;
  }
  throw new Error('expected a RegistryParseError');
}

describe('reservation files', () => {
  for (const name of ['reservations.yaml', 'reservations.json']) {
    it(`loads ${name}: single ports, ranges, protocol lists, tcp by default`, async () => {
      const file = fixturePath(name);
      const { index, status } = await loadReservations({ file });
      expect(status).toMatchObject({ id: 'reservations', available: true, origin: file, entries: 8 });
      expect(index?.lookup('tcp', 7400)[0]).toMatchObject({
        names: ['billing'],
        state: 'assigned',
        source: 'reservations',
        description: 'prod and staging',
        extra: { owner: 'payments-team', note: 'prod and staging', file, line: name.endsWith('yaml') ? 3 : 3 },
      });
      expect(index?.has('udp', 7400)).toBe(false);
      for (const port of [7410, 7411, 7412]) {
        expect(index?.has('tcp', port)).toBe(true);
        expect(index?.has('udp', port)).toBe(true);
      }
      expect(index?.has('tcp', 7413)).toBe(false);
      expect(index?.has('tcp', 7420)).toBe(true);
      expect(index?.has('udp', 7420)).toBe(false);
    });
  }
});

describe('reservation schema errors name the file, the line, what was expected and what came', () => {
  it('a port out of range', () => {
    const error = parseError('reservations:\n  - port: 70000\n    service: x\n', 'r.yaml');
    expect(error.line).toBe(2);
    expect(error.message).toContain('r.yaml:2:');
    expect(error.message).toContain('Expected reservation 1 `port` to be a whole number from 1 to 65535, got `70000` (number)');
  });

  it('a reversed range, an unknown protocol, a missing service, an unknown key', () => {
    expect(parseError('reservations:\n  - ports: "90-80"\n    service: x\n', 'r.yaml').message).toMatch(/r\.yaml:2: .*`ports` to be a range.*got `90-80`/);
    expect(parseError('reservations:\n  - port: 80\n    protocol: ddp\n    service: x\n', 'r.yaml').message).toMatch(/r\.yaml:3: .*`protocol` to be one of tcp, udp, sctp, dccp.*got `ddp`/);
    expect(parseError('reservations:\n  - port: 80\n', 'r.yaml').message).toMatch(/r\.yaml:2: .*`service` to be a non-empty text, got `null`/);
    expect(parseError('reservations:\n  - port: 80\n    service: x\n    prot: udp\n', 'r.yaml').message).toMatch(/r\.yaml:4: .*keys among .*got `prot`/);
  });

  it('both port and ports, or neither', () => {
    expect(parseError('reservations:\n  - port: 80\n    ports: 81-82\n    service: x\n', 'r.yaml').message).toMatch(/exactly one of `port` or `ports`, got both/);
    expect(parseError('{"reservations": [{"service": "x"}]}', 'r.json').message).toMatch(/r\.json:1: .*got neither/);
  });

  it('wrong shapes at the top', () => {
    expect(parseError('[1, 2]', 'r.json').message).toMatch(/Expected a mapping with a `reservations` list at the top, got a list of 2/);
    expect(parseError('{"reservations": {"port": 1}}', 'r.json').message).toMatch(/Expected `reservations` to be a list, got a mapping/);
    expect(parseError('{"other": 1}', 'r.json').message).toMatch(/Expected a `reservations` key/);
  });

  it('JSON syntax errors carry a line when the engine gives a position; trailing commas are not JSON', () => {
    const error = parseError('{\n  "reservations": [\n    { "port": 80, "service": "x", }\n  ]\n}\n', 'r.json');
    expect(error.message).toMatch(/Expected valid JSON/);
    expect(error.line).toBe(3);
    expect(parseError('{"reservations": [1,]}', 'r.json').message).toMatch(/Expected valid JSON/);
  });

  it('YAML syntax errors carry a line', () => {
    const error = parseError('reservations:\n  - port: 80\n    service: "unterminated\n', 'r.yaml');
    expect(error.message).toMatch(/Expected valid YAML/);
    expect(error.line).toBeGreaterThanOrEqual(3);
  });
});

describe('finding a reservation file', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'portpick-res-'));
    await mkdir(join(root, 'a', 'b', 'c'), { recursive: true });
    await writeFile(join(root, 'a', '.portpick.yml'), fixture('reservations.yaml'));
    await writeFile(join(root, 'a', 'b', 'portpick.config.json'), '{ "scan": { "rate": 1000 } }');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('walks up from the start directory and takes the nearest file', async () => {
    expect(await findReservationFile(join(root, 'a', 'b', 'c'))).toBe(join(root, 'a', 'b', 'portpick.config.json'));
    expect(await findReservationFile(join(root, 'a'))).toBe(join(root, 'a', '.portpick.yml'));
  });

  it('treats a found portpick.config.json without `reservations` as none, and says so', async () => {
    const result = await loadReservations({ cwd: join(root, 'a', 'b', 'c') });
    expect(result.index).toBeNull();
    expect(result.status.note).toMatch(/no `reservations` key/);
  });

  it('loads the nearest .portpick.yml', async () => {
    const result = await loadReservations({ cwd: join(root, 'a') });
    expect(result.status.origin).toBe(join(root, 'a', '.portpick.yml'));
    expect(result.index?.has('tcp', 7400)).toBe(true);
  });

  it('says reservations were not checked when there is no file up to the root', async () => {
    const result = await loadReservations({ cwd: root });
    if (result.status.origin !== 'none') return; // a stray file above the temp dir would be found; nothing to assert
    expect(result.index).toBeNull();
    expect(result.status.note).toMatch(/NOT checked/);
  });
});
