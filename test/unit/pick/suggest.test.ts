import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, PortSpecError } from '../../../src/errors/index.js';
import { stableSequence } from '../../../src/pick/stable-sequence.js';
import { DEFAULT_SUGGEST_RANGE, EXCLUSION_ORDER, suggestionRanker, suggestPorts } from '../../../src/pick/suggest.js';
import { LINUX_EPHEMERAL, baseIana, defaultsEntry, entry, fakeOrg, fakeSources, nmapEntry } from './fake-sources.js';

const ports = (result: ReturnType<typeof suggestPorts>) => result.candidates.map((candidate) => candidate.port);

describe('suggestPorts: the pool', () => {
  it('defaults to 5 candidates from the User range', () => {
    const result = suggestPorts(fakeSources(), { protocol: 'tcp' });
    expect(DEFAULT_SUGGEST_RANGE).toEqual({ start: 1024, end: 49151 });
    expect(result.range).toEqual({ start: 1024, end: 49151 });
    expect(result.candidates).toHaveLength(5);
    expect(result.considered).toBe(49151 - 1024 + 1);
    // 1024 and 49151 are Reserved in the fake data: everything else is the pool.
    expect(result.poolSize).toBe(result.considered - 2);
    expect(result.excluded.bySource.iana).toBe(2);
    expect(result.candidates.map((c) => c.rank)).toEqual([1, 2, 3, 4, 5]);
  });

  it('excludes each source and counts each port once, under the first source in order', () => {
    const sources = fakeSources({
      iana: baseIana([{ port: 2000, protocol: 'tcp', state: 'assigned', names: ['x'] }]),
      nmap: [nmapEntry(2001, 'tcp', 'unknown', 0.01), nmapEntry(2000, 'tcp', 'x', 0.5)],
      services: [entry('services', 2002, 'tcp', ['svc']), entry('services', 2001, 'tcp', ['dup'])],
      listeners: [entry('listeners', 2003, 'tcp', [], { address: '127.0.0.1' })],
      reservations: [entry('reservations', 2004, 'tcp', ['team'])],
      defaults: [defaultsEntry(2007, 'tcp', 'Vite', 'dev server'), defaultsEntry(2000, 'tcp', 'Counted', 'under nmap')],
      org: fakeOrg([{ first: 2008 }]),
    });
    const result = suggestPorts(sources, {
      protocol: 'tcp',
      range: { start: 2000, end: 2010 },
      count: 20,
      http: true,
      browserUnsafe: new Set([2005]),
      exclude: new Set([2006, 2002]),
    });
    expect(ports(result)).toEqual([2009, 2010]);
    expect(result.excluded.bySource).toEqual({
      range: 0,
      iana: 1,
      nmap: 1,
      defaults: 1,
      services: 1,
      listeners: 1,
      reservations: 1,
      org: 1,
      kubernetes: 0,
      'os-reserved': 0,
      'browser-unsafe': 1,
      exclude: 1,
    });
    expect(Object.keys(result.excluded.bySource)).toEqual([...EXCLUSION_ORDER]);
    expect(result.excluded.total).toBe(9);
    expect(result.poolSize + result.excluded.total).toBe(result.considered);
  });

  it('does not exclude browser-unsafe ports for a non-HTTP service', () => {
    const result = suggestPorts(fakeSources(), { protocol: 'tcp', range: { start: 2005, end: 2005 }, browserUnsafe: new Set([2005]) });
    expect(ports(result)).toEqual([2005]);
  });

  it('never suggests Dynamic ports, even when asked for that range', () => {
    const result = suggestPorts(fakeSources(), { protocol: 'tcp', range: { start: 49150, end: 49160 } });
    expect(ports(result)).toEqual([49150]);
    expect(result.excluded.bySource.range).toBe(9);
    expect(result.notes.join(' ')).toContain('Dynamic ports');
  });

  it('never suggests unknown (gap) ports', () => {
    const sources = fakeSources({ iana: [{ port: [3000, 3002], state: 'unassigned' }] });
    const found = ports(suggestPorts(sources, { protocol: 'tcp', range: { start: 2990, end: 3010 }, count: 10 }));
    expect([...found].sort((a, b) => a - b)).toEqual([3000, 3001, 3002]);
  });

  it('judges the requested protocol only', () => {
    const sources = fakeSources({ iana: baseIana([{ port: 2000, protocol: 'udp', state: 'assigned', names: ['u'] }]) });
    expect(ports(suggestPorts(sources, { protocol: 'tcp', range: { start: 2000, end: 2000 } }))).toEqual([2000]);
    expect(ports(suggestPorts(sources, { protocol: 'udp', range: { start: 2000, end: 2000 } }))).toEqual([]);
  });

  it('says which sources were missing and what was therefore not excluded', () => {
    const result = suggestPorts(fakeSources({ nmap: null, services: null, listeners: null, reservations: null }), {
      protocol: 'tcp',
      http: true,
    });
    const notes = result.notes.join('\n');
    expect(notes).toContain('nmap-services was not found');
    expect(notes).toContain('No services file');
    expect(notes).toContain('listeners were NOT excluded');
    expect(notes).toContain('reservations were NOT checked');
    expect(notes).toContain('browser-blocked ports were NOT excluded');
    expect(result.candidates[0]?.nmap.checked).toBe(false);
  });

  it('reports fewer candidates than asked when the pool is small', () => {
    const result = suggestPorts(fakeSources(), { protocol: 'tcp', range: { start: 2000, end: 2001 }, count: 5 });
    expect(result.candidates).toHaveLength(2);
    expect(result.notes.join(' ')).toContain('Only 2 candidate(s)');
  });
});

