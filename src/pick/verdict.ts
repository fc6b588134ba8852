import type { EphemeralRange, InventoryFindingInfo, OwningProcess, Protocol, RegistryState } from '../registry/types.js';
import type { PortRangeClass } from './ranges.js';
import type { BindProbeResult } from './types.js';

/**
 * One judgement per source about one (port, protocol), and how judgements
 * combine into the overall answer of `check`.
 *
 * - ok:          the source knows the port and sees no problem
 * - conflict:    the port must not become this service's default
 * - warning:     usable, with a caveat the summary explains
 * - not-checked: the source was not available (or does not apply to the
 *                inputs given); never counted as a pass — reports show it
 */
export type VerdictStatus = 'ok' | 'conflict' | 'warning' | 'not-checked';

/** Sources in report order. */
export const VERDICT_SOURCES = [
  'iana',
  'nmap',
  'defaults',
  'services',
  'listeners',
  'bind',
  'reservations',
  'org',
  'ephemeral',
  'kubernetes',
  'os-reserved',
  'range',
  'browser-unsafe',
  'network',
] as const;
export type VerdictSource = (typeof VERDICT_SOURCES)[number];

export interface Verdict<S extends VerdictSource, E> {
  source: S;
  status: VerdictStatus;
  /** One sentence for people: what the source says and why it matters. */
  summary: string;
  evidence: E;
}

export interface IanaEvidence {
  state: RegistryState;
  /** Service names on the rows that decide the state. */
  names: string[];
  /** IANA's status text as written ("Unassigned", "Reserved - IANA", "De-registered" …). */
  statusText: string[];
  descriptions: string[];
  /** "Unauthorized Use Reported" texts that name this port. */
  unauthorizedUse: string[];
  origin: string;
  updated: string | undefined;
}

export interface NmapEvidence {
  /** The nmap-services entries for the port (empty when not listed or not checked). */
  entries: { name: string; frequency: number }[];
  /** The highest open-frequency among them; null when not listed or not checked. */
  frequency: number | null;
}

export interface ServicesEvidence {
  entries: { names: string[]; file?: string; line?: number }[];
}

export interface ListenersEvidence {
  sockets: { address?: string; process?: OwningProcess }[];
}

export interface BindEvidence {
  results: BindProbeResult[];
}

export interface ReservationsEvidence {
  reservations: { owner?: string; service: string[]; note?: string; file?: string; line?: number }[];
}

export interface DefaultsEvidence {
  /** The well-known products that default to this port, each with its citation. */
  defaults: {
    id: string;
    product: string;
    service: string;
    category: string;
    /** The ports of the entry, as the dataset lists them (`5173`, `6000-6063`). */
    ports: string[];
    protocols: Protocol[];
    summary: string;
    citation: { url: string; kind: 'documentation' | 'source'; checked: string };
    note?: string;
  }[];
}

export interface OrgEvidence {
  /** The directories whose code was inventoried. */
  roots: string[];
  /** Every place in that code that declares the port. */
  findings: (InventoryFindingInfo & { file: string; line: number })[];
  /** Files the inventory could not read or parse (the check may have missed ports there). */
  problems: number;
}

export interface KubernetesEvidence {
  /** The NodePort range (kube-apiserver --service-node-port-range default). */
  nodePortRange: { start: number; end: number };
  inside: boolean;
  /** `--k8s`: the service may run on Kubernetes, so the range is a conflict rather than a warning. */
  k8s: boolean;
}

export interface OsReservedEvidence {
  /** This machine's Linux ip_local_reserved_ports ranges that contain the port (null: not read). */
  linuxReserved: { start: number; end: number }[] | null;
  /** This machine's Windows excluded port ranges that contain the port (null: not read). */
  windowsExcluded: { start: number; end: number; administered: boolean }[] | null;
  origin: string | null;
}

export interface EphemeralEvidence {
  /** The ranges that contain the port. */
  containing: EphemeralRange[];
  /** Every range that was considered. */
  considered: EphemeralRange[];
}

export interface RangeEvidence {
  range: PortRangeClass;
}

export interface BrowserUnsafeEvidence {
  http: boolean;
  /** Whether the port is on the browsers' blocked list; null when the list was not given. */
  listed: boolean | null;
}

export interface NetworkEvidence {
  networks: string[];
  /** Addresses that have this port open. */
  openOn: string[];
  probes: number;
  complete: boolean;
}

export type IanaVerdict = Verdict<'iana', IanaEvidence>;
export type NmapVerdict = Verdict<'nmap', NmapEvidence>;
export type ServicesVerdict = Verdict<'services', ServicesEvidence>;
export type ListenersVerdict = Verdict<'listeners', ListenersEvidence>;
export type BindVerdict = Verdict<'bind', BindEvidence>;
export type ReservationsVerdict = Verdict<'reservations', ReservationsEvidence>;
export type EphemeralVerdict = Verdict<'ephemeral', EphemeralEvidence>;
export type DefaultsVerdict = Verdict<'defaults', DefaultsEvidence>;
export type OrgVerdict = Verdict<'org', OrgEvidence>;
export type KubernetesVerdict = Verdict<'kubernetes', KubernetesEvidence>;
export type OsReservedVerdict = Verdict<'os-reserved', OsReservedEvidence>;
export type RangeVerdict = Verdict<'range', RangeEvidence>;
export type BrowserUnsafeVerdict = Verdict<'browser-unsafe', BrowserUnsafeEvidence>;
export type NetworkVerdict = Verdict<'network', NetworkEvidence>;

/** A verdict of any source; narrow on `source`. */
export type SourceVerdict =
  | IanaVerdict
  | NmapVerdict
  | DefaultsVerdict
  | ServicesVerdict
  | ListenersVerdict
  | BindVerdict
  | ReservationsVerdict
  | OrgVerdict
  | EphemeralVerdict
  | KubernetesVerdict
  | OsReservedVerdict
  | RangeVerdict
  | BrowserUnsafeVerdict
  | NetworkVerdict;

/**
 * `free` when no verdict is a conflict (warnings and not-checked sources do not
 * block, but are listed), `conflict` otherwise.
 */
export type OverallVerdict = 'free' | 'conflict';

/**
 * Exit codes the CLI uses for `check`: 0 free, 1 conflict. (2 — an error such
 * as bad input or an unreadable file — is set by the CLI, never computed here.)
 */
export const CHECK_EXIT_CODE = { free: 0, conflict: 1 } as const satisfies Record<OverallVerdict, number>;

export interface VerdictTally {
  overall: OverallVerdict;
  exitCode: 0 | 1;
  conflicts: VerdictSource[];
  warnings: VerdictSource[];
  notChecked: VerdictSource[];
}

/** Combines verdicts: any conflict makes the port a conflict. */
export function combineVerdicts(verdicts: readonly SourceVerdict[]): VerdictTally {
  const of = (status: VerdictStatus): VerdictSource[] =>
    verdicts.filter((verdict) => verdict.status === status).map((verdict) => verdict.source);
  const conflicts = of('conflict');
  const overall: OverallVerdict = conflicts.length > 0 ? 'conflict' : 'free';
  return {
    overall,
    exitCode: CHECK_EXIT_CODE[overall],
    conflicts,
    warnings: of('warning'),
    notChecked: of('not-checked'),
  };
}
