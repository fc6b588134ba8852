import { browserUnsafeSet, resolveSources, type SourcesInput } from '../api/common.js';
import { parsePortRangeSpec, parseProtocol } from '../pick/port-input.js';
import type { PortRange } from '../pick/types.js';
import { buildPortMap, type PortMap } from './port-map.js';

export interface MapRequest extends SourcesInput {
  /** `A-B` or `{ start, end }`; default 0-65535. */
  range?: string | PortRange;
  /** Default tcp. */
  protocol?: string;
  /** How many `suggest` candidates to mark (0: none); default 5. */
  count?: number;
  /** Mark the stable, name-keyed candidates for this service name. */
  name?: string;
  /** The service speaks HTTP: ports browsers refuse conflict. */
  http?: boolean;
}

/** `portpick map`: loads the sources (or takes them loaded) and judges every port of the range. */
export async function mapPorts(request: MapRequest = {}): Promise<PortMap> {
  const protocol = parseProtocol(request.protocol ?? 'tcp');
  const range = typeof request.range === 'string' ? parsePortRangeSpec(request.range, { min: 0 }) : request.range;
  const sources = await resolveSources(request);
  return buildPortMap(sources, {
    protocol,
    ...(range === undefined ? {} : { range }),
    ...(request.count === undefined ? {} : { count: request.count }),
    ...(request.name === undefined ? {} : { name: request.name }),
    http: request.http ?? false,
    browserUnsafe: browserUnsafeSet,
  });
}
