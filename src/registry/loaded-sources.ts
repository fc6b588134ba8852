import type { CustomSource } from './custom-source.js';
import type { EntryIndex } from './entry-index.js';
import type { OrgSource } from './inventory/org-source.js';
import type { OsReservedPorts } from './os-reserved-ports.js';
import type { EphemeralRange, Protocol, RegistryEntry, RegistryState, SourceStatus } from './types.js';

/**
 * The IANA registry as loaded (shipped snapshot, cached official CSV, or a file given by the user).
 * Precedence inside one (protocol, port): an assigned row wins over a Reserved or
 * Unassigned range that contains it; Reserved wins over Unassigned; no row at all is `unknown`.
 */
export interface IanaRegistry {
  /** `snapshot (IANA registry of 2026-04-09)`, or the file path. */
  readonly origin: string;
  /** Newest registration/modification date in the data (ISO date), when known. */
  readonly updated: string | undefined;
  /** Number of (protocol, port) rows after expanding ranges and empty protocols. */
  readonly entryCount: number;
  /** Every row that covers this (protocol, port), assigned ones first. */
  lookup(protocol: Protocol, port: number): readonly RegistryEntry[];
  /** The aggregated state under the precedence above. */
  stateOf(protocol: Protocol, port: number): RegistryState;
  /** Rows that carry this service name (case-insensitive), any port or none. */
  byName(name: string): readonly RegistryEntry[];
  /**
   * Some row covering this (protocol, port) carries IANA's "Unauthorized Use
   * Reported" for it: `lookup(...).some(entry => entry.extra.unauthorizedUse)`,
   * which registries may answer without building the entries.
   */
  hasUnauthorizedUse?(protocol: Protocol, port: number): boolean;
  /**
   * stateOf for every port at once, for passes over whole ranges: 65536 ranks
   * indexed by port, 0 unknown, 1 unassigned, 2 reserved, 3 assigned. The
   * caller does not modify it. Registries without it are asked port by port.
   */
  stateRanks?(protocol: Protocol): Uint8Array;
}

/** Everything the port picker knows, loaded once per command. */
export interface LoadedSources {
  iana: IanaRegistry;
  /** nmap-services; null when not found: every report then says the check was not made. */
  nmap: EntryIndex | null;
  /** The system services file (or --services FILE); null when absent. */
  services: EntryIndex | null;
  /** Sockets listening on this machine now; null when the OS would not tell. */
  listeners: EntryIndex | null;
  /** Organisation reservations; null when no file was given or found. */
  reservations: EntryIndex | null;
  /** This machine's ephemeral range first (when readable), then each OS's default. */
  ephemeral: EphemeralRange[];
  /**
   * Ports that well-known products default to (the curated dataset); null when
   * the dataset is missing. Absent (undefined) in sources made by hand: not checked.
   */
  defaults?: EntryIndex | null;
  /** Ports the organisation's code declares (`--org DIR`, `org:` in .portpick.yaml); null when no directory was given. */
  org?: OrgSource | null;
  /** Ports this machine's OS sets aside (Linux ip_local_reserved_ports, Windows excluded port ranges); null when unreadable. */
  osReserved?: OsReservedPorts | null;
  /** Sources the caller added (`customSources`); absent or empty = none. */
  custom?: readonly CustomSource[];
  /**
   * The sources this run consults (`--sources`; src/pick/source-selection.ts),
   * including `bind` and `network` when probes and sweeps are to be made.
   * Absent = every source. A source left out is null here and every report
   * says it was not consulted.
   */
  consulted?: readonly string[];
  status: SourceStatus[];
}
