import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PortSpecError } from '../../../src/errors/index.js';
import { draftRegistrationRequest, TEMPLATE_FIELDS, type RegistrationRequestOptions } from '../../../src/pick/request.js';
import { baseIana, entry, fakeSources, nmapEntry } from './fake-sources.js';

const complete: RegistrationRequestOptions = {
  name: 'metricsd',
  port: 4999,
  protocols: ['tcp'],
  assignee: 'Example Org <ops@example.org>',
  contact: 'Jane Doe <jane@example.org>',
  description: 'Metrics collection daemon',
  reference: 'https://example.org/metricsd/protocol',
};

const sources = fakeSources({
  iana: baseIana([
    { port: 8080, protocol: 'tcp', state: 'assigned', names: ['http-alt'] },
    { port: 4998, protocol: 'tcp', state: 'unassigned', extra: { unauthorizedUse: 'port 4998 used by Foo' } },
  ]),
  ianaNameOnly: [{ name: 'takenname', protocol: 'tcp' }],
  nmap: [nmapEntry(4997, 'tcp', 'unknown', 0.002)],
});

const field = (draft: ReturnType<typeof draftRegistrationRequest>, name: string) =>
  draft.template.find((f) => f.field === name)?.value;

describe('draftRegistrationRequest', () => {
  it('renders the RFC 6335 §8.1.1 fields in order', () => {
    const draft = draftRegistrationRequest(sources, complete);
    expect(draft.template.map((f) => f.field)).toEqual([
      'Service Name',
      'Transport Protocol(s)',
      'Assignee',
      'Contact',
      'Description',
      'Reference',
      'Port Number',
      'Service Code',
      'Known Unauthorized Uses',
      'Assignment Notes',
    ]);
    expect([...TEMPLATE_FIELDS]).toEqual(draft.template.map((f) => f.field));
    expect(field(draft, 'Service Name')).toBe('metricsd');
    expect(field(draft, 'Transport Protocol(s)')).toBe('TCP');
    expect(field(draft, 'Port Number')).toBe('4999');
    expect(field(draft, 'Service Code')).toBe('N/A (DCCP only)');
    expect(field(draft, 'Known Unauthorized Uses')).toBe('None known');
  });

  it('is valid for a free port and a free, well-formed name', () => {
    const draft = draftRegistrationRequest(sources, complete);
    expect(draft.problems).toEqual([]);
    expect(draft.valid).toBe(true);
    // nmap-services was loaded but no bind probe or sweep was given: evidence says so.
    expect(draft.evidence.join('\n')).toContain('4999/tcp iana [ok]');
    expect(draft.evidence.join('\n')).toContain('4999/tcp network [not-checked]');
    expect(draft.evidence[0]).toBe('IANA registry: fake registry, updated 2026-01-01.');
  });

  it('renders text with the template, problems, warnings and evidence', () => {
    const draft = draftRegistrationRequest(sources, { ...complete, port: 8080 });
    expect(draft.text).toContain('Service Name:            metricsd\n');
    expect(draft.text).toContain('Known Unauthorized Uses: None known\n');
    expect(draft.text).toContain('Problems:\n  - IANA assigned 8080/tcp to http-alt.');
    expect(draft.text).toContain('Evidence gathered by portpick:');
    expect(draft.text).toContain('https://www.iana.org/form/ports-services');
    expect(draft.text).toContain('Status: IANA would refuse this as written (1 problem(s)).');
  });

  describe('problems (IANA cannot grant it)', () => {
    it('an invalid name, with every broken rule', () => {
      const draft = draftRegistrationRequest(sources, { ...complete, name: '-bad--name_' });
      expect(draft.valid).toBe(false);
      expect(draft.problems.filter((p) => p.startsWith('Service name:'))).toHaveLength(3);
    });

    it('a name already registered (case-insensitive), with or without a port', () => {
      const withPort = draftRegistrationRequest(sources, { ...complete, name: 'HTTP-ALT' });
      expect(withPort.problems).toEqual(['Service name `HTTP-ALT` is already registered with IANA (8080/tcp).']);
      const nameOnly = draftRegistrationRequest(sources, { ...complete, name: 'takenname' });
      expect(nameOnly.problems).toEqual(['Service name `takenname` is already registered with IANA (name only).']);
    });

    it('a port that is not Unassigned, for any requested protocol', () => {
      const assigned = draftRegistrationRequest(sources, { ...complete, port: 8080, protocols: ['tcp', 'udp'] });
      expect(assigned.problems).toEqual(['IANA assigned 8080/tcp to http-alt.']);
      expect(draftRegistrationRequest(sources, { ...complete, port: 1024 }).problems[0]).toContain('Reserved');
    });

    it('a Dynamic port', () => {
      const draft = draftRegistrationRequest(sources, { ...complete, port: 50000 });
      expect(draft.valid).toBe(false);
      expect(draft.problems.join(' ')).toContain('Dynamic range');
      expect(draft.problems.join(' ')).toContain('IANA cannot assign it');
    });
  });

  describe('warnings (IANA would question or refuse)', () => {
    const warnings = (options: Partial<RegistrationRequestOptions>) => draftRegistrationRequest(sources, { ...complete, ...options }).warnings.join('\n');

    it('a System port needs IETF Review or IESG Approval', () => {
      expect(warnings({ port: 500 })).toContain('IETF Review or IESG Approval');
    });

    it('more than one port', () => {
      expect(warnings({ additionalPorts: [5001] })).toContain('IANA assigns at most one port per application');
      expect(warnings({})).not.toContain('at most one port');
    });

    it('plain HTTP services (netdata#1862)', () => {
      expect(warnings({ http: true })).toContain('netdata#1862');
      expect(warnings({})).not.toContain('netdata');
    });

    it('"service", "protocol" and version words in the name', () => {
      expect(warnings({ name: 'metricservice' })).toContain('"service" or "protocol"');
      expect(warnings({ name: 'fooprotocol' })).toContain('"service" or "protocol"');
      expect(warnings({ name: 'metricsd-v2' })).toContain('no version');
      expect(warnings({ name: 'metricsd-2' })).toContain('no version');
      expect(warnings({ name: 'ipv6-tunnel' })).not.toContain('no version');
      expect(warnings({})).not.toContain('no version');
    });

    it('use before assignment: declared, or seen open here or on the network', () => {
      expect(warnings({ usedBeforeAssignment: true })).toContain('not be used before it is assigned');
      const listening = fakeSources({ listeners: [entry('listeners', 4999, 'tcp', [], { address: '0.0.0.0' })] });
      expect(draftRegistrationRequest(listening, complete).warnings.join('\n')).toContain('being used before assignment');
      const network = { networks: ['198.51.100.0/24'], openOn: [{ address: '198.51.100.5', port: 4999 }], probes: 256, complete: true };
      expect(warnings({ network })).toContain('being used before assignment');
    });

    it('unofficial use goes into Known Unauthorized Uses', () => {
      const seen = draftRegistrationRequest(sources, { ...complete, port: 4997 });
      expect(seen.valid).toBe(true);
      expect(seen.warnings.join('\n')).toContain('nmap has seen 4997/tcp open');
      expect(field(seen, 'Known Unauthorized Uses')).toContain('4997/tcp: seen open in the wild as unknown (nmap-services open-frequency 0.002)');
      const reported = draftRegistrationRequest(sources, { ...complete, port: 4998 });
      expect(field(reported, 'Known Unauthorized Uses')).toBe('4998/tcp: port 4998 used by Foo (IANA)');
    });

    it('missing required fields get placeholders and a warning each', () => {
      const draft = draftRegistrationRequest(sources, { name: 'metricsd', port: 4999, protocols: ['tcp'], description: '  ' });
      for (const name of ['Assignee', 'Contact', 'Description', 'Reference']) {
        expect(draft.warnings).toContain(`${name} is required by the template; fill it in before submitting.`);
        expect(field(draft, name)).toMatch(/^<REQUIRED/);
      }
      expect(draft.valid).toBe(true);
    });

    it('DCCP needs a Service Code; other transports do not take one', () => {
      const dccp = draftRegistrationRequest(sources, { ...complete, protocols: ['dccp'] });
      expect(dccp.warnings.join('\n')).toContain('Service Code is required for DCCP');
      expect(field(dccp, 'Service Code')).toBe('<REQUIRED for DCCP>');
      const withCode = draftRegistrationRequest(sources, { ...complete, protocols: ['dccp'], serviceCode: 'SC:METRICS' });
      expect(field(withCode, 'Service Code')).toBe('SC:METRICS');
      const tcp = draftRegistrationRequest(sources, { ...complete, serviceCode: 'SC:METRICS' });
      expect(tcp.warnings.join('\n')).toContain('applies to DCCP only');
      expect(field(tcp, 'Service Code')).toBe('N/A (DCCP only)');
    });
  });

  it('registers a service name only when no port is given', () => {
    const draft = draftRegistrationRequest(sources, { ...complete, port: undefined });
    expect(field(draft, 'Port Number')).toBe('None (service name only)');
    expect(draft.checks).toEqual([]);
    expect(draft.valid).toBe(true);
  });

  it('checks every (port, protocol) pair', () => {
    const draft = draftRegistrationRequest(sources, { ...complete, protocols: ['tcp', 'udp'], additionalPorts: [5001] });
    expect(draft.checks.map((c) => `${c.port}/${c.protocol}`)).toEqual(['4999/tcp', '4999/udp', '5001/tcp', '5001/udp']);
    expect(field(draft, 'Port Number')).toBe('4999, 5001');
    expect(field(draft, 'Transport Protocol(s)')).toBe('TCP, UDP');
  });

  it('throws on malformed input instead of drafting', () => {
    expect(() => draftRegistrationRequest(sources, { ...complete, port: 0 })).toThrow(PortSpecError);
    expect(() => draftRegistrationRequest(sources, { ...complete, port: 70000 })).toThrow('Expected `port` to be a port from 1 to 65535, got `70000`');
    expect(() => draftRegistrationRequest(sources, { ...complete, protocols: [] })).toThrow(InvalidArgumentError);
    expect(() => draftRegistrationRequest(sources, { ...complete, protocols: ['tcp', 'TCP' as never] })).toThrow('Expected each protocol once');
    expect(() => draftRegistrationRequest(sources, { ...complete, additionalPorts: [4999] })).toThrow('Expected each port once');
    expect(() => draftRegistrationRequest(sources, { ...complete, port: undefined, additionalPorts: [5000] })).toThrow('Expected `port`');
    expect(() => draftRegistrationRequest(sources, { ...complete, assignee: 5 as never })).toThrow('Expected `assignee` to be text');
    expect(() => draftRegistrationRequest(sources, { ...complete, name: undefined as never })).toThrow(InvalidArgumentError);
  });
});
