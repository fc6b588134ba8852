/**
 * The connect engine's errno → port-state table (native self-test "connect: …"):
 * a server that accepts and resets or closes at once (ECONNRESET/EPIPE when the
 * engine looks) is open; only a RST to the SYN itself (ECONNREFUSED) is closed;
 * timeouts and local resource errors are never a port state.
 */
import { describe, expect, it } from 'vitest';
import { addon } from '../helpers/native-addon.js';

describe.skipIf(!addon)('native connect outcomes', () => {
  it('passes the connect self-tests', () => {
    const results = addon!.selfTest().filter((r) => r.name.startsWith('connect: '));
    expect(results.length).toBe(1);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  });
});
