/**
 * The whole native surface in one file: this module loads the compiled addon
 * and declares its type. No other module touches `.node` files.
 *
 * Contract (implemented by native/binding/):
 * - TypeScript validates everything; the addon receives compact typed arrays,
 *   never strings or expanded target lists.
 * - A sweep runs on native threads of its own; results come back in batches of
 *   packed records (RESULT_RECORD_BYTES each), never one JS call per probe.
 * - The record layout, the stats vector, the state/reason codes and the failure
 *   hints are declared once, in native/boundary.json (native-boundary.ts is
 *   generated from it, as is the addon's native/core/boundary.h).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { NativeUnavailableError } from './errors/native-unavailable-error.js';
import { packageRoot } from './package-root.js';

export type NativeEngineKind = 'connect' | 'syn';

export interface NativeSweepConfig {
  engine: NativeEngineKind;
  /** IPv4 ranges, pairs [first, last] inclusive (host-order unsigned 32-bit), disjoint, sorted. */
  ipv4Ranges: Uint32Array;
  /** IPv6 ranges, 32 bytes each: first address then last address, 16 bytes big-endian; each spans ≤ 2^32 addresses. */
  ipv6Ranges: Uint8Array;
  /** 8192 bytes: port p is probed when bit (p & 7) of byte (p >> 3) is set. Port 0 is never set. */
  portSet: Uint8Array;
  /** Permutation key. */
  seed: bigint;
  /** This sweep covers global positions shardIndex, shardIndex + shardCount, … (0-based index). */
  shardIndex: number;
  shardCount: number;
  /** Resume: shard-local positions below this are done. */
  startPosition: number;
  /** Resume: shard-local positions at or above startPosition that are done too (sorted). */
  skipPositions: Float64Array;
  /** Probes per second ceiling; 0 = no cap. */
  rate: number;
  /** Per-try timeout (connect) or the initial reply wait (SYN), milliseconds. */
  timeoutMs: number;
  /** Extra tries for a probe that got no answer. */
  retries: number;
  /** Probes in flight at most (connect); 0 = size from RLIMIT_NOFILE. */
  window: number;
  /**
   * What each connect() outcome decides (the connect engine): 3 bytes per
   * outcome code (kind, NativePortState, NativeReason), index 0 = connected,
   * index n = errno n. Built by nativeConnectOutcomes() (scan/connect-outcomes.ts)
   * from the one table both connect engines use.
   */
  connectOutcomes: Uint8Array;
  /**
   * Records delivered and not yet released (NativeSweep.release) at most before
   * the engine starts no new probe (retries and probes in flight go on); 0 = no mark.
   */
  highWaterMark: number;
}

export {
  NATIVE_OUTCOME_KIND,
  NativePortState,
  NativeReason,
  RECORD,
  RECORD_FLAG_TARPIT,
  RESULT_RECORD_BYTES,
  SOURCE_ADDRESS_BYTES,
  STATS,
} from './native-boundary.js';

export interface NativeSweepError {
  code: string; // 'EPERM', 'EACCES', 'ENOBUFS' …
  /** The errno number. */
  errno: number;
  /** The call that failed: 'socket', 'sendmmsg', 'pthread_create', 'malloc', 'getrandom' … */
  syscall: string;
  /** A SweepFailureHint (native/boundary.json). */
  hint: string;
  message: string;
}

/** What the engine reports once, with the done batch. */
export interface NativeSweepReport {
  /**
   * Source addresses the engine chose other than the targets themselves (SYN
   * only; the connect engines leave the choice to the kernel per connection):
   * SOURCE_ADDRESS_BYTES each, the family (4 or 6) then 16 address bytes (IPv4 in the first 4).
   */
  sourceAddresses: Uint8Array;
  /** Probes that left from their target's own address (a target on a local route: loopback, AnyIP, this host's). */
  selfSourced: number;
}

export type NativeBatchCallback = (
  records: Uint8Array,
  stats: Float64Array,
  done: boolean,
  error: NativeSweepError | null,
  /** With the done batch only; null before. */
  report: NativeSweepReport | null,
) => void;

export interface NativeSweep {
  /**
   * Starts the engine's threads; `onBatch` is called on the JS thread, last with
   * done = true. Throws an Error carrying code, errno, syscall and hint when no
   * thread can start.
   */
  start(onBatch: NativeBatchCallback): void;
  /** Asks the engine to stop; in-flight probes are abandoned, a final batch with done = true follows. */
  stop(): void;
  /** The consumer took (or dropped) this many records: they no longer count towards highWaterMark. */
  release(records: number): void;
}

