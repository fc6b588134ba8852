import { InvalidArgumentError, PortSpecError, describeValue } from '../errors/index.js';
import { PROTOCOLS, type Protocol } from '../registry/types.js';
import type { PortRange } from './types.js';

/**
 * Parsing of one port, one port range and one protocol from user text (or a
 * number handed to the library). Nothing is coerced: `1.5`, `-1`, `+80`, ` 80`
 * and `0x50` are refused; only decimal digits are a port.
 *
 * Port 0 per command (MINIMUM_PORT below):
 * - `ranges` and `free` accept 0: they describe the registry, and 0 is a row in
 *   it (IANA Reserved), so `free 0 1023` must be expressible.
 * - `check`, `suggest` and `request` need 1-65535: port 0 is not a port a
 *   service can listen on (binding 0 asks the OS for an ephemeral port).
 */
export const MINIMUM_PORT = {
  ranges: 0,
  free: 0,
  check: 1,
  suggest: 1,
  request: 1,
} as const satisfies Record<string, 0 | 1>;

export const MAXIMUM_PORT = 65535;

export interface PortInputOptions {
  /** Lowest accepted port: 0 or 1 (default 1; see MINIMUM_PORT). */
  min?: 0 | 1;
}

const DIGITS = /^[0-9]+$/;

/**
 * One port from text or a number.
 * `what` names the value in the message: ``Expected START to be a port from 0 to 65535, got `abc` ``;
 * without it: ``Expected a port from 1 to 65535, got `70000` ``.
 */
export function parsePort(input: string | number, what?: string, options: PortInputOptions = {}): number {
  const min = options.min ?? 1;
  const fail = (): never => {
    throw new PortSpecError(`${expectation(what, min)}, got ${describeInput(input)}`);
  };
  let value: number;
  if (typeof input === 'number') {
    value = input;
  } else if (typeof input === 'string') {
    if (!DIGITS.test(input)) fail();
    value = Number(input);
  } else {
    return fail();
  }
  if (!Number.isInteger(value) || value < min || value > MAXIMUM_PORT) fail();
  return value;
}

/**
 * An inclusive range from two texts (or numbers); START must not exceed END.
 * ``Expected START ≤ END, got `9000`-`8000` ``.
 */
export function parsePortRange(startInput: string | number, endInput: string | number, options: PortInputOptions = {}): PortRange {
  const start = parsePort(startInput, 'START', options);
  const end = parsePort(endInput, 'END', options);
  if (start > end) {
    throw new PortSpecError(`Expected START ≤ END, got \`${start}\`-\`${end}\``);
  }
  return { start, end };
}

/** `8000` or `8000-9000` as one range (the form `suggest --range` takes). */
export function parsePortRangeSpec(text: string, options: PortInputOptions = {}): PortRange {
  if (typeof text !== 'string') {
    throw new PortSpecError(`Expected a port or a range START-END, got ${describeValue(text)}`);
  }
  const parts = text.split('-');
  if (parts.length === 1) {
    const port = parsePort(text, undefined, options);
    return { start: port, end: port };
  }
  if (parts.length !== 2) {
    throw new PortSpecError(`Expected a port or a range START-END, got \`${text}\``);
  }
  return parsePortRange(parts[0] ?? '', parts[1] ?? '', options);
}

/**
 * Checks a range handed to the library as numbers (free, suggest); same rules
 * and messages as parsePortRange.
 */
export function assertPortRange(range: PortRange, options: PortInputOptions = {}): PortRange {
  if (range === null || typeof range !== 'object') {
    throw new PortSpecError(`Expected a port range { start, end }, got ${describeValue(range)}`);
  }
  return parsePortRange(range.start, range.end, options);
}

/** `tcp`, `udp`, `sctp` or `dccp`, in any letter case. */
export function parseProtocol(input: string): Protocol {
  const lower = typeof input === 'string' ? input.toLowerCase() : undefined;
  if (lower !== undefined && (PROTOCOLS as readonly string[]).includes(lower)) return lower as Protocol;
  throw new InvalidArgumentError(`Expected a protocol (${PROTOCOLS.join(', ')}), got ${describeInput(input)}`);
}

/**
 * One or more protocols, for a service that needs a port free in each: `tcp`,
 * `tcp,udp` (the form `--proto` takes), or a list of those. Each protocol once.
 */
export function parseProtocolList(input: string | readonly string[] | undefined): Protocol[] {
  if (input === undefined || (Array.isArray(input) && input.length === 0)) {
    throw new InvalidArgumentError(`Expected at least one protocol (${PROTOCOLS.join(', ')}), got nothing`);
  }
  const parts = (typeof input === 'string' ? [input] : Array.isArray(input) ? input : [input as unknown as string]).flatMap((item) =>
    typeof item === 'string' ? item.split(',') : [item],
  );
  const protocols = parts.map((part) => parseProtocol(typeof part === 'string' ? part.trim() : part));
  const duplicate = protocols.find((protocol, index) => protocols.indexOf(protocol) !== index);
  if (duplicate !== undefined) throw new InvalidArgumentError(`Expected each protocol once, got \`${duplicate}\` twice`);
  return protocols;
}

function expectation(what: string | undefined, min: number): string {
  return what === undefined
    ? `Expected a port from ${min} to ${MAXIMUM_PORT}`
    : `Expected ${what} to be a port from ${min} to ${MAXIMUM_PORT}`;
}

function describeInput(input: unknown): string {
  if (input === '') return 'an empty string';
  if (typeof input === 'number' && Number.isFinite(input)) return `\`${input}\``;
  return describeValue(input);
}
