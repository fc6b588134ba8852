import { describe, expect, it } from 'vitest';
import { RegistryParseError } from '../../../src/errors/index.js';
import { parseIanaCsv } from '../../../src/registry/iana-csv.js';
import { parseIanaXml, readIanaXmlRecords } from '../../../src/registry/iana-xml.js';
import { PROTOCOLS } from '../../../src/registry/types.js';
import { ianaFixturePath, readIanaFixture } from './iana-fixtures.js';

const xmlFile = ianaFixturePath('quirks.xml');
const xml = parseIanaXml(readIanaFixture('quirks.xml'), xmlFile);
const csv = parseIanaCsv(readIanaFixture('quirks.csv'), ianaFixturePath('quirks.csv'));

describe('parseIanaXml on the quirks fixture (same rows as quirks.csv)', () => {
  it('agrees with the CSV form on every state, name and description', () => {
    expect(xml.records).toHaveLength(csv.records.length);
    for (const protocol of PROTOCOLS) {
      for (let port = 0; port <= 12000; port += 1) {
        expect(xml.stateOf(protocol, port), `${port}/${protocol}`).toBe(csv.stateOf(protocol, port));
      }
      for (const port of [0, 15, 80, 585, 4490, 6003, 7775, 11434, 11488, 14001, 49151]) {
        const view = (entries: ReturnType<typeof csv.lookup>) =>
          entries.map((entry) => [entry.state, entry.names, entry.description, entry.extra.ianaStatusText, entry.extra.unauthorizedUse]);
        expect(view(xml.lookup(protocol, port)), `${port}/${protocol}`).toEqual(view(csv.lookup(protocol, port)));
      }
    }
    expect(xml.entryCount).toBe(csv.entryCount);
    expect(xml.byName('argus')).toHaveLength(4);
  });

  it('takes the root <updated>, not a person\'s, and decodes entities, CDATA, <br/> and xrefs', () => {
    expect(xml.updated).toBe('2026-04-10');
    const [http] = xml.lookup('tcp', 80);
    expect(http?.extra.assignmentNotes).toBe('Defined TXT keys: u=<username> p=<password> path=<path>');
    expect(http?.extra.reference).toBe('[RFC9110]');
    const [ollama] = xml.lookup('tcp', 11434);
    expect(ollama?.extra).toMatchObject({ assignmentNotes: 'Line one\nLine two', registrationDate: '2025-03-01', modificationDate: '2026-04-09' });
    expect(xml.lookup('tcp', 6000)[0]?.extra).toMatchObject({ assignee: '[Stephen_Gildea]', contact: '[Stephen_Gildea]', file: xmlFile });
    expect(xml.lookup('tcp', 7775)[0]?.extra.line).toBe(119);
  });

  it('reports the registry id', () => {
    expect(readIanaXmlRecords(readIanaFixture('quirks.xml'), xmlFile).registryId).toBe('service-names-port-numbers');
  });
});

describe('parseIanaXml on malformed input', () => {
  const cases: Array<[string, number, RegExp]> = [
    ['mismatched-tag.xml', 7, /Expected <\/number>, got <\/numbr>/],
    ['port-70000.xml', 9, /Expected a port from 0 to 65535, got `70000`/],
    ['truncated.xml', 11, /Expected <\/record> before the end of the file/],
  ];
  for (const [name, line, message] of cases) {
    it(`${name} → RegistryParseError at line ${line}`, () => {
      const path = ianaFixturePath(name);
      const attempt = () => parseIanaXml(readIanaFixture(name), path);
      expect(attempt).toThrow(RegistryParseError);
      expect(attempt).toThrow(message);
      try {
        attempt();
      } catch (error) {
        expect((error as RegistryParseError).line).toBe(line);
        expect((error as RegistryParseError).file).toBe(path);
      }
    });
  }

  it('rejects a wrong root, a bare ampersand, an unknown entity and an unclosed comment', () => {
    expect(() => parseIanaXml('<html><body/></html>', 'x.xml')).toThrow(/x\.xml:1: Expected the root element <registry>, got <html>/);
    const wrap = (body: string) => `<registry id="service-names-port-numbers">\n<record>${body}</record>\n</registry>\n`;
    expect(() => parseIanaXml(wrap('<name>a & b</name><number>4</number>'), 'x.xml')).toThrow(/bare `&`/);
    expect(() => parseIanaXml(wrap('<name>&nbsp;</name><number>4</number>'), 'x.xml')).toThrow(/Expected a predefined XML entity, got `&nbsp;`/);
    expect(() => parseIanaXml(`<registry>\n<!-- open`, 'x.xml')).toThrow(/x\.xml:2: Expected `-->`/);
    expect(() => parseIanaXml(wrap('<number>4</number><protocol>icmp</protocol>'), 'x.xml')).toThrow(/x\.xml:2: Expected a transport protocol/);
  });
});
