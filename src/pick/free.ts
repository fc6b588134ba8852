import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol, RegistryState } from '../registry/types.js';
import { exclusionTable, IN_POOL, type ExclusionCounts } from './exclusion.js';
import { assertPortRange, MINIMUM_PORT, parseProtocolList } from './port-input.js';
import type { PortRange } from './types.js';

export interface FreePortsOptions extends PortRange {
  /** One protocol; or give `protocols`. */
  protocol?: Protocol;
  /** Several protocols: a port is free only when it is free in every one. */
  protocols?: readonly Protocol[];
  /** The service may run on Kubernetes: the NodePort range is not free. */
  k8s?: boolean;
}

export interface FreePortsResult {
  /** Every port of the range that IANA lists Unassigned and no loaded source claims, ascending. */
  ports: number[];
  /**
   * IANA's state of each port of the range (they sum to the range size): for
   * several protocols, `unassigned` when Unassigned in every one, else the
   * state for the first protocol that is not.
   */
  counted: Record<RegistryState, number>;
  /** Ports dropped, under the first source that claims each (see exclusion.ts). */
  excluded: { bySource: ExclusionCounts; total: number };
}

/**
 * The free ports of a range: IANA Unassigned for every protocol asked for
 * (`unknown` — no row at all, a gap in the registry — is not free), and not
 * claimed by any other source loaded (nmap seen open, well-known defaults,
 * services file, listeners, reservations, the organisation's code, platform
 * ranges). Sources that are absent claim nothing. Port 0 is accepted in the
 * range (it is IANA Reserved, so it is counted, never listed).
 */
export function freePorts(sources: Pick<LoadedSources, 'iana'> & Partial<LoadedSources>, options: FreePortsOptions): FreePortsResult {
  const { start, end } = assertPortRange(options, { min: MINIMUM_PORT.free });
  const protocols = parseProtocolList(options.protocols ?? (options.protocol === undefined ? undefined : [options.protocol]));
  const table = exclusionTable(sources, { protocols, start, end, k8s: options.k8s ?? false });
  const ports: number[] = [];
  for (let port = start; port <= end; port += 1) {
    if (table.reasonOf[port - start] === IN_POOL) ports.push(port);
  }
  return { ports, counted: table.ianaStates, excluded: { bySource: table.bySource, total: table.total } };
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
