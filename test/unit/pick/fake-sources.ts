/**
 * Hand-made LoadedSources for the port-picker tests: a tiny in-memory
 * IanaRegistry with the documented precedence (assigned > reserved >
 * unassigned; no row = unknown) and EntryIndex-backed optional sources.
 */
import { EntryIndex } from '../../../src/registry/entry-index.js';
import { orgSourceFromReport, type OrgSource } from '../../../src/registry/inventory/org-source.js';
import type { InventoryProblem, PortFinding } from '../../../src/registry/inventory/types.js';
import type { IanaRegistry, LoadedSources } from '../../../src/registry/loaded-sources.js';
import type { OsReservedPorts } from '../../../src/registry/os-reserved-ports.js';
import {
  PROTOCOLS,
  type EntryExtra,
  type EphemeralRange,
  type Protocol,
  type RegistryEntry,
  type RegistryState,
  type SourceId,
} from '../../../src/registry/types.js';

export interface IanaRow {
  /** One port, or an inclusive range [start, end]. */
  port: number | [number, number];
  /** Omitted = every transport (like an empty protocol column). */
  protocol?: Protocol;
  state: RegistryState;
  names?: string[];
  description?: string;
  extra?: EntryExtra;
}

const PRECEDENCE: Record<RegistryState, number> = { assigned: 3, reserved: 2, unassigned: 1, unknown: 0 };

/** Rows are kept as given and scanned per call: tiny, obviously right, fast enough for tests. */
export class FakeIana implements IanaRegistry {
  readonly origin = 'fake registry';
  readonly updated: string | undefined = '2026-01-01';
  private readonly rows: readonly IanaRow[];
  private readonly nameOnly: readonly RegistryEntry[];

  constructor(rows: readonly IanaRow[], nameOnly: readonly { name: string; protocol: Protocol }[] = []) {
    this.rows = rows;
    this.nameOnly = nameOnly.map(({ name, protocol }) => ({
      port: -1,
      protocol,
      state: 'assigned' as const,
      names: [name],
      description: '',
      source: 'iana' as const,
      extra: {},
    }));
  }

  get entryCount(): number {
    let count = 0;
    for (const row of this.rows) {
      const [start, end] = span(row);
      count += (end - start + 1) * (row.protocol ? 1 : PROTOCOLS.length);
    }
    return count;
  }

  lookup(protocol: Protocol, port: number): readonly RegistryEntry[] {
    return this.rows
      .filter((row) => covers(row, protocol, port))
      .sort((a, b) => PRECEDENCE[b.state] - PRECEDENCE[a.state])
      .map((row) => toEntry(row, protocol, port));
  }

  stateOf(protocol: Protocol, port: number): RegistryState {
    let best: RegistryState = 'unknown';
    for (const row of this.rows) {
      if (covers(row, protocol, port) && PRECEDENCE[row.state] > PRECEDENCE[best]) best = row.state;
    }
    return best;
  }

  byName(name: string): readonly RegistryEntry[] {
    const wanted = name.toLowerCase();
    const found: RegistryEntry[] = [];
    for (const row of this.rows) {
      if (!(row.names ?? []).some((n) => n.toLowerCase() === wanted)) continue;
      const [start] = span(row);
      for (const protocol of row.protocol ? [row.protocol] : PROTOCOLS) found.push(toEntry(row, protocol, start));
    }
    return [...found, ...this.nameOnly.filter((e) => e.names.some((n) => n.toLowerCase() === wanted))];
  }
}

function span(row: IanaRow): [number, number] {
  return typeof row.port === 'number' ? [row.port, row.port] : row.port;
}

function covers(row: IanaRow, protocol: Protocol, port: number): boolean {
  const [start, end] = span(row);
  return port >= start && port <= end && (row.protocol === undefined || row.protocol === protocol);
}

function toEntry(row: IanaRow, protocol: Protocol, port: number): RegistryEntry {
  return {
    port,
    protocol,
    state: row.state,
    names: row.names ?? [],
    description: row.description ?? (row.state === 'unassigned' ? 'Unassigned' : ''),
    source: 'iana',
    extra: {
      ...(row.state === 'unassigned' ? { ianaStatusText: 'Unassigned' } : {}),
      ...(row.state === 'reserved' ? { ianaStatusText: 'Reserved' } : {}),
      ...row.extra,
    },
  };
}

/** One entry of a non-IANA source. */
export function entry(
  source: SourceId,
  port: number,
  protocol: Protocol,
  names: string[] = [],
  extra: EntryExtra = {},
  state: RegistryState = 'assigned',
): RegistryEntry {
  return { port, protocol, state, names, description: '', source, extra };
}

