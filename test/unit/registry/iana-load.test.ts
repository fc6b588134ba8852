import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileAccessError, RegistryParseError } from '../../../src/errors/index.js';
import { assertLooksLikeIanaRegistry, detectIanaFormat, loadIanaFile } from '../../../src/registry/iana-load.js';
import { registryFiles } from '../../helpers/registry-files.js';
import { ianaFixturePath, readIanaFixture } from './iana-fixtures.js';

describe('loadIanaFile', () => {
  it('detects CSV and XML by content, whatever the file is called', async () => {
    const fromCsv = await loadIanaFile(ianaFixturePath('quirks.csv'));
    const fromXml = await loadIanaFile(ianaFixturePath('quirks.xml'));
    expect(fromCsv.origin).toBe(ianaFixturePath('quirks.csv'));
    expect(fromXml.origin).toBe(ianaFixturePath('quirks.xml'));
    expect(fromXml.stateOf('tcp', 7775)).toBe('assigned');
    expect(fromCsv.stateOf('tcp', 7775)).toBe('assigned');
  });

  it('throws FileAccessError for a file it cannot read', async () => {
    const missing = ianaFixturePath('does-not-exist.csv');
    await expect(loadIanaFile(missing)).rejects.toBeInstanceOf(FileAccessError);
    await expect(loadIanaFile(missing)).rejects.toThrow(/ENOENT/);
  });

  it('throws RegistryParseError for an HTML page or an unrelated file', async () => {
    await expect(loadIanaFile(ianaFixturePath('html-error-page.html'))).rejects.toThrow(/got an HTML page/);
    await expect(loadIanaFile(ianaFixturePath('../../unit/registry/iana-fixtures.ts'))).rejects.toBeInstanceOf(RegistryParseError);
  });
});

describe('detectIanaFormat', () => {
  it('tells CSV, XML and HTML apart', () => {
    expect(detectIanaFormat(readIanaFixture('quirks.csv'))).toBe('csv');
    expect(detectIanaFormat(`\uFEFF${readIanaFixture('quirks.csv')}`)).toBe('csv');
    expect(detectIanaFormat(readIanaFixture('quirks.xml'))).toBe('xml');
    expect(detectIanaFormat(readIanaFixture('html-error-page.html'))).toBe('html');
    expect(detectIanaFormat('port,name\n')).toBe('unknown');
  });
});

describe('assertLooksLikeIanaRegistry', () => {
  it('refuses an HTML error page', () => {
    expect(() => assertLooksLikeIanaRegistry(readIanaFixture('html-error-page.html'), 'download')).toThrow(RegistryParseError);
  });

  it('accepts the small fixtures only with a lowered record floor', () => {
    expect(() => assertLooksLikeIanaRegistry(readIanaFixture('quirks.csv'), 'quirks.csv')).toThrow(/Expected at least 10000 records, got 29/);
    expect(() => assertLooksLikeIanaRegistry(readIanaFixture('quirks.xml'), 'quirks.xml')).toThrow(/Expected at least 10000 records, got 29/);
    expect(() => assertLooksLikeIanaRegistry(readIanaFixture('quirks.csv'), 'quirks.csv', { minRecords: 20 })).not.toThrow();
    expect(() => assertLooksLikeIanaRegistry(readIanaFixture('quirks.xml'), 'quirks.xml', { minRecords: 20 })).not.toThrow();
  });

  it('refuses a CSV cut inside a record or before its final line break, and a truncated XML', () => {
    const text = readIanaFixture('quirks.csv');
    expect(() => assertLooksLikeIanaRegistry(text.slice(0, text.length - 2), 'cut.csv', { minRecords: 1 })).toThrow(/end with a line break/);
    expect(() => assertLooksLikeIanaRegistry(text.slice(0, text.indexOf('Line two')), 'cut.csv', { minRecords: 1 })).toThrow(/closing quote/);
    expect(() => assertLooksLikeIanaRegistry(text.slice(0, text.indexOf(',8010,') + 4), 'cut.csv', { minRecords: 1 })).toThrow(/Expected 12 fields/);
    expect(() => assertLooksLikeIanaRegistry(readIanaFixture('truncated.xml'), 'cut.xml', { minRecords: 1 })).toThrow(/before the end of the file/);
  });

  it('refuses an XML registry of another kind', () => {
    const other = readIanaFixture('quirks.xml').replace('id="service-names-port-numbers"', 'id="protocol-numbers"');
    expect(() => assertLooksLikeIanaRegistry(other, 'other.xml', { minRecords: 1 })).toThrow(/got id "protocol-numbers"/);
  });

  describe('on the real CSV (data/iana)', () => {
    const real = readFileSync(registryFiles.ianaCsv, 'utf8');
    it('accepts the whole file and refuses its first half', () => {
      expect(() => assertLooksLikeIanaRegistry(real, registryFiles.ianaCsv)).not.toThrow();
      const half = real.slice(0, real.indexOf('\r\n', real.length / 2) + 2);
      expect(() => assertLooksLikeIanaRegistry(half, 'half.csv')).toThrow(/Expected at least 10000 records/);
    });
  });
});
