import type { SweepFailureHint } from '../errors/sweep-error.js';
import { nativeUnavailableReason, tryLoadNative } from '../native.js';

export interface NativeStatus {
  loaded: boolean;
  version: string | null;
  /** Engines usable by this process now: syn (native, needs CAP_NET_RAW), connect (native), connect-ts (always). */
  engines: string[];
  /** Why the addon or the SYN engine is unavailable. */
  reason: string | null;
  /** What to do about the SYN engine being unavailable when the addon loaded (`raw-socket-permission`), else null. */
  hint: SweepFailureHint | null;
}

/** Which native features this process can use, and why not when it cannot. */
export async function nativeStatus(): Promise<NativeStatus> {
  const addon = tryLoadNative();
  if (!addon) {
    return { loaded: false, version: null, engines: ['connect-ts'], reason: nativeUnavailableReason()?.message ?? null, hint: null };
  }
  const raw = addon.canUseRawSockets();
  return {
    loaded: true,
    version: addon.version(),
    engines: raw ? ['syn', 'connect', 'connect-ts'] : ['connect', 'connect-ts'],
    reason: raw ? null : 'SYN engine unavailable: this process lacks CAP_NET_RAW',
    hint: raw ? null : 'raw-socket-permission',
  };
}
