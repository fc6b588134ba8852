/**
 * Time helpers for the nmap-compatible formats. nmap writes local time in
 * ctime(3) form; portpick writes UTC in the same form so that output does not
 * depend on the machine's time zone (a documented deviation).
 */
import { InvalidArgumentError } from '../../errors/invalid-argument-error.js';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Milliseconds since the epoch of an ISO 8601 time; throws on anything else. */
export function parseIsoTime(text: string, what: string): number {
  const ms = Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new InvalidArgumentError(`Expected ${what} as an ISO 8601 time, got \`${text}\``);
  }
  return ms;
}

/** `Mon Jun 28 17:40:30 2022` (UTC). */
export function ctimeUtc(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(
    d.getUTCMinutes(),
  )}:${two(d.getUTCSeconds())} ${d.getUTCFullYear()}`;
}

/** Whole seconds since the epoch, as nmap's `start` and `time` attributes. */
export function epochSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Elapsed seconds with two decimals, as nmap's `elapsed` attribute. */
export function elapsedSeconds(durationMs: number): string {
  return (durationMs / 1000).toFixed(2);
}
