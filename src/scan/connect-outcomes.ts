/**
 * What a TCP connect() outcome says about a port: the one table both connect
 * engines use. The TypeScript engine reads it by error code; the native engine
 * receives it encoded by errno number (nativeConnectOutcomes(), in its config),
 * so the two can never disagree.
 *
 *   connected                        open         connected
 *   ECONNRESET, EPIPE                open         connected   (the handshake completed, then the target reset or closed:
 *                                                              a SYN answered with RST gives ECONNREFUSED)
 *   ECONNREFUSED                     closed       refused
 *   EHOSTUNREACH, EHOSTDOWN          unreachable  host-unreachable
 *   ENETUNREACH, ENETDOWN            unreachable  net-unreachable   (no route, or the route's interface is down)
 *   EACCES, EPERM                    filtered     admin-prohibited  (a prohibit route, a local firewall, ICMP prohibited)
 *   ETIMEDOUT                        silent: another try while tries remain, then filtered (timeout)
 *   EMFILE, ENFILE, EADDRNOTAVAIL,   deferred: a local shortage, not an answer; the probe is tried
 *   EADDRINUSE, ENOBUFS, ENOMEM,     again later without using up a try, and never reported closed
 *   EAGAIN, EINTR
 *   anything else                    fatal: the sweep stops with a typed error (its results so far are kept)
 */
import { createRequire } from 'node:module';
import { NATIVE_OUTCOME_KIND, NativePortState, NativeReason } from '../native.js';
import type { ScanPortState, ScanReason } from './types.js';

export type ConnectOutcome =
  | { readonly kind: 'decided'; readonly state: ScanPortState; readonly reason: ScanReason }
  | { readonly kind: 'silent' }
  | { readonly kind: 'deferred' }
  | { readonly kind: 'fatal' };

/** The code of a connect() that succeeded (index 0 of the native encoding). */
export const CONNECTED = 'CONNECTED';

const decided = (state: ScanPortState, reason: ScanReason): ConnectOutcome => ({ kind: 'decided', state, reason });
const SILENT: ConnectOutcome = { kind: 'silent' };
const DEFERRED: ConnectOutcome = { kind: 'deferred' };
const FATAL: ConnectOutcome = { kind: 'fatal' };

export const CONNECT_OUTCOMES: ReadonlyMap<string, ConnectOutcome> = new Map<string, ConnectOutcome>([
  [CONNECTED, decided('open', 'connected')],
  ['ECONNRESET', decided('open', 'connected')],
  ['EPIPE', decided('open', 'connected')],
  ['ECONNREFUSED', decided('closed', 'refused')],
  ['EHOSTUNREACH', decided('unreachable', 'host-unreachable')],
  ['EHOSTDOWN', decided('unreachable', 'host-unreachable')],
  ['ENETUNREACH', decided('unreachable', 'net-unreachable')],
  ['ENETDOWN', decided('unreachable', 'net-unreachable')],
  ['EACCES', decided('filtered', 'admin-prohibited')],
  ['EPERM', decided('filtered', 'admin-prohibited')],
  ['ETIMEDOUT', SILENT],
  ['EMFILE', DEFERRED],
  ['ENFILE', DEFERRED],
  ['EADDRNOTAVAIL', DEFERRED],
  ['EADDRINUSE', DEFERRED],
  ['ENOBUFS', DEFERRED],
  ['ENOMEM', DEFERRED],
  ['EAGAIN', DEFERRED],
  ['EINTR', DEFERRED],
]);

/** The outcome of a connect() that ended with `code` (CONNECTED, or an errno name such as `ECONNREFUSED`). */
export function connectOutcome(code: string): ConnectOutcome {
  return CONNECT_OUTCOMES.get(code) ?? FATAL;
}

/** Native encoding: 3 bytes per outcome (NATIVE_OUTCOME_KIND, state, reason); index 0 = connected, index n = errno n. */
const MAX_NATIVE_ERRNO = 4095;

const STATE_CODES: Record<ScanPortState, number> = NativePortState;
const REASON_CODES: Partial<Record<ScanReason, number>> = {
  'syn-ack': NativeReason.synAck,
  reset: NativeReason.reset,
  connected: NativeReason.connected,
  refused: NativeReason.refused,
  timeout: NativeReason.timeout,
  'host-unreachable': NativeReason.hostUnreachable,
  'net-unreachable': NativeReason.netUnreachable,
  'admin-prohibited': NativeReason.icmpProhibited,
  'port-unreachable': NativeReason.icmpPortUnreachable,
  icmp: NativeReason.icmpOther,
};

// node:os is loaded when a native connect sweep starts, not at start-up (as ts-connect-engine.ts loads node:net).
const requireBuiltin = createRequire(import.meta.url);

/**
 * The table for the native engine (NativeSweepConfig.connectOutcomes), errno
 * numbers as this platform defines them (`os.constants.errno`). `table` is for
 * tests (default: CONNECT_OUTCOMES).
 */
export function nativeConnectOutcomes(table: ReadonlyMap<string, ConnectOutcome> = CONNECT_OUTCOMES): Uint8Array {
  const { constants } = requireBuiltin('node:os') as typeof import('node:os');
  const numbers = constants.errno as Record<string, number>;
  const entries: Array<[number, ConnectOutcome]> = [];
  for (const [code, outcome] of table) {
    const number = code === CONNECTED ? 0 : numbers[code];
    if (number !== undefined && number >= 0 && number <= MAX_NATIVE_ERRNO) entries.push([number, outcome]);
  }
  const size = Math.max(0, ...entries.map(([number]) => number)) + 1;
  const bytes = new Uint8Array(size * 3);
  for (const [number, outcome] of entries) {
    bytes[number * 3] = NATIVE_OUTCOME_KIND[outcome.kind];
    if (outcome.kind === 'decided') {
      const reason = REASON_CODES[outcome.reason];
      if (reason === undefined) throw new RangeError(`Expected a connect outcome reason the native engine knows, got \`${outcome.reason}\``);
      bytes[number * 3 + 1] = STATE_CODES[outcome.state];
      bytes[number * 3 + 2] = reason;
    }
  }
  return bytes;
}
