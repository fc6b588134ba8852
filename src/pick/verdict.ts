import type { CustomSourceFinding } from '../registry/custom-source.js';
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
 *                inputs given), or the run did not consult it (`--sources`);
 *                never counted as a pass — reports show it
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
/** @useDeclaredType */
export type VerdictSource = (typeof VERDICT_SOURCES)[number];

/** One source's judgement of one (port, protocol). */
export interface Verdict<S extends string, E> {
  /** The source's id (`iana`, `nmap` …; a custom source's name). */
  source: S;
  status: VerdictStatus;
  /** One sentence for people: what the source says and why it matters. */
  summary: string;
  /** What the source holds about the port, per source (see each `…Evidence` type). */
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

/** The verdict of a source the caller added (src/registry/custom-source.ts); `source` is its name. */
export interface CustomVerdict extends Verdict<string, CustomEvidence> {
  /** Tells a custom source's verdict from a built-in one: `'custom' in verdict` narrows to this type. */
  custom: true;
}

export interface CustomEvidence {
  origin: string;
  /** What the source said holds the port. */
  findings: CustomSourceFinding[];
}

/** A verdict of a built-in source; narrow on `source`. */
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

/** A verdict of a built-in source or of one the caller added. */
export type AnyVerdict = SourceVerdict | CustomVerdict;

/** A built-in source's verdict (narrows `AnyVerdict` so that `source` tells the evidence). */
export function isBuiltInVerdict(verdict: AnyVerdict): verdict is SourceVerdict {
  return !('custom' in verdict);
}

/**
 * - free:      no verdict is a conflict (warnings and sources not checked do
 *              not block, but are listed);
 * - conflict:  some source objects;
 * - unchecked: no source objects, but `strict` was asked and some source
 *              the run consults could not be checked.
 */
export type OverallVerdict = 'free' | 'conflict' | 'unchecked';

export interface VerdictTally {
  /** `free`, `conflict`, or with `strict` `unchecked` (see {@link OverallVerdict}). */
  overall: OverallVerdict;
  /** Sources (built-in ids or the names of the caller's) by status. */
  conflicts: string[];
  /** Sources that see a caveat but no conflict. */
  warnings: string[];
  /** Sources the run consults that could not be checked. */
  notChecked: string[];
  /** Sources the run left out (`--sources`, `--no-listeners`, `--no-bind-probe`): not consulted, on request. */
  notConsulted: string[];
  /** True when the tally was made under `strict`. */
  strict: boolean;
}

/**
 * Combines verdicts: any conflict makes the port a conflict; under `strict`,
 * any source not checked (and not left out on request) makes it unchecked.
 */
export function combineVerdicts(
  verdicts: readonly AnyVerdict[],
  options: { strict?: boolean; notConsulted?: ReadonlySet<string> } = {},
): VerdictTally {
  const left = options.notConsulted ?? new Set<string>();
  const of = (status: VerdictStatus): string[] =>
    verdicts.filter((verdict) => verdict.status === status && !left.has(verdict.source)).map((verdict) => verdict.source);
  const conflicts = of('conflict');
  const notChecked = of('not-checked');
  const strict = options.strict ?? false;
  const overall: OverallVerdict = conflicts.length > 0 ? 'conflict' : strict && notChecked.length > 0 ? 'unchecked' : 'free';
  return {
    overall,
    conflicts,
    warnings: of('warning'),
    notChecked,
    notConsulted: verdicts.filter((verdict) => left.has(verdict.source)).map((verdict) => verdict.source),
    strict,
  };
}
