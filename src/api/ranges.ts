import { parsePort } from '../pick/port-input.js';
import { classifyPort, rangesTable, type PortClassification, type PortRangeClass } from '../pick/ranges.js';
import { ephemeralRanges } from '../registry/ephemeral.js';
import type { EphemeralRange } from '../registry/types.js';
import { resolveSources, type SourcesInput } from './common.js';

export interface RangesReport {
  /** The RFC 6335 table: System, User, Dynamic. */
  ranges: PortRangeClass[];
  /** This machine's ephemeral range first (when readable), then each OS's default. */
  ephemeral: EphemeralRange[];
  /** Where the port falls, when one was asked about. */
  port: PortClassification | null;
}

export interface RangesRequest extends SourcesInput {
  /** A port to place in the ranges (0-65535). */
  port?: number | string;
}

/** `portpick ranges [PORT]`. Loads only what it needs (the ephemeral ranges, and IANA for a port). */
export async function ranges(options: RangesRequest = {}): Promise<RangesReport> {
  const port = options.port === undefined ? undefined : parsePort(options.port, 'port', { min: 0 });
  const ephemeral = options.sources?.ephemeral ?? (await ephemeralRanges());
  let classification: PortClassification | null = null;
  if (port !== undefined) {
    const iana = options.sources?.iana ?? (await resolveSources({ ...options, listeners: false })).iana;
    classification = classifyPort(port, ephemeral, iana);
  }
  return { ranges: rangesTable(), ephemeral, port: classification };
}
