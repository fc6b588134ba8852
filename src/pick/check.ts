import { InvalidArgumentError, describeValue } from '../errors/index.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol } from '../registry/types.js';
import { MINIMUM_PORT, parsePort, parseProtocol } from './port-input.js';
import { classifyPort, type PortClassification } from './ranges.js';
import {
  bindVerdict,
  browserUnsafeVerdict,
  ephemeralVerdict,
  ianaVerdict,
  listenersVerdict,
  networkVerdict,
  nmapVerdict,
  rangeVerdict,
  reservationsVerdict,
  servicesVerdict,
} from './source-verdicts.js';
import { defaultsVerdict } from './defaults-verdict.js';
import { orgVerdict } from './org-verdict.js';
import { kubernetesVerdict, osReservedVerdict } from './platform-verdicts.js';
import { customVerdict, DEFAULT_CUSTOM_ORIGIN } from './custom-verdict.js';
import { isConsulted, notConsultedSummary, SELECTABLE_SOURCES } from './source-selection.js';
import type { BindProbeResult, NetworkFinding } from './types.js';
import { combineVerdicts, type AnyVerdict, type VerdictTally } from './verdict.js';

export interface CheckOptions {
  /** 1-65535 (port 0 cannot be a service's port). */
  port: number;
  protocol: Protocol;
  /** The service speaks HTTP: browser-blocked ports then conflict. */
  http?: boolean;
  /** Ports browsers refuse for HTTP (fetch spec "bad ports"); needed when `http`. */
  browserUnsafe?: ReadonlySet<number>;
  /** Results of trying to bind the port on this machine; null/absent = not probed. */
  bindProbe?: readonly BindProbeResult[] | null;
  /** What a network sweep found; null/absent = no sweep. */
  network?: NetworkFinding | null;
  /** The service may run on Kubernetes: the NodePort range is a conflict, not a warning. */
  k8s?: boolean;
  /** A source the run consults that could not be checked makes the port `unchecked`, not free. */
  strict?: boolean;
}

/** What {@link check} gives for one port: a verdict per source and their combination. */
export interface CheckReport extends VerdictTally {
  /** The port judged. */
  port: number;
  protocol: Protocol;
  /** Where the port sits: its RFC 6335 range and the OS ephemeral ranges that hold it. */
  classification: PortClassification;
  /** One verdict per source, in VERDICT_SOURCES order, then one per source the caller added. */
  verdicts: AnyVerdict[];
}

/**
 * Judges one (port, protocol) against every source. Pure: the sources, the
 * bind probe and the network sweep are inputs. The report's `overall` is
 * `free` when no source conflicts and `conflict` otherwise; with `strict`,
 * `unchecked` when nothing conflicts but a source the
 * run consults could not be checked. See source-verdicts.ts for each source's
 * rule. A source the run does not consult (`sources.consulted`) gets a
 * not-checked verdict saying so, and is listed in `notConsulted`.
 */
export function checkPort(sources: LoadedSources, options: CheckOptions): CheckReport {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Expected check options { port, protocol }, got ${describeValue(options)}`);
  }
  const port = parsePort(options.port, undefined, { min: MINIMUM_PORT.check });
  const protocol = parseProtocol(options.protocol);
  const http = options.http ?? false;
  if (typeof http !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`http\` to be a boolean, got ${describeValue(http)}`);
  }
  const k8s = options.k8s ?? false;
  if (typeof k8s !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`k8s\` to be a boolean, got ${describeValue(k8s)}`);
  }
  const strict = options.strict ?? false;
  if (typeof strict !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`strict\` to be a boolean, got ${describeValue(strict)}`);
  }
  const noteOf = (id: string): string | undefined => sources.status.find((status) => status.id === id)?.note;

  const builtIn: AnyVerdict[] = [
    ianaVerdict(sources.iana, protocol, port),
    nmapVerdict(sources.nmap, protocol, port),
    defaultsVerdict(sources.defaults, protocol, port),
    servicesVerdict(sources.services, protocol, port),
    listenersVerdict(sources.listeners, protocol, port, noteOf('listeners')),
    bindVerdict(options.bindProbe, port),
    reservationsVerdict(sources.reservations, protocol, port),
    orgVerdict(sources.org, protocol, port),
    ephemeralVerdict(sources.ephemeral, port),
    kubernetesVerdict(port, k8s),
    osReservedVerdict(sources.osReserved, protocol, port, noteOf('os-reserved')),
    rangeVerdict(port),
    browserUnsafeVerdict(port, http, options.browserUnsafe),
    networkVerdict(options.network, port),
  ];
  // A caller's source left out is not asked at all (its lookup may be costly, or have effects).
  const custom = (sources.custom ?? []).map((source): AnyVerdict =>
    isConsulted(sources, source.name)
      ? customVerdict(source, protocol, port)
      : { source: source.name, custom: true, status: 'not-checked', summary: '', evidence: { origin: source.origin ?? DEFAULT_CUSTOM_ORIGIN, findings: [] } },
  );
  // `ephemeral` left out still judges by each OS's default range (built in); only this machine's range is left out.
  const selectable = new Set<string>([...SELECTABLE_SOURCES.filter((id) => id !== 'ephemeral'), ...(sources.custom ?? []).map((source) => source.name)]);
  const notConsulted = new Set<string>();
  const verdicts = [...builtIn, ...custom].map((verdict): AnyVerdict => {
    if (!selectable.has(verdict.source) || isConsulted(sources, verdict.source)) return verdict;
    notConsulted.add(verdict.source);
    return { ...verdict, status: 'not-checked', summary: notConsultedSummary(verdict.source) } as AnyVerdict;
  });
  return {
    port,
    protocol,
    classification: classifyPort(port, sources.ephemeral, sources.iana),
    verdicts,
    ...combineVerdicts(verdicts, { strict, notConsulted }),
  };
}
