import { expect } from 'vitest';
import type { IanaRegistry } from '../../../src/registry/loaded-sources.js';
import { PROTOCOLS } from '../../../src/registry/types.js';

/** `digested` answers every question as `parsed`; `stride` thins the per-port lookups of udp, sctp and dccp. */
export function expectSameAnswers(parsed: IanaRegistry, digested: IanaRegistry, stride: number): void {
  expect(digested.origin).toBe(parsed.origin);
  expect(digested.updated).toBe(parsed.updated);
  expect(digested.entryCount).toBe(parsed.entryCount);
  for (const protocol of PROTOCOLS) {
    for (let port = 0; port <= 65535; port += 1) {
      if (digested.stateOf(protocol, port) !== parsed.stateOf(protocol, port)) {
        expect({ protocol, port, state: digested.stateOf(protocol, port) }).toEqual({ protocol, port, state: parsed.stateOf(protocol, port) });
      }
      if (digested.hasUnauthorizedUse?.(protocol, port) !== parsed.hasUnauthorizedUse?.(protocol, port)) {
        expect({ protocol, port, unauthorized: digested.hasUnauthorizedUse?.(protocol, port) }).toEqual({ protocol, port, unauthorized: parsed.hasUnauthorizedUse?.(protocol, port) });
      }
      if (protocol !== 'tcp' && port % stride !== 0) continue;
      if (JSON.stringify(digested.lookup(protocol, port)) !== JSON.stringify(parsed.lookup(protocol, port))) {
        expect({ protocol, port, entries: digested.lookup(protocol, port) }).toEqual({ protocol, port, entries: parsed.lookup(protocol, port) });
      }
    }
  }
  for (const name of ['http', 'x11', 'HTTP-ALT', 'no-such-service']) expect(digested.byName(name)).toEqual(parsed.byName(name));
}
