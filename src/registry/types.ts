/**
 * The one entry type every registry source yields, so that intersection and
 * ranking (src/pick/) are pure functions over sets of entries.
 */

export const PROTOCOLS = ['tcp', 'udp', 'sctp', 'dccp'] as const;
/** @useDeclaredType */
export type Protocol = (typeof PROTOCOLS)[number];

/**
 * IANA vocabulary, used by every source:
 * - assigned:   a service holds (or is seen using) the port
 * - reserved:   not available for regular assignment (IANA "Reserved")
 * - unassigned: IANA lists it as Unassigned (the only "free" state)
 * - unknown:    no row says anything (gaps in the registry are not free)
 */
export type RegistryState = 'assigned' | 'reserved' | 'unassigned' | 'unknown';

export type SourceId = 'iana' | 'nmap' | 'services' | 'listeners' | 'reservations' | 'defaults' | 'org';

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
  /** Well-known defaults: the curated entry (product, service, citation) this port comes from. */
  wellKnown?: WellKnownDefault;
  /** The organisation's code (inventory): what declares the port and how sure the reading is. */
  finding?: InventoryFindingInfo;
}

/** One curated entry of the well-known defaults dataset (data/defaults/well-known-defaults.json). */
export interface WellKnownDefault {
  /** Stable identifier (`vite-dev`). */
  id: string;
  /** `Vite`. */
  product: string;
  /** `dev server`. */
  service: string;
  /** The ports as the dataset lists them: single ports and inclusive ranges. */
  ports: { first: number; last: number }[];
  protocols: Protocol[];
  category: string;
  summary: string;
  citation: { url: string; kind: 'documentation' | 'source'; checked: string };
  note?: string;
}

/** What the inventory of the organisation's code read at one place (see src/registry/inventory/). */
export interface InventoryFindingInfo {
  /** The kind of file: compose, kubernetes, helm-values, dockerfile, env, systemd-socket, package-json, spring. */
  kind: string;
  /** The service or object the port belongs to (`service web`, `Deployment/api container app`). */
  owner: string;
  /** The field read (`ports`, `containerPort`, `EXPOSE`, `PORT` …). */
  field: string;
  /** How sure the reading is: high (a literal in a port field), medium (a default, a named variable), low (a guess). */
  confidence: 'high' | 'medium' | 'low';
  /** How the value was obtained when it was not a plain literal (`${WEB_PORT:-8080}`: the default). */
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
  /** A built-in source, or the name of a source the caller added. */
  id: SourceId | 'ephemeral' | 'browser-unsafe' | 'os-reserved' | (string & {});
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
