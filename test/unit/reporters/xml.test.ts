import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReporter } from '../../../src/scan/reporters/index.js';
import { sampleMeta, sampleResults, sampleServiceName, sampleSummary } from '../../fixtures/reporters/sample-scan.js';
import { render } from './render.js';
import { canValidateWithNmapDtd, NMAP_DTD, portpickNmapDtd, xmllintErrors } from '../../helpers/nmap-dtd.js';
import { checkNmapDtd, parseXml, type XmlElement } from './xml-check.js';

function sampleXml(options: Parameters<typeof createReporter>[1] = {}): string {
  return render('xml', sampleMeta, sampleResults, sampleSummary, { serviceName: sampleServiceName, ...options }).text;
}

const children = (element: XmlElement, name: string): XmlElement[] => element.children.filter((c) => c.name === name);
const attr = (element: XmlElement | undefined, name: string): string | undefined => element?.attributes.get(name);

describe('nmap XML reporter', () => {
  it('is well-formed and follows the nmap DTD rules', () => {
    const document = parseXml(sampleXml());
    expect(checkNmapDtd(document)).toEqual([]);
  });

  it('starts with the declaration, the DOCTYPE and nmaprun attributes nmap readers expect', () => {
    const text = sampleXml();
    expect(text.split('\n').slice(0, 2)).toEqual(['<?xml version="1.0"?>', '<!DOCTYPE nmaprun>']);
    const { root } = parseXml(text);
    expect(attr(root, 'scanner')).toBe('portpick');
    expect(attr(root, 'profile_name')).toBe('portpick');
    expect(attr(root, 'xmloutputversion')).toBe('1.05');
    expect(attr(root, 'start')).toBe(String(Date.parse(sampleMeta.startedAt) / 1000));
    expect(attr(root, 'args')).toBe(sampleMeta.args.join(' '));
    const [scaninfo] = children(root, 'scaninfo');
    expect(attr(scaninfo, 'type')).toBe('syn');
    expect(attr(scaninfo, 'numservices')).toBe('6');
    expect(attr(scaninfo, 'services')).toBe(sampleMeta.ports);
  });

  it('lists answering hosts in address order with open ports, closed ones as extraports', () => {
    const { root } = parseXml(sampleXml());
    const hosts = children(root, 'host');
    const addresses = hosts.map((h) => attr(children(h, 'address')[0], 'addr'));
    // Hosts that answered (open or closed) only; IPv4 numerically (…0.2 before …0.10), then IPv6.
    expect(addresses).toEqual(['198.18.0.2', '198.18.0.3', '198.18.0.10', '2001:db8::1', '2001:db8::a']);
    const byAddress = new Map(hosts.map((h) => [attr(children(h, 'address')[0], 'addr'), h]));

    const h2 = byAddress.get('198.18.0.2')!;
    expect(attr(children(h2, 'status')[0], 'state')).toBe('up');
    expect(attr(children(h2, 'status')[0], 'reason')).toBe('syn-ack');
    expect(attr(children(h2, 'address')[0], 'addrtype')).toBe('ipv4');
    const ports = children(h2, 'ports')[0]!;
    const extra = children(ports, 'extraports');
    expect(extra.map((e) => [attr(e, 'state'), attr(e, 'count')])).toEqual([['closed', '1']]);
    expect(attr(children(extra[0]!, 'extrareasons')[0], 'reason')).toBe('reset');
    const open = children(ports, 'port');
    expect(open.map((p) => attr(p, 'portid'))).toEqual(['22', '80']);
    expect(open.map((p) => attr(children(p, 'service')[0], 'name'))).toEqual(['ssh', 'http']);
    expect(attr(children(open[0]!, 'state')[0], 'reason')).toBe('syn-ack');

    const closedOnly = byAddress.get('198.18.0.3')!;
    expect(attr(children(closedOnly, 'status')[0], 'reason')).toBe('reset');
    expect(children(children(closedOnly, 'ports')[0]!, 'port')).toEqual([]);

    const v6 = byAddress.get('2001:db8::1')!;
    expect(attr(children(v6, 'address')[0], 'addrtype')).toBe('ipv6');
    expect(attr(v6, 'comment')).toMatch(/^tarpit/);
    expect(attr(byAddress.get('198.18.0.2'), 'comment')).toBeUndefined();
  });

  it('buffers: nothing per result, everything at end()', () => {
    const out = render('xml', sampleMeta, sampleResults, sampleSummary);
    expect(out.results.every((chunk) => chunk === '')).toBe(true);
    expect(out.begin).not.toContain('<host');
  });

  it('writes runstats with hosts up/down/total and the summary counts', () => {
    const { root } = parseXml(sampleXml());
    const runstats = children(root, 'runstats')[0]!;
    const finished = children(runstats, 'finished')[0]!;
    expect(attr(finished, 'exit')).toBe('success');
    expect(attr(finished, 'elapsed')).toBe('1.23');
    expect(attr(finished, 'time')).toBe(String(Math.floor((Date.parse(sampleSummary.startedAt) + sampleSummary.durationMs) / 1000)));
    expect(attr(finished, 'summary')).toContain('5 open, 3 closed, 2 filtered, 1 unreachable');
    const hosts = children(runstats, 'hosts')[0]!;
    expect([attr(hosts, 'up'), attr(hosts, 'down'), attr(hosts, 'total')]).toEqual(['5', '507', '512']);
  });

  it('marks an interrupted run as exit="error" and stays DTD-conformant', () => {
    const text = render('xml', { ...sampleMeta, addressCount: undefined }, sampleResults, { ...sampleSummary, interrupted: true, completed: 7 }).text;
    const document = parseXml(text);
    expect(checkNmapDtd(document)).toEqual([]);
    const finished = children(children(document.root, 'runstats')[0]!, 'finished')[0]!;
    expect(attr(finished, 'exit')).toBe('error');
    expect(attr(finished, 'errormsg')).toContain('7 of 11');
    expect(attr(children(children(document.root, 'runstats')[0]!, 'hosts')[0], 'total')).toBe('5');
  });

  it('escapes arguments, versions and service names (quotes, <, &, newlines, control characters)', () => {
    const hostileArgs = ['portpick', 'scan', `--label=a "b" <c> & 'd'`, 'new\nline', 'bell\u0007', '--x=--y--'];
    const hostileName = `x<y & "z"`;
    const text = render('xml', { ...sampleMeta, args: hostileArgs, version: '1.0--rc<1>' }, sampleResults, sampleSummary, {
      serviceName: () => hostileName,
    }).text;
    const document = parseXml(text);
    expect(checkNmapDtd(document)).toEqual([]);
    const args = attr(document.root, 'args')!;
    expect(args).toContain(`'--label=a "b" <c> & '\\''d'\\'''`);
    expect(args).toContain('"new\\nline"');
    expect(args).toContain('"bell\\u0007"');
    expect(attr(document.root, 'version')).toBe('1.0--rc<1>');
    const names = children(document.root, 'host')
      .flatMap((h) => children(children(h, 'ports')[0]!, 'port'))
      .map((p) => attr(children(p, 'service')[0], 'name'));
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n === hostileName)).toBe(true);
  });

  it('omits <service> when no name is known, and writes scanner="nmap" on request (for strict DTD validators)', () => {
    const text = render('xml', sampleMeta, sampleResults, sampleSummary, { xmlScanner: 'nmap' }).text;
    expect(text).not.toContain('<service');
    const document = parseXml(text);
    expect(attr(document.root, 'scanner')).toBe('nmap');
    expect(checkNmapDtd(document)).toEqual([]);
  });

  it('lists the names given as targets as <hostname type="user"> of their addresses', () => {
    const text = render('xml', { ...sampleMeta, hostnames: { '198.18.0.2': ['web.lab.test', 'www.lab.test'] } }, sampleResults, sampleSummary).text;
    const document = parseXml(text);
    expect(checkNmapDtd(document)).toEqual([]);
    const host = children(document.root, 'host').find((h) => attr(children(h, 'address')[0], 'addr') === '198.18.0.2')!;
    const names = children(children(host, 'hostnames')[0]!, 'hostname');
    expect(names.map((n) => [attr(n, 'name'), attr(n, 'type')])).toEqual([
      ['web.lab.test', 'user'],
      ['www.lab.test', 'user'],
    ]);
  });

  it('carries what it gathered to a resumed run, whose report is the whole sweep', () => {
    const whole = sampleXml();
    const first = createReporter('xml', { serviceName: sampleServiceName });
    first.begin(sampleMeta);
    for (const result of sampleResults.slice(0, 5)) first.result(result);
    const carried = JSON.parse(JSON.stringify(first.carry?.()));
    const second = createReporter('xml', { serviceName: sampleServiceName });
    const parts = [second.begin(sampleMeta)];
    second.restore?.(carried);
    for (const result of sampleResults.slice(5)) parts.push(second.result(result));
    parts.push(second.end(sampleSummary));
    expect(parts.join('')).toBe(whole);
  });

  it('rejects a ScanMeta port list that is not canonical instead of guessing numservices', () => {
    const reporter = createReporter('xml');
    expect(() => reporter.begin({ ...sampleMeta, ports: '80,22' })).toThrow(/canonical form/);
  });

  describe.skipIf(!canValidateWithNmapDtd())('against nmap.dtd with xmllint', () => {
    it('validates the sample, an empty scan and hostile strings', () => {
      const dir = mkdtempSync(join(tmpdir(), 'portpick-xml-'));
      try {
        const documents = {
          'sample.xml': sampleXml(),
          'empty.xml': render('xml', sampleMeta, [], { ...sampleSummary, open: 0, hostsUp: 0 }).text,
          'hostile.xml': render('xml', { ...sampleMeta, args: ['portpick', `"<&>'`, 'a\tb\nc'] }, sampleResults, sampleSummary, {
            serviceName: () => '<&"svc">',
          }).text,
        };
        const dtd = portpickNmapDtd(dir);
        for (const [name, text] of Object.entries(documents)) {
          const path = join(dir, name);
          writeFileSync(path, text);
          expect(xmllintErrors(path, dtd), name).toBeNull();
          // Against nmap's own DTD, the scanner attribute is the only complaint …
          const strict = xmllintErrors(path, NMAP_DTD) ?? '';
          expect(strict.split('\n').filter((line) => /validity error/.test(line)), name).toEqual([
            expect.stringMatching(/scanner.*portpick|portpick.*scanner/),
          ]);
          // … and with scanner="nmap" there is none.
          const nmapNamed = join(dir, `nmap-${name}`);
          writeFileSync(nmapNamed, text.replace('scanner="portpick"', 'scanner="nmap"'));
          expect(xmllintErrors(nmapNamed, NMAP_DTD), name).toBeNull();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
