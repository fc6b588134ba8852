import { describe, expect, it } from 'vitest';
import { EXCLUSION_ORDER, exclusionTable, IN_POOL } from '../../../src/pick/exclusion.js';
import { freePorts } from '../../../src/pick/free.js';
import { suggestPorts } from '../../../src/pick/suggest.js';
import { checkPort } from '../../../src/pick/check.js';
import { STATE_RANK } from '../../../src/registry/iana-status.js';
import { baseIana, defaultsEntry, entry, fakeOrg, fakeSources, nmapEntry } from './fake-sources.js';

describe('exclusionTable', () => {
  it('keeps a port only when it passes for every protocol asked for', () => {
    const sources = fakeSources({
      iana: baseIana([{ port: 3001, protocol: 'udp', state: 'assigned', names: ['udp-only'] }]),
      defaults: [defaultsEntry(3002, 'udp', 'StatsD', 'daemon')],
      nmap: [nmapEntry(3003, 'udp', 'unknown', 0.02)],
    });
    const tcp = exclusionTable(sources, { protocols: ['tcp'], start: 3000, end: 3004, k8s: false });
    expect(tcp.poolSize).toBe(5);
    const both = exclusionTable(sources, { protocols: ['tcp', 'udp'], start: 3000, end: 3004, k8s: false });
    expect(both.poolSize).toBe(2);
    expect(both.bySource.iana).toBe(1);
    expect(both.bySource.defaults).toBe(1);
    expect(both.bySource.nmap).toBe(1);
    expect([...both.reasonOf].map((reason) => (reason === IN_POOL ? 'pool' : EXCLUSION_ORDER[reason - 1]))).toEqual([
      'pool',
      'iana',
      'defaults',
      'nmap',
      'pool',
    ]);
    expect(both.ianaStates).toEqual({ unassigned: 4, assigned: 1, reserved: 0, unknown: 0 });
  });

  it('excludes the NodePort range only with k8s, and Windows excluded ranges of the protocol', () => {
    const sources = fakeSources({
      osReserved: {
        linux: null,
        windows: { tcp: [{ start: 29990, end: 29995, administered: false }], udp: [], origin: 'netsh' },
      },
    });
    const without = exclusionTable(sources, { protocols: ['udp'], start: 29990, end: 30010, k8s: false });
    expect(without.poolSize).toBe(21);
    const withK8s = exclusionTable(sources, { protocols: ['tcp'], start: 29990, end: 30010, k8s: true });
    expect(withK8s.bySource['os-reserved']).toBe(6);
    expect(withK8s.bySource.kubernetes).toBe(11);
    expect(withK8s.poolSize).toBe(4);
  });
});

describe('exclusionTable: IANA state in bulk', () => {
  it('gives the same table from a registry with stateRanks as from stateOf port by port, at both ends of the port space', () => {
    const rows = [
      { port: 0, protocol: 'tcp' as const, state: 'reserved' as const },
      { port: 2, protocol: 'udp' as const, state: 'assigned' as const, names: ['u'] },
      { port: 65534, protocol: 'tcp' as const, state: 'assigned' as const, names: ['t'] },
    ];
    const sources = fakeSources({ iana: baseIana(rows) });
    // The same registry answering whole ranges at once, as the shipped ones do.
    const bulk = Object.assign(Object.create(Object.getPrototypeOf(sources.iana) as object) as typeof sources.iana, sources.iana, {
      stateRanks: (protocol: 'tcp' | 'udp') => {
        const ranks = new Uint8Array(65536);
        for (let port = 0; port < 65536; port += 1) ranks[port] = STATE_RANK[sources.iana.stateOf(protocol, port)];
        return ranks;
      },
    });
    for (const [start, end] of [
      [0, 10],
      [65530, 65535],
      [1, 65535],
    ] as const) {
      for (const protocols of [['tcp'], ['udp'], ['tcp', 'udp']] as const) {
        const settings = { protocols, start, end, k8s: false };
        const byPort = exclusionTable(sources, settings);
        const inBulk = exclusionTable({ ...sources, iana: bulk }, settings);
        expect(inBulk).toEqual(byPort);
      }
    }
    const low = exclusionTable(sources, { protocols: ['tcp', 'udp'], start: 0, end: 3, k8s: false });
    expect(low.ianaStates).toEqual({ unassigned: 2, assigned: 1, reserved: 1, unknown: 0 });
    expect([...low.unassigned]).toEqual([0, 0, 1, 0, 1, 1]);
  });
});