export interface NativeSelfTestResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface NativeAddon {
  version(): string;
  /** Runs the core's unprivileged self-tests (permutation, checksums, packet building, cookies). */
  selfTest(): NativeSelfTestResult[];
  /** True when a raw socket can be opened (CAP_NET_RAW held). */
  canUseRawSockets(): boolean;
  /** Test export: the permuted index of each global position, for N = total, keyed by seed. */
  permute(total: number, seed: bigint, positions: Float64Array): Float64Array;
  Sweep: new (config: NativeSweepConfig) => NativeSweep;
}

/** The file CMakeLists.txt builds (project portpick_native). */
const BUILT_ADDON = 'portpick_native.node';

/** Where the addon is looked for; `PORTPICK_ADDON=path` replaces the search with that one file. */
export const ADDON_ENV = 'PORTPICK_ADDON';

/** How to get the addon, for every message that says it is missing. */
const HOW_TO_GET =
  'Get it: `npm rebuild portpick` compiles it (needs cmake >= 3.15 and a C++17 compiler; Debian: apt-get install cmake g++; ' +
  'in a checkout: `npm run build:native`), or set PORTPICK_ADDON to a portpick_native.node. ' +
  'Meanwhile connect scans use the slower TypeScript engine and SYN scans are unavailable.';

/**
 * The folders node-gyp-build searches, in its order: a build from source first
 * (build/Release, build/Debug), then the prebuilt addon for this platform
 * (prebuilds/<platform>-<arch>/, made by `npm run prebuild`).
 */
function searchedPlaces(root: string): string[] {
  return [join(root, 'build', 'Release'), join(root, 'build', 'Debug'), join(root, 'prebuilds', `${process.platform}-${process.arch}`)];
}

type Located = { path: string; tried: string[] } | { path: null; tried: string[]; error: NativeUnavailableError };

/** The addon file to load: PORTPICK_ADDON when set, else node-gyp-build's pick. */
function locateAddon(require: NodeRequire): Located {
  const override = process.env[ADDON_ENV];
  if (override !== undefined && override !== '') {
    const path = resolve(override);
    if (existsSync(path)) return { path, tried: [path] };
    const error = new NativeUnavailableError(`${ADDON_ENV}=${override} names no file (${path}). ${HOW_TO_GET}`, [path]);
    return { path: null, tried: [path], error };
  }
  const root = packageRoot();
  const tried = searchedPlaces(root);
  // A build from source, where node-gyp-build looks first, is found without
  // loading node-gyp-build, which costs a sweep's start a few milliseconds
  // (docs/architecture.md, "Start-up of a sweep"); node-gyp-build's two
  // switches (PREBUILDS_ONLY, PORTPICK_PREBUILD) send the search to it.
  const built = join(root, 'build', 'Release', BUILT_ADDON);
  if (!process.env.PREBUILDS_ONLY && !process.env.PORTPICK_PREBUILD && existsSync(built)) return { path: built, tried };
  try {
    const nodeGypBuild = require('node-gyp-build') as { path(dir: string): string };
    return { path: nodeGypBuild.path(root), tried };
  } catch (cause) {
    const platform = `${process.platform}-${process.arch}`;
    const error = new NativeUnavailableError(
      `The native addon is not installed: no prebuilt addon for ${platform} came with this package and none was compiled ` +
        `(looked in: ${tried.join(', ')}). ${HOW_TO_GET}`,
      tried,
      { cause },
    );
    return { path: null, tried, error };
  }
}

let cached: { addon: NativeAddon | null; error: NativeUnavailableError | null } | undefined;

/** Loads the addon once; returns null (and remembers why) when it is missing. */
export function tryLoadNative(): NativeAddon | null {
  if (cached) return cached.addon;
  const require = createRequire(import.meta.url);
  const located = locateAddon(require);
  if (located.path === null) {
    cached = { addon: null, error: located.error };
    return null;
  }
  try {
    const addon = require(located.path) as Partial<NativeAddon> | null;
    if (typeof addon?.version !== 'function') throw new Error('it is not portpick\'s addon (no version())');
    cached = { addon: addon as NativeAddon, error: null };
    return addon as NativeAddon;
  } catch (cause) {
    const reason = (cause as Error).message.split('\n')[0];
    cached = {
      addon: null,
      error: new NativeUnavailableError(`The native addon at ${located.path} failed to load: ${reason}. ${HOW_TO_GET}`, located.tried, { cause }),
    };
    return null;
  }
}

/** Loads the addon or throws NativeUnavailableError naming every path tried and the fix. */
export function loadNative(): NativeAddon {
  const addon = tryLoadNative();
  if (addon) return addon;
  throw cached?.error ?? new NativeUnavailableError('The native addon is unavailable.', []);
}

/** Why the addon is unavailable, or null when it loaded. */
export function nativeUnavailableReason(): NativeUnavailableError | null {
  tryLoadNative();
  return cached?.error ?? null;
}
