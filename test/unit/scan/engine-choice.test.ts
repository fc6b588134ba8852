import { describe, expect, it } from 'vitest';
import { NativeUnavailableError } from '../../../src/errors/native-unavailable-error.js';
import { PermissionError } from '../../../src/errors/permission-error.js';
import type { NativeAddon } from '../../../src/native.js';
import { chooseEngine, type EngineProbe } from '../../../src/scan/engine-choice.js';

const fakeAddon = (raw: boolean): NativeAddon =>
  ({
    version: () => '0.0.0',
    selfTest: () => [],
    canUseRawSockets: () => raw,
    permute: () => new Float64Array(),
    Sweep: class {} as unknown as NativeAddon['Sweep'],
  }) as NativeAddon;
const probe = (addon: NativeAddon | null): EngineProbe => ({ loadAddon: () => addon, unavailableReason: () => 'not built (test)' });

describe('chooseEngine', () => {
  it('auto: SYN with raw sockets, native connect without, TypeScript without the addon', () => {
    expect(chooseEngine('auto', probe(fakeAddon(true)))).toMatchObject({ engine: 'syn', reason: 'auto: CAP_NET_RAW held' });
    expect(chooseEngine('auto', probe(fakeAddon(false)))).toMatchObject({ engine: 'connect', reason: expect.stringContaining('no CAP_NET_RAW') });
    const fallback = chooseEngine('auto', probe(null));
    expect(fallback).toMatchObject({ engine: 'connect-ts', addon: null });
    expect(fallback.reason).toContain('not built (test)');
  });

  it('an addon without Sweep counts as unavailable', () => {
    const old = { ...fakeAddon(true), Sweep: undefined } as unknown as NativeAddon;
    expect(chooseEngine('auto', probe(old)).engine).toBe('connect-ts');
  });

  it('syn without the capability is a PermissionError with its hint and no flag; without the addon NativeUnavailableError', () => {
    let error: unknown;
    try {
      chooseEngine('syn', probe(fakeAddon(false)));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(PermissionError);
    expect(error).toMatchObject({ code: 'ERR_PERMISSION', errno: 'EPERM', syscall: 'socket', hint: 'raw-socket-permission' });
    expect((error as Error).message).toContain('CAP_NET_RAW');
    expect((error as Error).message).not.toMatch(/--|setcap|sudo/);
    expect(() => chooseEngine('syn', probe(null))).toThrow(NativeUnavailableError);
    expect(chooseEngine('syn', probe(fakeAddon(true))).engine).toBe('syn');
  });

  it('connect prefers native and falls back saying so; connect-ts is always TypeScript', () => {
    expect(chooseEngine('connect', probe(fakeAddon(true))).engine).toBe('connect');
    expect(chooseEngine('connect', probe(null))).toMatchObject({ engine: 'connect-ts', reason: expect.stringContaining('TypeScript fallback') });
    expect(chooseEngine('connect-ts', probe(fakeAddon(true))).engine).toBe('connect-ts');
  });
});