describe('freePorts drops what every loaded source claims', () => {
  const sources = fakeSources({
    nmap: [nmapEntry(5001, 'tcp', 'seen', 0.1), nmapEntry(5002, 'tcp', 'listed', 0)],
    services: [entry('services', 5003, 'tcp', ['local'])],
    reservations: [entry('reservations', 5004, 'tcp', ['billing'])],
    defaults: [defaultsEntry(5005, 'tcp', 'Flask', 'dev server')],
    org: fakeOrg([{ first: 5006 }]),
  });

  it('lists only ports no source claims, and counts each drop', () => {
    const result = freePorts(sources, { start: 5000, end: 5008, protocol: 'tcp' });
    expect(result.ports).toEqual([5000, 5002, 5007, 5008]);
    expect(result.counted.unassigned).toBe(9);
    expect(result.excluded.bySource).toMatchObject({ nmap: 1, services: 1, reservations: 1, defaults: 1, org: 1 });
    expect(result.excluded.total).toBe(5);
  });

  it('every listed port passes check', () => {
    for (const port of freePorts(sources, { start: 5000, end: 5008, protocol: 'tcp' }).ports) {
      expect(checkPort(sources, { port, protocol: 'tcp' }).overall).toBe('free');
    }
  });

  it('with tcp and udp, lists ports free in both', () => {
    const mixed = fakeSources({ iana: baseIana([{ port: 5001, protocol: 'udp', state: 'assigned' }]), defaults: [defaultsEntry(5002, 'udp', 'X', 'y')] });
    expect(freePorts(mixed, { start: 5000, end: 5003, protocols: ['tcp', 'udp'] }).ports).toEqual([5000, 5003]);
    expect(freePorts(mixed, { start: 5000, end: 5003, protocol: 'tcp' }).ports).toEqual([5000, 5001, 5002, 5003]);
  });

  it('leaves the NodePort range out with k8s', () => {
    expect(freePorts(fakeSources(), { start: 29999, end: 30001, protocol: 'tcp', k8s: true }).ports).toEqual([29999]);
    expect(freePorts(fakeSources(), { start: 29999, end: 30001, protocol: 'tcp' }).ports).toEqual([29999, 30000, 30001]);
  });
});

describe('suggestPorts with several protocols and platform ranges', () => {
  it('suggests ports free in every protocol, and says so', () => {
    const sources = fakeSources({ iana: baseIana([{ port: 2000, protocol: 'udp', state: 'assigned' }]) });
    const result = suggestPorts(sources, { protocols: ['tcp', 'udp'], range: { start: 2000, end: 2003 }, count: 1 });
    expect(result.candidates[0]?.port).toBe(2002); // 2001 sits next to 2000, taken for UDP
    expect(result.candidates[0]?.reasons[0]).toBe('IANA lists 2002/tcp and 2002/udp as Unassigned.');
    expect(result.excluded.bySource.iana).toBe(1);
  });

  it('ranks the NodePort range after ports outside it, and leaves it out with k8s', () => {
    const range = { start: 29998, end: 30001 };
    const ranked = suggestPorts(fakeSources({ ephemeral: [] }), { protocol: 'tcp', range, count: 4 }).candidates.map((c) => c.port);
    expect(ranked.slice(0, 2)).toEqual([29998, 29999]);
    const last = suggestPorts(fakeSources({ ephemeral: [] }), { protocol: 'tcp', range, count: 4 }).candidates.at(-1);
    expect(last?.kubernetesNodePort).toBe(true);
    expect(last?.reasons.join(' ')).toContain('Kubernetes NodePort range');
    const k8s = suggestPorts(fakeSources({ ephemeral: [] }), { protocol: 'tcp', range, count: 4, k8s: true });
    expect(k8s.candidates.map((c) => c.port)).toEqual([29998, 29999]);
    expect(k8s.excluded.bySource.kubernetes).toBe(2);
  });

  it("ranks this machine's ip_local_reserved_ports after other ports", () => {
    const sources = fakeSources({ osReserved: { linux: { ranges: [{ start: 2001, end: 2001 }], origin: 'file' }, windows: null } });
    const ranked = suggestPorts(sources, { protocol: 'tcp', range: { start: 2001, end: 2002 }, count: 2 }).candidates;
    expect(ranked.map((c) => c.port)).toEqual([2002, 2001]);
    expect(ranked[1]?.osReserved).toBe(true);
  });

  it('excludes well-known defaults and the organisation code; every candidate passes check', () => {
    const sources = fakeSources({ defaults: [defaultsEntry(2000, 'tcp', 'A', 'b')], org: fakeOrg([{ first: 2001, confidence: 'low' }]) });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 2000, end: 2004 }, count: 5 });
    expect(result.candidates.map((c) => c.port)).toEqual([2002, 2003, 2004]);
    for (const candidate of result.candidates) expect(checkPort(sources, { port: candidate.port, protocol: 'tcp' }).overall).toBe('free');
  });
});
