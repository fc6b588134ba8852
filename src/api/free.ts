import { freePorts as freePortsIn, type FreePortsResult } from '../pick/free.js';
import { parsePortRange, parseProtocol, MINIMUM_PORT } from '../pick/port-input.js';
import type { Protocol } from '../registry/types.js';
import { resolveSources, type SourcesInput } from './common.js';

export interface FreeRequest extends SourcesInput {
  start: number | string;
  end: number | string;
  protocol?: string;
}

export interface FreeReport extends FreePortsResult {
  start: number;
  end: number;
  protocol: Protocol;
  /** Where the IANA data came from and how new it is. */
  ianaOrigin: string;
  ianaUpdated: string | undefined;
}

/** `portpick free START END`: every IANA-unassigned port in the range. */
export async function freePorts(request: FreeRequest): Promise<FreeReport> {
  const { start, end } = parsePortRange(request.start, request.end, { min: MINIMUM_PORT.free });
  const protocol = parseProtocol(request.protocol ?? 'tcp');
  const iana = request.sources?.iana ?? (await resolveSources({ ...request, listeners: false })).iana;
  return {
    ...freePortsIn({ iana }, { start, end, protocol }),
    start,
    end,
    protocol,
    ianaOrigin: iana.origin,
    ianaUpdated: iana.updated,
  };
}
