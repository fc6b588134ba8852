import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol, RegistryState } from '../registry/types.js';
import { assertPortRange, MINIMUM_PORT, parseProtocol } from './port-input.js';
import type { PortRange } from './types.js';

export interface FreePortsOptions extends PortRange {
  protocol: Protocol;
}

export interface FreePortsResult {
  /** Every port in the range whose IANA state is `unassigned`, ascending. */
  ports: number[];
  /** How many ports of the range fell in each IANA state (they sum to the range size). */
  counted: Record<RegistryState, number>;
}

/**
 * The IANA-unassigned ports of a range for one protocol. Only `unassigned` is
 * free: `unknown` (no row at all, a gap in the registry) is not. Port 0 is
 * accepted in the range (it is IANA Reserved, so it is counted, never listed).
 */
export function freePorts(sources: Pick<LoadedSources, 'iana'>, options: FreePortsOptions): FreePortsResult {
  const { start, end } = assertPortRange(options, { min: MINIMUM_PORT.free });
  const protocol = parseProtocol(options.protocol);
  const iana = sources.iana;
  const ports: number[] = [];
  const counted: Record<RegistryState, number> = { unassigned: 0, assigned: 0, reserved: 0, unknown: 0 };
  for (let port = start; port <= end; port += 1) {
    const state = iana.stateOf(protocol, port);
    counted[state] += 1;
    if (state === 'unassigned') ports.push(port);
  }
  return { ports, counted };
}

/**
 * Runs of consecutive ports: [1,2,3,7] → [{1,3},{7,7}]. The input may be in any
 * order and hold duplicates; it is not modified.
 */
export function toRanges(ports: Iterable<number>): PortRange[] {
  const sorted = Array.from(new Set(ports)).sort((a, b) => a - b);
  const ranges: PortRange[] = [];
  let current: PortRange | undefined;
  for (const port of sorted) {
    if (current !== undefined && port === current.end + 1) {
      current.end = port;
    } else {
      current = { start: port, end: port };
      ranges.push(current);
    }
  }
  return ranges;
}

/** Compact rendering: [1,2,3,7] → `1-3,7`; an empty list → ``. */
export function compressRanges(ports: Iterable<number>): string {
  return toRanges(ports)
    .map((range) => (range.start === range.end ? String(range.start) : `${range.start}-${range.end}`))
    .join(',');
}
