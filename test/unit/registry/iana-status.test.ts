import { describe, expect, it } from 'vitest';
import { interpretIanaStatus } from '../../../src/registry/iana-status.js';
import { unauthorizedPortSpans } from '../../../src/registry/iana-unauthorized.js';

describe('interpretIanaStatus', () => {
  const cases: Array<[string, string, string, string | undefined]> = [
    ['', 'Unassigned', 'unassigned', 'Unassigned'],
    ['', 'unassigned', 'unassigned', 'unassigned'],
    ['', 'Unassigned [was netstat]', 'unassigned', 'Unassigned [was netstat]'],
    ['', 'Unassigned (FRP-Released 12/7/00)', 'unassigned', 'Unassigned (FRP-Released 12/7/00)'],
    ['', '(unassigned) Possibly assigned', 'assigned', undefined],
    ['', 'Reserved', 'reserved', 'Reserved'],
    ['', 'Reserved - IANA', 'reserved', 'Reserved - IANA'],
    ['', 'De-registered', 'reserved', 'De-registered'],
    ['', 'Removed', 'reserved', 'Removed'],
    ['', 'Deprecated', 'reserved', 'Deprecated'],
    ['', 'Decomissioned Port 04/14/00, ms', 'reserved', 'Decomissioned Port 04/14/00, ms'],
    ['', 'De-Commissioned Port', 'reserved', 'De-Commissioned Port'],
    ['', 'any private mail system', 'assigned', undefined],
    ['', 'Possibly used by Sun Solaris????', 'assigned', undefined],
    ['sua', 'De-Registered', 'reserved', 'De-Registered'],
    ['stun-behaviors', 'Reserved for a future enhancement of STUN-BEHAVIOR', 'assigned', undefined],
    ['echo', 'Echo', 'assigned', undefined],
    ['derby-repli', 'Apache Derby Replication', 'assigned', undefined],
    ['Reserved', '', 'reserved', 'Reserved'],
    ['unassigned', '', 'unassigned', 'unassigned'],
  ];
  for (const [name, description, state, statusText] of cases) {
    it(`${JSON.stringify(name)} + ${JSON.stringify(description)} → ${state}`, () => {
      const status = interpretIanaStatus(name, description);
      expect(status.state).toBe(state);
      expect(status.statusText).toBe(statusText);
    });
  }

  it('does not keep a status word as a service name', () => {
    expect(interpretIanaStatus('Reserved', '').serviceName).toBe('');
    expect(interpretIanaStatus(' echo ', 'Echo').serviceName).toBe('echo');
  });
});

describe('unauthorizedPortSpans', () => {
  it('finds the single ports a text names inside the row', () => {
    expect(unauthorizedPortSpans('Known UNAUTHORIZED USE: Ports 4490 and 4491', 4489, 4499)).toEqual([[4490, 4491]]);
    expect(unauthorizedPortSpans('Known UNAUTHORIZED USE: port 11488', 11435, 11488)).toEqual([[11488, 11488]]);
    expect(unauthorizedPortSpans('Unauthorized Use Known on ports 28017, 28018 and 28019', 28011, 28079)).toEqual([[28017, 28019]]);
    expect(unauthorizedPortSpans('Known Unauthorized Use on ports 33436-33534', 33436, 33655)).toEqual([[33436, 33534]]);
    expect(unauthorizedPortSpans('Known UNAUTHORIZED USE: Ports 44515 & 44516', 44446, 44543)).toEqual([[44515, 44516]]);
    expect(unauthorizedPortSpans('Unauthorized Use Known on ports 5151 and 5152', 5151, 5151)).toEqual([[5151, 5151]]);
  });

  it('returns null (mark the whole row) when the text names no port of the row', () => {
    expect(unauthorizedPortSpans('yes', 8010, 8010)).toBeNull();
    expect(unauthorizedPortSpans('Unauthorized use by some mail users (see [RFC4146] for details)', 79, 79)).toBeNull();
    expect(unauthorizedPortSpans('krb524 assigned the port, nv used it without an assignment', 4444, 4444)).toBeNull();
    expect(unauthorizedPortSpans('Known Unauthorized Use on 7011', 7012, 7012)).toBeNull();
  });
});