describe('suggestPorts: ranking without a name', () => {
  it('puts ports nmap never listed before ports it lists with frequency 0', () => {
    const sources = fakeSources({ nmap: [nmapEntry(2000, 'tcp', 'old', 0), nmapEntry(2001, 'tcp', 'old2', 0)] });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 2000, end: 2003 }, count: 4 });
    expect(ports(result)).toEqual([2002, 2003, 2000, 2001]);
    expect(result.candidates[2]?.nmap).toEqual({ checked: true, listed: true, names: ['old'], frequency: 0 });
    expect(result.candidates[0]?.nmap.listed).toBe(false);
  });

  it('then puts ports outside every OS ephemeral range first', () => {
    const sources = fakeSources({ ephemeral: [{ os: 'linux', start: 2000, end: 2001, source: 'test' }] });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 2000, end: 2003 }, count: 4 });
    expect(ports(result)).toEqual([2002, 2003, 2000, 2001]);
    expect(result.candidates[2]?.ephemeral).toHaveLength(1);
  });

  it('ranks nmap above the ephemeral range', () => {
    const sources = fakeSources({
      nmap: [nmapEntry(2002, 'tcp', 'old', 0)],
      ephemeral: [{ os: 'linux', start: 2000, end: 2001, source: 'test' }],
    });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 2000, end: 2002 }, count: 3 });
    expect(ports(result)).toEqual([2000, 2001, 2002]);
  });

  it('then avoids ports with IANA unauthorized-use reports', () => {
    const sources = fakeSources({ iana: baseIana([{ port: 2000, protocol: 'tcp', state: 'unassigned', extra: { unauthorizedUse: 'port 2000' } }]) });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 2000, end: 2001 }, count: 2 });
    expect(ports(result)).toEqual([2001, 2000]);
    expect(result.candidates[1]?.unauthorizedUse).toEqual(['port 2000']);
  });

  it('then prefers ports whose neighbours are unassigned, then the lower port', () => {
    const sources = fakeSources({
      iana: baseIana([
        { port: 2000, protocol: 'tcp', state: 'assigned', names: ['a'] },
        { port: 2004, protocol: 'tcp', state: 'assigned', names: ['b'] },
        { port: 2006, protocol: 'tcp', state: 'assigned', names: ['c'] },
      ]),
    });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 2001, end: 2008 }, count: 6 });
    // 2002 has free neighbours; 2001, 2003, 2007 touch one assigned port; 2005 touches two.
    expect(ports(result)).toEqual([2002, 2008, 2001, 2003, 2007, 2005]);
    expect(result.candidates.find((c) => c.port === 2005)?.assignedNeighbours).toEqual([2004, 2006]);
    // 2008's neighbour 2009 is outside the range but still read from the registry.
    expect(result.candidates.find((c) => c.port === 2008)?.assignedNeighbours).toEqual([]);
  });

  it('explains each candidate', () => {
    const [candidate] = suggestPorts(fakeSources(), { protocol: 'tcp', range: { start: 2002, end: 2002 } }).candidates;
    expect(candidate?.reasons.join(' ')).toContain('IANA lists 2002/tcp as Unassigned');
    expect(candidate?.reasons.join(' ')).toContain('nmap-services does not list it');
    expect(candidate?.reasons.join(' ')).toContain('Outside every known OS ephemeral range');
    expect(candidate?.range).toBe('User');
  });
});

