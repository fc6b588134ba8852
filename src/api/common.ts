import { BROWSER_UNSAFE_PORTS } from '../registry/browser-unsafe.js';
import { probeBind } from '../registry/bind-probe.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol } from '../registry/types.js';
import type { BindProbeResult } from '../pick/types.js';
import { loadSources, type LoadSourcesOptions } from './load-sources.js';

/** Options every port-choice call accepts: where the sources come from, or sources already loaded. */
export interface SourcesInput extends LoadSourcesOptions {
  /** Sources loaded earlier with loadSources(); skips loading (ops tooling calling many checks). */
  sources?: LoadedSources;
}

export const browserUnsafeSet: ReadonlySet<number> = new Set(BROWSER_UNSAFE_PORTS);

export async function resolveSources(input: SourcesInput): Promise<LoadedSources> {
  return input.sources ?? loadSources(input);
}

/**
 * Tries to bind the port on 0.0.0.0, ::, 127.0.0.1 and ::1. Only TCP and UDP
 * can be probed from Node; for SCTP/DCCP the probe is skipped (null = not made).
 */
export async function bindProbeFor(port: number, protocol: Protocol): Promise<BindProbeResult[] | null> {
  if (protocol !== 'tcp' && protocol !== 'udp') return null;
  return probeBind(port, protocol);
}
