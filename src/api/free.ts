import { freePorts as freePortsIn, type FreePortsResult } from '../pick/free.js';
import { parsePortRange, parseProtocolList, MINIMUM_PORT } from '../pick/port-input.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol } from '../registry/types.js';
import { resolveSources, type SourcesInput } from './common.js';

export interface FreeRequest extends SourcesInput {
  start: number | string;
  end: number | string;
  /** `tcp` (default), or several: `tcp,udp` lists ports free in both. */
  protocol?: string;
  protocols?: string[];
  /** The service may run on Kubernetes: the NodePort range (30000-32767) is not free. */
  k8s?: boolean;
}

export interface FreeReport extends FreePortsResult {
  start: number;
  end: number;
  /** The protocols, comma-separated (`tcp`, `tcp,udp`). */
  protocol: string;
  protocols: Protocol[];
  /** Where the IANA data came from and how new it is. */
  ianaOrigin: string;
  ianaUpdated: string | undefined;
  /** Sources that were not available: what was NOT dropped. */
  notes: string[];
}

/**
 * `portpick free START END`: every port of the range that IANA lists as
 * Unassigned and no other source claims (nmap seen open, well-known defaults,
 * services file, reservations, the organisation's code, platform ranges).
 * This machine's listeners are not read: they come and go (`check` and
 * `suggest` read them).
 */
export async function freePorts(request: FreeRequest): Promise<FreeReport> {
  const { start, end } = parsePortRange(request.start, request.end, { min: MINIMUM_PORT.free });
  const protocols = parseProtocolList(request.protocols ?? request.protocol ?? 'tcp');
  const sources = await resolveSources({ ...request, listeners: false });
  return {
    ...freePortsIn(sources, { start, end, protocols, k8s: request.k8s ?? false }),
    start,
    end,
    protocol: protocols.join(','),
    protocols,
    ianaOrigin: sources.iana.origin,
    ianaUpdated: sources.iana.updated,
    notes: freeNotes(sources),
  };
}

function freeNotes(sources: LoadedSources): string[] {
  const notes: string[] = [];
  if (sources.nmap === null) notes.push('nmap-services was not found: ports seen open in the wild were NOT dropped.');
  if (!sources.defaults) notes.push('The well-known defaults dataset was not loaded: ports that products use by default were NOT dropped.');
  if (sources.services === null) notes.push('No services file was read: local service names were NOT dropped.');
  if (sources.reservations === null) notes.push('No reservations file: organisation reservations were NOT dropped.');
  if (!sources.org) notes.push("No --org directory: ports in the organisation's own code were NOT dropped.");
  else if (sources.org.problems.length > 0) {
    notes.push(`${sources.org.problems.length} file(s) of the organisation's code could not be read: see \`portpick inventory\`.`);
  }
  return notes;
}
