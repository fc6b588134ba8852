/**
 * Ports as code writes them: `8080`, `"8080"`, `8000-8010`, `53/udp`. Only
 * decimal digits are a port, from 1 to 65535; anything else is no port (the
 * readers then report nothing, or a problem, never a guess).
 */
import type { Protocol } from '../types.js';

const DIGITS = /^\d{1,5}$/;

/** A port from a YAML/JSON value or text: an integer 1-65535, or its decimal digits. */
export function portValue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 1 && value <= 65535 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!DIGITS.test(text)) return null;
  const port = Number(text);
  return port >= 1 && port <= 65535 ? port : null;
}

/** `8080` or `8000-8010` (first ≤ last); null for anything else. */
export function portRangeText(text: string): { first: number; last: number } | null {
  const parts = text.trim().split('-');
  if (parts.length > 2) return null;
  const first = portValue(parts[0] ?? '');
  const last = parts.length === 2 ? portValue(parts[1] ?? '') : first;
  if (first === null || last === null || first > last) return null;
  return { first, last };
}

/** `tcp`, `udp`, `sctp` in any case (`TCP` in Kubernetes); null for anything else. */
export function protocolText(value: unknown): Protocol | null {
  if (typeof value !== 'string') return null;
  const lower = value.trim().toLowerCase();
  return lower === 'tcp' || lower === 'udp' || lower === 'sctp' ? lower : null;
}

/** `8000-8010/udp` → the range and protocol (tcp when none is written); null when it is not that. */
export function portWithProtocol(text: string): { first: number; last: number; protocol: Protocol } | null {
  const slash = text.lastIndexOf('/');
  const protocol = slash === -1 ? 'tcp' : protocolText(text.slice(slash + 1));
  if (protocol === null) return null;
  const range = portRangeText(slash === -1 ? text : text.slice(0, slash));
  return range === null ? null : { ...range, protocol };
}
