import { describe, expect, it } from 'vitest';
import { classifyConnectError, effectiveWindow, softOpenFileLimit } from '../../../src/scan/ts-connect-engine.js';

describe('TypeScript connect engine: error classification', () => {
  it('maps answers to states (connect-outcomes.ts: the table both engines use)', () => {
    expect(classifyConnectError('ECONNRESET')).toMatchObject({ kind: 'decided', state: 'open', reason: 'connected' });
    expect(classifyConnectError('ECONNREFUSED')).toMatchObject({ kind: 'decided', state: 'closed', reason: 'refused' });
    expect(classifyConnectError('EHOSTUNREACH')).toMatchObject({ kind: 'decided', state: 'unreachable', reason: 'host-unreachable' });
    expect(classifyConnectError('ENETUNREACH')).toMatchObject({ kind: 'decided', state: 'unreachable', reason: 'net-unreachable' });
    expect(classifyConnectError('EACCES')).toMatchObject({ kind: 'decided', state: 'filtered', reason: 'admin-prohibited' });
    expect(classifyConnectError('ETIMEDOUT')).toEqual({ kind: 'timeout' });
  });

  it('never reports local resource exhaustion as closed: it defers the probe', () => {
    for (const code of ['EMFILE', 'ENFILE', 'EADDRNOTAVAIL', 'ENOBUFS', 'EAGAIN', 'EADDRINUSE']) {
      expect(classifyConnectError(code)).toEqual({ kind: 'deferred', code });
    }
    expect(classifyConnectError('ENETDOWN')).toMatchObject({ kind: 'decided', state: 'unreachable', reason: 'net-unreachable' });
    expect(classifyConnectError('ECONNABORTED')).toEqual({ kind: 'error', code: 'ECONNABORTED' });
  });

  it('keeps the window under the soft open-files limit', () => {
    const soft = softOpenFileLimit();
    expect(effectiveWindow(3)).toBe(3);
    if (soft !== null && Number.isFinite(soft)) {
      expect(effectiveWindow(10_000_000)).toBe(Math.max(1, soft - 64));
      expect(effectiveWindow(0)).toBe(Math.min(512, Math.max(1, soft - 64)));
    }
  });
});