describe('suggestPorts: stable pick by name', () => {
  const range = { start: 1025, end: 9000 };

  it('gives the same first port for the same name, and the first port of its sequence when all are free', () => {
    const a = suggestPorts(fakeSources(), { protocol: 'tcp', range, name: 'metricsd' });
    const b = suggestPorts(fakeSources(), { protocol: 'tcp', range, name: 'MetricsD' });
    expect(ports(a)).toEqual(ports(b));
    const sequence = stableSequence('metricsd', range.start, range.end);
    expect(ports(a)).toEqual([0, 1, 2, 3, 4].map((k) => sequence.portAt(k)));
    expect(a.candidates.map((c) => c.sequencePosition)).toEqual([0, 1, 2, 3, 4]);
  });

  it('different names spread over the range', () => {
    const picks = new Set(['alpha', 'beta', 'gamma', 'delta', 'omega'].map((name) => ports(suggestPorts(fakeSources(), { protocol: 'tcp', range, name, count: 1 }))[0]));
    expect(picks.size).toBeGreaterThan(1);
  });

  it('keeps the pick while other ports are taken, and moves deterministically when the pick is taken', () => {
    const name = 'metricsd';
    const [first, second, third] = ports(suggestPorts(fakeSources(), { protocol: 'tcp', range, name, count: 3 }));
    if (first === undefined || second === undefined || third === undefined) throw new Error('expected three candidates');

    // Taking an unrelated port (here: a listener on the second pick) leaves the first pick alone.
    const unrelated = fakeSources({ listeners: [entry('listeners', second, 'tcp', [], { address: '127.0.0.1' })] });
    expect(ports(suggestPorts(unrelated, { protocol: 'tcp', range, name, count: 1 }))).toEqual([first]);

    // IANA assigning the first pick moves it to the next port of the name's sequence.
    const taken = fakeSources({ iana: baseIana([{ port: first, protocol: 'tcp', state: 'assigned', names: ['someone'] }]) });
    const moved = suggestPorts(taken, { protocol: 'tcp', range, name, count: 2 });
    expect(ports(moved)).toEqual([second, third]);
    expect(ports(suggestPorts(taken, { protocol: 'tcp', range, name, count: 2 }))).toEqual([second, third]);
  });

  it('ignores neighbours (so an assignment next door does not move the pick)', () => {
    const name = 'metricsd';
    const [first] = ports(suggestPorts(fakeSources(), { protocol: 'tcp', range, name, count: 1 }));
    if (first === undefined) throw new Error('expected a candidate');
    const neighbour = fakeSources({ iana: baseIana([{ port: first + 1, protocol: 'tcp', state: 'assigned', names: ['n'] }]) });
    expect(ports(suggestPorts(neighbour, { protocol: 'tcp', range, name, count: 1 }))).toEqual([first]);
  });

  it('still ranks by the port’s own tiers first', () => {
    const name = 'metricsd';
    const [first, second] = ports(suggestPorts(fakeSources(), { protocol: 'tcp', range, name, count: 2 }));
    if (first === undefined || second === undefined) throw new Error('expected two candidates');
    const listed = fakeSources({ nmap: [nmapEntry(first, 'tcp', 'old', 0)] });
    const result = suggestPorts(listed, { protocol: 'tcp', range, name, count: 2 });
    expect(result.candidates[0]?.port).toBe(second);
    expect(result.candidates[0]?.nmap.listed).toBe(false);
    expect(result.candidates.map((c) => c.port)).not.toContain(first);
    // With a pool of just the first pick and one worse port, the worse tier still comes last.
    const tiny = suggestPorts(listed, { protocol: 'tcp', range: { start: first, end: first }, name, count: 2 });
    expect(ports(tiny)).toEqual([first]);
  });

  it('ranks ephemeral ports after the others with a name too', () => {
    const sources = fakeSources({ ephemeral: [LINUX_EPHEMERAL] });
    const result = suggestPorts(sources, { protocol: 'tcp', range: { start: 32760, end: 32775 }, name: 'x', count: 16 });
    const inside = result.candidates.map((c) => c.ephemeral.length > 0);
    expect(inside).toEqual([...Array(8).fill(false), ...Array(8).fill(true)]);
  });
});

