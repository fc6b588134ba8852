/**
 * The one entry type every registry source yields, so that intersection and
 * ranking (src/pick/) are pure functions over sets of entries.
 */

export const PROTOCOLS = ['tcp', 'udp', 'sctp', 'dccp'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * IANA vocabulary, used by every source:
 * - assigned:   a service holds (or is seen using) the port
 * - reserved:   not available for regular assignment (IANA "Reserved")
 * - unassigned: IANA lists it as Unassigned (the only "free" state)
 * - unknown:    no row says anything (gaps in the registry are not free)
 */
export type RegistryState = 'assigned' | 'reserved' | 'unassigned' | 'unknown';

export type SourceId = 'iana' | 'nmap' | 'services' | 'listeners' | 'reservations';

export interface OwningProcess {
  pid: number;
  command: string;
}

/** Source-specific details; every field is optional and only the owning source sets it. */
export interface EntryExtra {
  /** nmap-services open-frequency ratio (0 = listed, never seen open). */
  nmapFrequency?: number;
  /** IANA "Unauthorized Use Reported" text that names this port. */
  unauthorizedUse?: string;
  /** IANA's free-text state as written ("Reserved - IANA", "De-registered" …). */
  ianaStatusText?: string;
  assignee?: string;
  contact?: string;
  registrationDate?: string;
  modificationDate?: string;
  reference?: string;
  assignmentNotes?: string;
  /** The file and 1-based line an entry came from (services, reservations, nmap-services). */
  file?: string;
  line?: number;
  /** Local listeners: the bound address (`0.0.0.0`, `::`, `127.0.0.1` …) and the owner when the OS tells. */
  address?: string;
  process?: OwningProcess;
  /** Organisation reservations. */
  owner?: string;
  note?: string;
}

export interface RegistryEntry {
  port: number;
  protocol: Protocol;
  state: RegistryState;
  /** Service names for this port/protocol from this row (several rows may add more names). */
  names: string[];
  description: string;
  source: SourceId;
  extra: EntryExtra;
}

/** What `portpick sources` shows for one source. */
export interface SourceStatus {
  id: SourceId | 'ephemeral' | 'browser-unsafe';
  /** False when the source could not be loaded: every report then says the check was not made. */
  available: boolean;
  /** Where it came from: a path, `snapshot (IANA registry of 2026-04-09)`, `/proc/net`, … */
  origin: string;
  entries: number;
  /** Newest date the data carries, or the file's modification time (ISO 8601). */
  updated?: string;
  /** Why it is unavailable, or a caveat. */
  note?: string;
}

export type OperatingSystem = 'linux' | 'windows' | 'macos' | 'freebsd';

/** An OS's ephemeral (dynamic client) port range. */
export interface EphemeralRange {
  /** Which OS, or `this machine` for the range read from the running kernel. */
  os: OperatingSystem | 'this machine';
  start: number;
  end: number;
  /** Where the numbers come from (`/proc/sys/net/ipv4/ip_local_port_range`, `default`, `netsh` …). */
  source: string;
}