export function nmapEntry(port: number, protocol: Protocol, name: string, frequency: number): RegistryEntry {
  return entry('nmap', port, protocol, [name], { nmapFrequency: frequency });
}

export const LINUX_EPHEMERAL: EphemeralRange = { os: 'linux', start: 32768, end: 60999, source: 'default' };
export const WINDOWS_EPHEMERAL: EphemeralRange = { os: 'windows', start: 49152, end: 65535, source: 'default' };

export interface FakeSourcesInput {
  iana?: readonly IanaRow[];
  ianaNameOnly?: readonly { name: string; protocol: Protocol }[];
  /** null = source not loaded; an array (possibly empty) = loaded. */
  nmap?: readonly RegistryEntry[] | null;
  services?: readonly RegistryEntry[] | null;
  listeners?: readonly RegistryEntry[] | null;
  reservations?: readonly RegistryEntry[] | null;
  ephemeral?: EphemeralRange[];
  /** null = dataset not loaded; absent = empty dataset. */
  defaults?: readonly RegistryEntry[] | null;
  /** Absent or null = no --org directory. */
  org?: OrgSource | null;
  /** Absent or null = not read. */
  osReserved?: OsReservedPorts | null;
}

/**
 * Sources with every optional source loaded (empty) unless given or set to null.
 * Default IANA: the RFC 6335 edge rows Reserved, everything else in 1-49150 Unassigned.
 */
export function fakeSources(input: FakeSourcesInput = {}): LoadedSources {
  const iana = new FakeIana(input.iana ?? baseIana(), input.ianaNameOnly);
  const index = (source: SourceId, entries: readonly RegistryEntry[] | null | undefined): EntryIndex | null =>
    entries === null ? null : new EntryIndex(source, entries ?? []);
  return {
    iana,
    nmap: index('nmap', input.nmap),
    services: index('services', input.services),
    listeners: index('listeners', input.listeners),
    reservations: index('reservations', input.reservations),
    ephemeral: input.ephemeral ?? [LINUX_EPHEMERAL, WINDOWS_EPHEMERAL],
    defaults: index('defaults', input.defaults),
    org: input.org ?? null,
    osReserved: input.osReserved ?? null,
    status: [],
  };
}

/** Edge ports Reserved, the rest of 1-49150 Unassigned (a blank User range to pick from), plus extra rows. */
export function baseIana(extra: readonly IanaRow[] = []): IanaRow[] {
  return [
    { port: [1, 1022], state: 'unassigned' },
    { port: [1025, 49150], state: 'unassigned' },
    { port: 0, state: 'reserved', extra: { ianaStatusText: 'Reserved [RFC6335]' } },
    { port: 1023, state: 'reserved', extra: { ianaStatusText: 'Reserved [RFC6335]' } },
    { port: 1024, state: 'reserved', extra: { ianaStatusText: 'Reserved [RFC6335]' } },
    { port: 49151, state: 'reserved', extra: { ianaStatusText: 'Reserved [RFC6335]' } },
    ...extra,
  ];
}

/** A well-known defaults entry (as the dataset reader makes them) for one port. */
export function defaultsEntry(port: number, protocol: Protocol, product: string, service: string, url = 'https://example.org/doc'): RegistryEntry {
  return entry('defaults', port, protocol, [`${product} ${service}`], {
    wellKnown: {
      id: `${product}-${service}`.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
      product,
      service,
      ports: [{ first: port, last: port }],
      protocols: [protocol],
      category: 'dev-server',
      summary: `${product} ${service} listens on ${port}.`,
      citation: { url, kind: 'documentation', checked: '2026-08-01' },
    },
  });
}

/** The organisation's code as an inventory of these findings. */
export function fakeOrg(findings: (Partial<PortFinding> & { first: number })[], problems: InventoryProblem[] = []): OrgSource {
  return orgSourceFromReport({
    roots: ['org'],
    findings: findings.map((finding) => ({
      last: finding.first,
      protocol: 'tcp',
      file: 'org/docker-compose.yml',
      line: 7,
      kind: 'compose',
      owner: 'service web',
      field: 'ports',
      confidence: 'high',
      ...finding,
    })),
    problems,
    skipped: { gitignored: 0, vendored: 0, symlinks: 0, binaryOrLarge: 0, helmTemplates: 0 },
    filesSeen: 1,
    filesRead: 1,
    byKind: { compose: findings.length, kubernetes: 0, 'helm-values': 0, dockerfile: 0, env: 0, 'systemd-socket': 0, 'package-json': 0, spring: 0 },
  });
}
