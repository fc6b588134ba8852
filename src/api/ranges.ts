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

/** What {@link ranges} takes: a port to place, and where the IANA registry comes from. */
export interface RangesRequest extends SourcesInput {
  /** A port to place in the ranges (0-65535). */
  port?: number | string;
}

/**
 * `portpick ranges [PORT]`: the RFC 6335 ranges (System, User, Dynamic), the
 * ephemeral ranges of this machine and of each OS, and, for a port, where it
 * falls. Loads only what it needs (the ephemeral ranges, and IANA for a port).
 *
 * @param options A port to place (0-65535), and where the IANA registry comes from.
 * @returns The range table, the ephemeral ranges, and the port's place (null without a port).
 * @throws
 * - {@link PortSpecError} for a port outside 0-65535.
 * - {@link RegistryParseError} / {@link FileAccessError} for an IANA file that is malformed or unreadable.
 *
 * @example
 * ```ts
 * import { ranges } from 'portpick';
 *
 * const { port } = await ranges({ port: 49160 });
 * console.log(port?.range.name, port?.ephemeral.map((range) => range.os));
 * ```
 */
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
