import type { IanaRegistry } from '../registry/loaded-sources.js';
import { PROTOCOLS, type EphemeralRange } from '../registry/types.js';
import { parsePort } from './port-input.js';

/**
 * The three port ranges of RFC 6335 §6, with how IANA assigns in each
 * (§8.1.2) and whether a new service may use a port there as its default.
 */

export type PortRangeName = 'System' | 'User' | 'Dynamic';

export interface PortRangeClass {
  name: PortRangeName;
  start: number;
  end: number;
  /** Whether IANA assigns ports in this range at all. */
  assignedByIana: boolean;
  /** The assignment procedures (RFC 6335 §8.1.2). */
  howAssigned: string;
  /** Whether, and when, a service may default to a port here. */
  mayDefault: string;
}

const RANGES: readonly PortRangeClass[] = Object.freeze([
  Object.freeze({
    name: 'System',
    start: 0,
    end: 1023,
    assignedByIana: true,
    howAssigned: 'assigned by IANA through "IETF Review" or "IESG Approval"',
    mayDefault: 'only once assigned to the service; needs privileges to bind on most Unix systems',
  }),
  Object.freeze({
    name: 'User',
    start: 1024,
    end: 49151,
    assignedByIana: true,
    howAssigned: 'assigned by IANA through "IETF Review", "IESG Approval" or "Expert Review"',
    mayDefault: 'yes, after assignment (the usual place for a new default; an unassigned port is the next best)',
  }),
  Object.freeze({
    name: 'Dynamic',
    start: 49152,
    end: 65535,
    assignedByIana: false,
    howAssigned: 'never assigned',
    mayDefault: 'no: a Dynamic port MUST NOT be used as a service identifier',
  }),
] satisfies PortRangeClass[]);

/** The RFC 6335 table, System first. A fresh copy each call. */
export function rangesTable(): PortRangeClass[] {
  return RANGES.map((range) => ({ ...range }));
}

/** First port of the User and of the Dynamic range. */
export const USER_START = 1024;
export const DYNAMIC_START = 49152;

/** The RFC 6335 range that holds `port` (which must already be a valid port). */
export function rangeOf(port: number): PortRangeClass {
  if (port < USER_START) return RANGES[0] as PortRangeClass;
  if (port < DYNAMIC_START) return RANGES[1] as PortRangeClass;
  return RANGES[2] as PortRangeClass;
}

/** The operating-system ephemeral ranges that contain `port`, in the order given. */
export function ephemeralRangesContaining(port: number, ephemeral: readonly EphemeralRange[]): EphemeralRange[] {
  return ephemeral.filter((range) => port >= range.start && port <= range.end);
}

export interface PortClassification {
  port: number;
  range: PortRangeClass;
  /** The OS ephemeral ranges that contain the port. */
  ephemeral: EphemeralRange[];
  notes: string[];
}

/**
 * Where a port sits: its RFC 6335 range, the OS ephemeral ranges that hold it,
 * and notes (range edges, port 0, what the registry says about the edge ports
 * when `iana` is given — the Reserved state comes from the data, never from here).
 */
export function classifyPort(port: number, ephemeral: readonly EphemeralRange[], iana?: IanaRegistry): PortClassification {
  const value = parsePort(port, undefined, { min: 0 });
  const range = rangeOf(value);
  const containing = ephemeralRangesContaining(value, ephemeral);
  const notes: string[] = [];

  if (value === 0) {
    notes.push('Port 0 is not a listening port: binding to 0 asks the OS for an ephemeral port.');
  }
  const atEdge = value === range.start || value === range.end;
  if (atEdge) {
    notes.push(
      `${value} is at the ${value === range.start ? 'start' : 'end'} of the ${range.name} range; ` +
        'RFC 6335 §6 keeps values at the edges of each range assigned to IANA (Reserved).',
    );
  }
  // Only edge ports get this note; asking every protocol's state would build each protocol's index.
  if (iana !== undefined && atEdge) {
    const reserved = PROTOCOLS.filter((protocol) => iana.stateOf(protocol, value) === 'reserved');
    if (reserved.length > 0) {
      notes.push(`The IANA registry lists ${value} as Reserved for ${reserved.join(', ')}.`);
    }
  }
  if (range.name === 'Dynamic') {
    notes.push('Dynamic ports are never assigned and MUST NOT be used as a service identifier (RFC 6335 §8.1.2).');
  }
  for (const eph of containing) {
    notes.push(
      `Inside the ${eph.os} ephemeral range ${eph.start}-${eph.end} (${eph.source}): ` +
        'the OS may give this port to an outgoing connection.',
    );
  }
  return { port: value, range: { ...range }, ephemeral: containing, notes };
}
