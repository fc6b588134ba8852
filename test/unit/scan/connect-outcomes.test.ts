import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { NATIVE_OUTCOME_KIND, NativePortState, NativeReason } from '../../../src/native.js';
import {
  CONNECT_OUTCOMES,
  CONNECTED,
  connectOutcome,
  nativeConnectOutcomes,
} from '../../../src/scan/connect-outcomes.js';
import { classifyConnectError } from '../../../src/scan/ts-connect-engine.js';

const errno = constants.errno as Record<string, number>;

describe('connect outcomes: the one table of both connect engines', () => {
  it('a completed handshake is open even when the target resets at once; only a reset SYN is closed', () => {
    for (const code of [CONNECTED, 'ECONNRESET', 'EPIPE']) expect(connectOutcome(code)).toEqual({ kind: 'decided', state: 'open', reason: 'connected' });
    expect(connectOutcome('ECONNREFUSED')).toEqual({ kind: 'decided', state: 'closed', reason: 'refused' });
  });

  it('routing and policy errors are unreachable or filtered, never closed', () => {
    expect(connectOutcome('EHOSTUNREACH')).toEqual({ kind: 'decided', state: 'unreachable', reason: 'host-unreachable' });
    expect(connectOutcome('EHOSTDOWN')).toEqual({ kind: 'decided', state: 'unreachable', reason: 'host-unreachable' });
    expect(connectOutcome('ENETUNREACH')).toEqual({ kind: 'decided', state: 'unreachable', reason: 'net-unreachable' });
    expect(connectOutcome('ENETDOWN')).toEqual({ kind: 'decided', state: 'unreachable', reason: 'net-unreachable' });
    expect(connectOutcome('EACCES')).toEqual({ kind: 'decided', state: 'filtered', reason: 'admin-prohibited' });
    expect(connectOutcome('EPERM')).toEqual({ kind: 'decided', state: 'filtered', reason: 'admin-prohibited' });
  });

  it('silence is tried again, local shortages are deferred, anything else is fatal', () => {
    expect(connectOutcome('ETIMEDOUT')).toEqual({ kind: 'silent' });
    for (const code of ['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'EADDRINUSE', 'ENOBUFS', 'ENOMEM', 'EAGAIN', 'EINTR']) {
      expect(connectOutcome(code), code).toEqual({ kind: 'deferred' });
    }
    for (const code of ['ECONNABORTED', 'EPROTO', 'EINVAL', 'made-up']) expect(connectOutcome(code), code).toEqual({ kind: 'fatal' });
  });

  it('the TypeScript engine classifies every code by the table', () => {
    for (const [code, outcome] of [...CONNECT_OUTCOMES, ['EPROTO', connectOutcome('EPROTO')] as const]) {
      const classified = classifyConnectError(code);
      switch (outcome.kind) {
        case 'decided':
          expect(classified, code).toMatchObject({ kind: 'decided', state: outcome.state, reason: outcome.reason });
          break;
        case 'silent':
          expect(classified, code).toEqual({ kind: 'timeout' });
          break;
        case 'deferred':
          expect(classified, code).toEqual({ kind: 'deferred', code });
          break;
        case 'fatal':
          expect(classified, code).toEqual({ kind: 'error', code });
          break;
      }
    }
  });

  it('the native encoding puts each outcome at its errno number on this platform', () => {
    const bytes = nativeConnectOutcomes();
    expect(bytes.length % 3).toBe(0);
    const at = (n: number) => [bytes[n * 3], bytes[n * 3 + 1], bytes[n * 3 + 2]];
    expect(at(0)).toEqual([NATIVE_OUTCOME_KIND.decided, NativePortState.open, NativeReason.connected]);
    expect(at(errno.ECONNRESET as number)).toEqual([NATIVE_OUTCOME_KIND.decided, NativePortState.open, NativeReason.connected]);
    expect(at(errno.ECONNREFUSED as number)).toEqual([NATIVE_OUTCOME_KIND.decided, NativePortState.closed, NativeReason.refused]);
    expect(at(errno.ENETDOWN as number)).toEqual([NATIVE_OUTCOME_KIND.decided, NativePortState.unreachable, NativeReason.netUnreachable]);
    expect(at(errno.EACCES as number)).toEqual([NATIVE_OUTCOME_KIND.decided, NativePortState.filtered, NativeReason.icmpProhibited]);
    expect(at(errno.ETIMEDOUT as number)[0]).toBe(NATIVE_OUTCOME_KIND.silent);
    expect(at(errno.EMFILE as number)[0]).toBe(NATIVE_OUTCOME_KIND.deferred);
    expect(at(errno.EPROTO as number)[0]).toBe(NATIVE_OUTCOME_KIND.fatal);
    const encoded = [...CONNECT_OUTCOMES.keys()].filter((code) => code !== CONNECTED && errno[code] !== undefined).length;
    let nonFatal = 0;
    for (let n = 1; n < bytes.length / 3; n += 1) if (bytes[n * 3] !== NATIVE_OUTCOME_KIND.fatal) nonFatal += 1;
    expect(nonFatal).toBe(encoded);
  });
});
