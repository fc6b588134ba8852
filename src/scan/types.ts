/**
 * The scanner's result contract, shared by every engine (SYN, native connect,
 * TypeScript connect), the library's scan(), the reporters and `merge`.
 */

/**
 * - open:        the port accepted (SYN-ACK, or a completed connect)
 * - closed:      the host refused (RST)
 * - filtered:    no answer after every try
 * - unreachable: an ICMP error (host, network or port unreachable, administratively prohibited)
 */
export type ScanPortState = 'open' | 'closed' | 'filtered' | 'unreachable';

/** Which engine decided a result: the native SYN engine, the native connect engine, or the TypeScript fallback. */
export type ScanEngineName = 'syn' | 'connect' | 'connect-ts';

/** What decided the state: the answer that came (or `timeout` when none did). */
export type ScanReason =
  | 'syn-ack'
  | 'reset'
  | 'connected'
  | 'refused'
  | 'timeout'
  | 'host-unreachable'
  | 'net-unreachable'
  | 'admin-prohibited'
  | 'port-unreachable'
  | 'icmp'
  | 'unknown';

/** One (address, port) of a sweep and what became of it. */
export interface ScanResult {
  /** Canonical text form: dotted quad, or RFC 5952 compressed IPv6. */
  address: string;
  /** IPv4 or IPv6. */
  family: 4 | 6;
  port: number;
  /** Always `tcp`: portpick sweeps TCP. */
  protocol: 'tcp';
  state: ScanPortState;
  /** The answer that decided `state`. */
  reason: ScanReason;
  /** Round-trip time of the deciding answer in milliseconds (3 decimals); null when silent. */
  rttMs: number | null;
  /** How many tries it took (1 = first probe answered). */
  tries: number;
  /** The engine that sent the probes. */
  engine: ScanEngineName;
  /** The host answered "open" on an implausible share of ports (tarpit / WAF). */
  tarpit?: boolean;
}

/** Every probe of a sweep accounted for, and how the sweep went. */
export interface ScanSummary {
  /** The engine that ran the sweep. */
  engine: ScanEngineName;
  /** Why this engine (e.g. "auto: CAP_NET_RAW held", "addon not built: TypeScript fallback"). */
  engineReason: string;
  /** Probes in this run's plan (after shard, exclusions and resume). */
  planned: number;
  /** Probes sent, retries included. */
  sent: number;
  /** Probes answered (a SYN-ACK, a RST, an ICMP error, a connect that completed or was refused). */
  answered: number;
  /** Tries beyond the first. */
  retried: number;
  /** Probes silent after every try (filtered). */
  silent: number;
  /** Sends the kernel refused (counted, then tried again or given up). */
  sendErrors: number;
  /** Replies lost before portpick read them (the kernel's or portpick's receive queue overflowed). */
  receiveDrops: number;
  /** Replies that matched no probe of this sweep (another program's, forged, or a duplicate), ignored. */
  invalidReplies: number;
  /** Probes put back because this machine ran short (a full send queue, no descriptor or local port left); never a port state. */
  localDeferrals: number;
  /** Probes with a decided state (= planned unless interrupted). */
  completed: number;
  /** Results per state; they add up to `completed`. */
  open: number;
  closed: number;
  filtered: number;
  unreachable: number;
  /** Addresses that answered at all (open or closed). */
  hostsUp: number;
  /** When the sweep started, ISO 8601. */
  startedAt: string;
  /** How long it ran, milliseconds. */
  durationMs: number;
  /** completed / duration, probes per second. */
  ratePerSecond: number;
  /** The rate adaptive control settled on (SYN), probes/s. */
  finalRate?: number;
  /**
   * SYN: the source addresses the probes left from, chosen per destination as
   * the kernel would, other than the targets themselves (the first 16 distinct).
   * Connect engines leave this to the kernel per connection and omit it.
   */
  sourceAddresses?: string[];
  /** SYN: probes to targets on a local route (loopback, AnyIP, this host's own) that left from the target address itself. */
  selfSourcedProbes?: number;
  /** Stopped before every planned probe had a state (aborted, failed, or the loop left early): resume with the handle's resumeState(). */
  interrupted: boolean;
  /**
   * Results dropped without being yielded because nobody iterated the scan
   * while more than `highWaterMark` waited (a caller that only awaits the
   * summary). Always counted above. Absent when none was dropped (always so
   * when someone iterates).
   */
  discarded?: number;
  /** The permutation seed, decimal: pass it as `seed` to repeat the order. */
  seed: string;
  /** This run's shard, 0-based index. */
  shard: { index: number; count: number };
  /** Sentences for people: the seed drawn, the rate ceiling and why, a dry run. */
  notes: string[];
}

/** What `onProgress` receives while a sweep runs. */
export interface ScanProgress {
  /** Probes with a decided state so far. */
  completed: number;
  /** Probes in this run's plan. */
  planned: number;
  /** Open ports found so far. */
  open: number;
  /** Probes decided per second since the start. */
  ratePerSecond: number;
  /** Seconds left at the current rate; null before the rate is known. */
  etaSeconds: number | null;
}
