/**
 * The scanner's result contract, shared by every engine (SYN, native connect,
 * TypeScript connect), the library's scan(), the reporters and `merge`.
 */

export type ScanPortState = 'open' | 'closed' | 'filtered' | 'unreachable';

/** Which engine decided a result: the native SYN engine, the native connect engine, or the TypeScript fallback. */
export type ScanEngineName = 'syn' | 'connect' | 'connect-ts';

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

export interface ScanResult {
  /** Canonical text form: dotted quad, or RFC 5952 compressed IPv6. */
  address: string;
  family: 4 | 6;
  port: number;
  protocol: 'tcp';
  state: ScanPortState;
  reason: ScanReason;
  /** Round-trip time of the deciding answer in milliseconds (3 decimals); null when silent. */
  rttMs: number | null;
  /** How many tries it took (1 = first probe answered). */
  tries: number;
  engine: ScanEngineName;
  /** The host answered "open" on an implausible share of ports (tarpit / WAF). */
  tarpit?: boolean;
}

export interface ScanSummary {
  engine: ScanEngineName;
  /** Why this engine (e.g. "auto: CAP_NET_RAW held", "addon not built: TypeScript fallback"). */
  engineReason: string;
  /** Probes in this run's plan (after shard, exclusions and resume). */
  planned: number;
  sent: number;
  answered: number;
  retried: number;
  silent: number;
  sendErrors: number;
  receiveDrops: number;
  invalidReplies: number;
  localDeferrals: number;
  /** Probes with a decided state (= planned unless interrupted). */
  completed: number;
  open: number;
  closed: number;
  filtered: number;
  unreachable: number;
  hostsUp: number;
  startedAt: string;
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
  interrupted: boolean;
  /**
   * Results dropped without being yielded because nobody iterated the scan
   * while more than `highWaterMark` waited (a caller that only awaits the
   * summary). Always counted above. Absent when none was dropped (always so
   * when someone iterates).
   */
  discarded?: number;
  seed: string;
  shard: { index: number; count: number };
  notes: string[];
}

export interface ScanProgress {
  completed: number;
  planned: number;
  open: number;
  ratePerSecond: number;
  /** Seconds left at the current rate; null before the rate is known. */
  etaSeconds: number | null;
}
