import { describe, expect, it } from 'vitest';
import { PortSpecError } from '../../../src/errors/index.js';
import { classifyPort, ephemeralRangesContaining, rangeOf, rangesTable } from '../../../src/pick/ranges.js';
import { FakeIana, LINUX_EPHEMERAL, WINDOWS_EPHEMERAL, baseIana } from './fake-sources.js';

describe('rangesTable', () => {
  it('is the RFC 6335 table, contiguous over 0-65535', () => {
    const table = rangesTable();
    expect(table.map((r) => [r.name, r.start, r.end])).toEqual([
      ['System', 0, 1023],
      ['User', 1024, 49151],
      ['Dynamic', 49152, 65535],
    ]);
    expect(table.map((r) => r.assignedByIana)).toEqual([true, true, false]);
    expect(table[0]?.howAssigned).toContain('IETF Review');
    expect(table[0]?.howAssigned).toContain('IESG Approval');
    expect(table[0]?.howAssigned).not.toContain('Expert Review');
    expect(table[1]?.howAssigned).toContain('Expert Review');
    expect(table[2]?.howAssigned).toBe('never assigned');
    expect(table[2]?.mayDefault).toContain('MUST NOT');
  });

  it('returns a copy the caller may change', () => {
    const table = rangesTable();
    (table[0] as { end: number }).end = 5;
    expect(rangesTable()[0]?.end).toBe(1023);
  });
});

describe('classifyPort', () => {
  it('puts each boundary port in the right range', () => {
    expect([0, 1023, 1024, 49151, 49152, 65535].map((p) => rangeOf(p).name)).toEqual([
      'System',
      'System',
      'User',
      'User',
      'Dynamic',
      'Dynamic',
    ]);
  });

  it('lists the ephemeral ranges that contain the port', () => {
    const ranges = [LINUX_EPHEMERAL, WINDOWS_EPHEMERAL];
    expect(classifyPort(8080, ranges).ephemeral).toEqual([]);
    expect(classifyPort(40000, ranges).ephemeral).toEqual([LINUX_EPHEMERAL]);
    expect(classifyPort(50000, ranges).ephemeral).toEqual([LINUX_EPHEMERAL, WINDOWS_EPHEMERAL]);
    expect(classifyPort(61000, ranges).ephemeral).toEqual([WINDOWS_EPHEMERAL]);
    expect(ephemeralRangesContaining(32768, ranges)).toEqual([LINUX_EPHEMERAL]);
    expect(ephemeralRangesContaining(32767, ranges)).toEqual([]);
  });

  it('notes range edges, and the Reserved state only from the data', () => {
    const withData = classifyPort(1023, [], new FakeIana(baseIana()));
    expect(withData.notes.join(' ')).toContain('end of the System range');
    expect(withData.notes.join(' ')).toContain('IANA registry lists 1023 as Reserved for tcp, udp, sctp, dccp');
    const withoutData = classifyPort(1023, []);
    expect(withoutData.notes.join(' ')).not.toContain('IANA registry lists');
    // A registry that (hypothetically) no longer reserves 1024 is believed.
    const changed = classifyPort(1024, [], new FakeIana([{ port: 1024, state: 'assigned', names: ['x'] }]));
    expect(changed.notes.join(' ')).not.toContain('IANA registry lists');
    expect(classifyPort(8080, [], new FakeIana(baseIana())).notes).toEqual([]);
  });

  it('notes port 0, the Dynamic range and ephemeral overlap', () => {
    expect(classifyPort(0, []).notes.join(' ')).toContain('Port 0 is not a listening port');
    expect(classifyPort(50000, [LINUX_EPHEMERAL]).notes.join(' ')).toContain('MUST NOT be used as a service identifier');
    expect(classifyPort(40000, [LINUX_EPHEMERAL]).notes.join(' ')).toContain('linux ephemeral range 32768-60999');
  });

  it('refuses invalid ports', () => {
    expect(() => classifyPort(65536, [])).toThrow(PortSpecError);
    expect(() => classifyPort(-1, [])).toThrow('Expected a port from 0 to 65535, got `-1`');
  });
});
