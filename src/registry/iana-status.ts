import type { RegistryState } from './types.js';

/**
 * IANA writes a port's state as free text, mostly in the Description column of a
 * row without a service name: `Unassigned`, `unassigned`, `Unassigned [was netstat]`,
 * `Reserved`, `Reserved - IANA`, `De-registered`, `Removed`, `Deprecated` …
 * This module maps that text to a RegistryState and keeps the text as written.
 */
export interface IanaStatus {
  state: Exclude<RegistryState, 'unknown'>;
  /** The status text as IANA wrote it; undefined when the row is an ordinary assignment. */
  statusText: string | undefined;
  /** The service name, or '' when the row has none (or its name column held a status word). */
  serviceName: string;
}

// "Unassigned", "unassigned", "Unassigned [was netstat]", "Unassigned (FRP-Released 12/7/00)".
// Not "(unassigned) Possibly assigned" (2825): a port IANA itself doubts is not offered as free.
const UNASSIGNED = /^unassigned\b/i;
// "Reserved", "Reserved - IANA". A named row "Reserved for a future …" is not matched
// here: its name holds the port (stun-behaviors 5349/udp).
const RESERVED = /^reserved\b/i;
// Withdrawn assignments: "De-registered", "De-Registered", "Removed", "Deprecated",
// "Decomissioned Port 04/14/00, ms", "De-Commissioned Port". Such a number is not
// available for regular assignment, so it is treated as reserved (never as free).
const WITHDRAWN = /^(de-?registered|removed|deprecated|de-?com+is+ioned|decom+is+ioned)\b/i;
// A whole Service Name cell that is a status word rather than a name.
const STATUS_AS_NAME = /^(unassigned|reserved|de-?registered|removed|deprecated)$/i;

/** Interprets one row's Service Name and Description columns. Called once per row, so it avoids allocation on the common path. */
export function interpretIanaStatus(serviceName: string, description: string): IanaStatus {
  const name = serviceName.trim();
  if (name !== '' && !STATUS_AS_NAME.test(name)) {
    // A named row holds the port, except when its description says it was withdrawn
    // (sua 14001/udp "De-Registered"). Only texts starting with d/r can say so.
    if (!startsWithOneOf(description, 'dDrR')) return { state: 'assigned', statusText: undefined, serviceName: name };
    const text = description.trim();
    if (WITHDRAWN.test(text)) return { state: 'reserved', statusText: text, serviceName: name };
    return { state: 'assigned', statusText: undefined, serviceName: name };
  }
  const text = description.trim();
  return statusFromText(name, text === '' ? name : text);
}

function startsWithOneOf(text: string, letters: string): boolean {
  let at = 0;
  while (at < text.length && (text.charCodeAt(at) === 0x20 || text.charCodeAt(at) === 0x0a || text.charCodeAt(at) === 0x09)) at += 1;
  return letters.includes(text.charAt(at)) && at < text.length;
}

function statusFromText(nameWord: string, text: string): IanaStatus {
  if (UNASSIGNED.test(text) || UNASSIGNED.test(nameWord)) {
    return { state: 'unassigned', statusText: text, serviceName: '' };
  }
  if (RESERVED.test(text) || RESERVED.test(nameWord) || WITHDRAWN.test(text) || WITHDRAWN.test(nameWord)) {
    return { state: 'reserved', statusText: text, serviceName: '' };
  }
  // A nameless row that describes a use ("any private mail system",
  // "Possibly used by Sun Solaris????"): something holds the port, so it is not free.
  return { state: 'assigned', statusText: undefined, serviceName: '' };
}

/** Precedence inside one (protocol, port): assigned > reserved > unassigned > unknown. */
export const STATE_RANK: Readonly<Record<RegistryState, number>> = {
  unknown: 0,
  unassigned: 1,
  reserved: 2,
  assigned: 3,
};

export const STATE_BY_RANK: readonly RegistryState[] = ['unknown', 'unassigned', 'reserved', 'assigned'];
