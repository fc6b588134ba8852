/**
 * Which engine runs a sweep, and why (the reason goes into the summary).
 *
 * - `auto`: SYN when the addon loads and raw sockets are allowed; else the
 *   native connect engine; else the TypeScript connect engine.
 * - `syn`: the native SYN engine or a typed error — never a silent downgrade.
 *   Addon missing → NativeUnavailableError; no CAP_NET_RAW → PermissionError
 *   (hint `raw-socket-permission`: the command line names the fixes).
 * - `connect`: the native connect engine, else the TypeScript one (the reason says so).
 * - `connect-ts`: the TypeScript engine, always.
 */
import { NativeUnavailableError } from '../errors/native-unavailable-error.js';
import { PermissionError } from '../errors/permission-error.js';
import { nativeUnavailableReason, tryLoadNative, type NativeAddon } from '../native.js';
import type { ScanEngineName } from './types.js';

export type ScanMode = 'auto' | 'syn' | 'connect' | 'connect-ts';
export const SCAN_MODES: readonly ScanMode[] = ['auto', 'syn', 'connect', 'connect-ts'];

export interface EngineChoice {
  engine: ScanEngineName;
  reason: string;
  /** The loaded addon when a native engine was chosen. */
  addon: NativeAddon | null;
}

/** What the choice depends on; injectable for tests. */
export interface EngineProbe {
  loadAddon(): NativeAddon | null;
  unavailableReason(): string;
}

export const defaultEngineProbe: EngineProbe = {
  loadAddon: tryLoadNative,
  unavailableReason: () => nativeUnavailableReason()?.message ?? 'the native addon did not load',
};

function sweepCapable(addon: NativeAddon | null): addon is NativeAddon {
  return addon !== null && typeof addon.Sweep === 'function' && typeof addon.canUseRawSockets === 'function';
}

export function chooseEngine(mode: ScanMode, probe: EngineProbe = defaultEngineProbe): EngineChoice {
  if (mode === 'connect-ts') return { engine: 'connect-ts', reason: 'mode connect-ts: TypeScript connect engine requested', addon: null };
  const addon = probe.loadAddon();
  const native = sweepCapable(addon) ? addon : null;
  const whyNot = (): string =>
    addon === null ? probe.unavailableReason() : 'the native addon has no sweep engine (built from an older source?)';
  if (mode === 'syn') {
    if (!native) {
      throw new NativeUnavailableError(`SYN scans need the native addon: ${whyNot()}`, []);
    }
    if (!native.canUseRawSockets()) {
      throw new PermissionError('SYN scans need raw sockets (CAP_NET_RAW), which this process lacks; connect scans need no privilege', {
        errno: 'EPERM',
        syscall: 'socket',
        hint: 'raw-socket-permission',
      });
    }
    return { engine: 'syn', reason: 'mode syn: CAP_NET_RAW held', addon: native };
  }
  if (mode === 'connect') {
    if (native) return { engine: 'connect', reason: 'mode connect: native connect engine', addon: native };
    return { engine: 'connect-ts', reason: `mode connect: addon unavailable, TypeScript fallback (${whyNot()})`, addon: null };
  }
  if (native) {
    if (native.canUseRawSockets()) return { engine: 'syn', reason: 'auto: CAP_NET_RAW held', addon: native };
    return { engine: 'connect', reason: 'auto: no CAP_NET_RAW, native connect engine', addon: native };
  }
  return { engine: 'connect-ts', reason: `auto: addon unavailable, TypeScript fallback (${whyNot()})`, addon: null };
}
