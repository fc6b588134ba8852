import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../../src/errors/index.js';
import { loadServicesFile, parseServicesFile } from '../../../../src/registry/services-file.js';
import { hasEtcServices, registryFiles } from '../../../helpers/registry-files.js';
import { fixture, fixturePath } from './fixtures.js';

describe('parseServicesFile: Debian layout', () => {
  const file = fixturePath('services-debian-style');
  const parsed = parseServicesFile(fixture('services-debian-style'), file);

  it('reads names, aliases, comments, file and line', () => {
    const discard = parsed.index.lookup('tcp', 9)[0];
    expect(discard).toMatchObject({ names: ['discard', 'sink', 'null'], state: 'assigned', source: 'services' });
    expect(discard?.extra).toEqual({ file, line: 6 });
    expect(parsed.index.lookup('tcp', 1)[0]?.description).toBe('TCP port service multiplexer');
  });

  it('skips ddp, keeps sctp and ports above 49151', () => {
    expect(parsed.skippedProtocols).toBe(1);
    expect(parsed.index.lookup('sctp', 5672)[0]?.names).toEqual(['amqp']);
    expect(parsed.index.lookup('tcp', 60179)[0]?.names).toEqual(['fido']);
    expect(parsed.entries).toBe(7);
  });
});

describe('parseServicesFile: Windows layout', () => {
  const parsed = parseServicesFile(fixture('services-windows-style'), 'services');

  it('accepts a BOM and CRLF, and comments without a space after #', () => {
    expect(parsed.index.lookup('tcp', 7)[0]?.names).toEqual(['echo']);
    expect(parsed.index.lookup('tcp', 1110)[0]?.description).toBe('Cluster status info');
  });

  it('merges repeated lines, uniting their aliases case-insensitively', () => {
    const smtp = parsed.index.lookup('tcp', 25);
    expect(smtp).toHaveLength(1);
    expect(smtp[0]?.names).toEqual(['smtp', 'mail', 'SMTP-alias']);
    expect(smtp[0]?.extra.line).toBe(8);
    expect(parsed.index.lookup('tcp', 3268)).toHaveLength(1);
    expect(parsed.mergedDuplicates).toBe(2);
  });
});

describe('parseServicesFile: macOS layout', () => {
  const parsed = parseServicesFile(fixture('services-macos-style'), 'services');

  it('ignores commented-out rows and reads nameless rows as reserved', () => {
    expect(parsed.index.has('tcp', 0)).toBe(false);
    expect(parsed.index.has('tcp', 4)).toBe(false);
    const privateMail = parsed.index.lookup('udp', 24)[0];
    expect(privateMail).toMatchObject({ names: [], state: 'reserved', description: 'any private mail system' });
  });

  it('keeps names that break RFC 6335 syntax, and skips ddp', () => {
    expect(parsed.index.lookup('udp', 63)[0]?.names).toEqual(['whois++']);
    expect(parsed.index.lookup('tcp', 66)[0]?.names).toEqual(['sql*net']);
    expect(parsed.skippedProtocols).toBe(1);
  });
});

describe('parseServicesFile errors', () => {
  it('rejects a port above 65535 with file and line', () => {
    const file = fixturePath('services-bad-port');
    let caught: unknown;
    try {
      parseServicesFile(fixture('services-bad-port'), file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(RegistryParseError);
    expect((caught as RegistryParseError).line).toBe(2);
    expect((caught as RegistryParseError).file).toBe(file);
    expect((caught as Error).message).toContain('Expected a port from 0 to 65535, got `70000`');
  });

  it('rejects a line with a name but no port token', () => {
    expect(() => parseServicesFile(fixture('services-missing-port'), 'f')).toThrow(/f:2: Expected `name port\/protocol/);
  });
});

describe.skipIf(!hasEtcServices())('this system’s /etc/services', () => {
  it('has every row a plain whitespace split of the file finds, with its aliases', () => {
    const text = readFileSync(registryFiles.etcServices, 'utf8');
    const parsed = parseServicesFile(text, registryFiles.etcServices);
    // The naive reading: `name port/proto alias…`, comments after `#`.
    const expected = { tcp: 0, udp: 0, sctp: 0, dccp: 0 };
    let skipped = 0;
    const namesOf = new Map<string, string[]>();
    for (const line of text.split('\n')) {
      const fields = line.split('#')[0]!.trim().split(/\s+/);
      if (fields.length < 2) continue;
      const [name, key, ...aliases] = fields as [string, string, ...string[]];
      const protocol = key.split('/')[1] as keyof typeof expected;
      if (!(protocol in expected)) {
        skipped += 1;
        continue;
      }
      if (namesOf.has(key)) continue;
      expected[protocol] += 1;
      // Names that differ only in case are one name (the first spelling is kept).
      const names: string[] = [];
      for (const candidate of [name, ...aliases]) {
        if (!names.some((kept) => kept.toLowerCase() === candidate.toLowerCase())) names.push(candidate);
      }
      namesOf.set(key, names);
    }
    const counts = { tcp: 0, udp: 0, sctp: 0, dccp: 0 };
    for (const entry of parsed.index.entries()) {
      counts[entry.protocol] += 1;
      expect(entry.names, `${entry.port}/${entry.protocol}`).toEqual(namesOf.get(`${entry.port}/${entry.protocol}`));
    }
    expect(counts).toEqual(expected);
    expect(parsed.skippedProtocols).toBe(skipped);
    expect(parsed.index.lookup('tcp', 22)[0]?.names[0]).toBe('ssh');
  });
});

describe('loadServicesFile', () => {
  it('loads a given file and reports its origin', async () => {
    const file = fixturePath('services-debian-style');
    const result = await loadServicesFile({ file });
    expect(result.status).toMatchObject({ id: 'services', available: true, origin: file, entries: 7 });
    expect(result.status.updated).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('uses the Windows path on Windows and says so when it is absent', async () => {
    const result = await loadServicesFile({ platform: 'win32', env: { windir: 'C:\\NoSuchWindows' } });
    expect(result.index).toBeNull();
    expect(result.status.origin).toBe('C:\\NoSuchWindows\\System32\\drivers\\etc\\services');
    expect(result.status.note).toMatch(/NOT made/);
  });

  it('throws for a missing file given explicitly', async () => {
    await expect(loadServicesFile({ file: fixturePath('no-such-services') })).rejects.toThrow(/Expected a readable services file/);
  });
});
