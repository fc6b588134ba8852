import { describe, expect, it } from 'vitest';
import { EntryIndex } from '../../../src/registry/entry-index.js';
import { namesServices, serviceNameLookup } from '../../../src/scan/service-names.js';
import { entry, nmapEntry } from '../pick/fake-sources.js';

describe('serviceNameLookup: service names as nmap names them', () => {
  const iana = new EntryIndex('iana', [
    entry('iana', 6789, 'tcp', ['radg']),
    entry('iana', 7000, 'tcp', ['afs3-fileserver']),
    entry('iana', 7001, 'tcp', [], {}, 'reserved'),
  ]);
  const nmap = new EntryIndex('nmap', [nmapEntry(6789, 'tcp', 'ibm-db2-admin', 0.00076), nmapEntry(7000, 'tcp', 'unknown', 0.0001), nmapEntry(7002, 'tcp', 'unknown', 0.0001)]);

  it("takes nmap-services' name, then IANA's assignment over nmap's `unknown`, then `unknown`, then none", () => {
    const name = serviceNameLookup(nmap, iana);
    expect(name(6789, 'tcp')).toBe('ibm-db2-admin');
    expect(name(7000, 'tcp')).toBe('afs3-fileserver');
    expect(name(7002, 'tcp')).toBe('unknown');
    expect(name(7001, 'tcp')).toBeUndefined(); // reserved, not assigned: no name
    expect(name(7003, 'tcp')).toBeUndefined();
  });

  it('without nmap-services names from IANA alone; by default from the shipped IANA snapshot', () => {
    expect(serviceNameLookup(null, iana)(6789, 'tcp')).toBe('radg');
    expect(serviceNameLookup(null)(6789, 'tcp')).toBe('radg');
  });

  it('is needed by the table, XML and grep reports only', () => {
    expect(namesServices(['jsonl', 'csv', 'ports'])).toBe(false);
    for (const format of ['table', 'xml', 'grep'] as const) expect(namesServices(['jsonl', format])).toBe(true);
  });
});