describe('suggestPorts: input', () => {
  it('validates options', () => {
    const sources = fakeSources();
    expect(() => suggestPorts(sources, { protocol: 'tcp', count: 0 })).toThrow('Expected `count` to be a whole number from 1 to 65535');
    expect(() => suggestPorts(sources, { protocol: 'tcp', count: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => suggestPorts(sources, { protocol: 'tcp', range: { start: 0, end: 10 } })).toThrow('got `0`');
    expect(() => suggestPorts(sources, { protocol: 'tcp', range: { start: 10, end: 5 } })).toThrow(PortSpecError);
    expect(() => suggestPorts(sources, { protocol: 'tcp', name: '' })).toThrow('Expected `name` to be a non-empty service name');
    expect(() => suggestPorts(sources, { protocol: 'tcp', exclude: [1] as never })).toThrow('Expected `exclude` to be a Set of ports');
    expect(() => suggestPorts(sources, { protocol: 'xtp' as never })).toThrow(InvalidArgumentError);
  });
});

describe('suggestionRanker: rounds over one pool', () => {
  it('ranks each round as suggestPorts would with that round’s exclude and count', () => {
    const sources = fakeSources({
      nmap: [nmapEntry(4001, 'tcp', 'seen', 0.2)],
      services: [entry('services', 4003, 'tcp', ['svc'])],
    });
    const options = { protocol: 'tcp' as const, range: { start: 4000, end: 4010 } };
    const rank = suggestionRanker(sources, options);
    const exclude = new Set<number>();
    const first = rank({ count: 4, exclude });
    expect(ports(first)).toEqual([4000, 4002, 4004, 4005]);
    // Found bound: left out in the next round, counted under `exclude`; 4003 stays under services,
    // and a port outside the range changes nothing.
    for (const port of [4002, 4003, 9999]) exclude.add(port);
    const second = rank({ count: 4, exclude });
    expect(ports(second)).toEqual([4000, 4004, 4005, 4006]);
    expect(second.excluded.bySource).toMatchObject({ nmap: 1, services: 1, exclude: 1 });
    expect(second.poolSize).toBe(first.poolSize - 1);
    expect(second).toEqual(suggestPorts(sources, { ...options, count: 4, exclude: new Set(exclude) }));
    // The first round's result is not changed by the later one.
    expect(first.excluded.bySource.exclude).toBe(0);
  });
});
