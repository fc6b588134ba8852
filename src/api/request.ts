import { MINIMUM_PORT, parsePort, parseProtocolList } from '../pick/port-input.js';
import { draftRegistrationRequest, type RegistrationDraft, type RegistrationRequestOptions } from '../pick/request.js';
import { InvalidArgumentError } from '../errors/index.js';
import { bindProbeFor, browserUnsafeSet, planProbes, resolveSources, type SourcesInput } from './common.js';
import { sweepNetworks, type NetworkSweepOptions } from './network-sweep.js';

/** What {@link request} takes: the service, its port and the template's fields, and where the sources come from. */
export interface RequestDraftRequest
  extends SourcesInput,
    Omit<RegistrationRequestOptions, 'port' | 'protocols' | 'browserUnsafe' | 'bindProbe' | 'network' | 'additionalPorts'> {
  /** The port to request, 1-65535; omit to register a service name only. */
  port?: number | string;
  /** Further ports for the same application (IANA grants at most one per application). */
  additionalPorts?: (number | string)[];
  /** `tcp` (default), `udp`, `sctp`, `dccp`; several as a list or comma-separated. */
  protocols?: string[];
  /** Networks to sweep for hosts that have the port open, as evidence. */
  networks?: string[];
  /** Tuning of that sweep. */
  sweep?: NetworkSweepOptions;
  /** Try binding the port on this machine (default true). */
  bindProbe?: boolean;
}

/**
 * `portpick request`: validates a service name (and port) for an IANA
 * assignment and drafts the RFC 6335 §8.1.1 registration template, with each
 * source's verdict as evidence. Nothing is sent anywhere.
 *
 * @param options The service name, the port and protocols, the template's fields, and where the sources come from.
 * @returns The draft: valid or not, the problems and warnings, the template's fields and its text.
 * @throws
 * - {@link InvalidArgumentError} without a service name; {@link PortSpecError} for a port outside 1-65535.
 * - {@link SourceUnavailableError}, {@link RegistryParseError}, {@link FileAccessError} as {@link loadSources}.
 *
 * @example
 * ```ts
 * import { request } from 'portpick';
 *
 * const draft = await request({ name: 'billing-sync', port: 7404, description: 'Ledger replication', contact: 'ops@example.org' });
 * if (!draft.valid) console.error(draft.problems.join('\n'));
 * else console.log(draft.text);
 * ```
 */
export async function request(options: RequestDraftRequest): Promise<RegistrationDraft> {
  // `-P tcp,udp` and `-P tcp -P udp` alike.
  const protocols = parseProtocolList(options.protocols && options.protocols.length > 0 ? options.protocols : ['tcp']);
  const port = options.port === undefined ? undefined : parsePort(options.port, 'port', { min: MINIMUM_PORT.request });
  const additionalPorts = (options.additionalPorts ?? []).map((p) =>
    parsePort(p, 'additional port', { min: MINIMUM_PORT.request }),
  );
  if (typeof options.name !== 'string') {
    throw new InvalidArgumentError('Expected a service name (--name NAME), got nothing');
  }
  const firstProtocol = protocols[0] ?? 'tcp';
  // The probes follow the sources to consult, as for check (a left-out bind or network is not probed).
  const plan = planProbes(options, await resolveSources(options), [firstProtocol]);
  const { sources } = plan;
  const bindProbe = port !== undefined && plan.bindProbe ? await bindProbeFor(port, firstProtocol) : null;
  const network =
    port !== undefined && plan.networks !== null ? await sweepNetworks(plan.networks, [port], firstProtocol, options.sweep ?? {}) : null;
  const optional = <K extends 'description' | 'assignee' | 'contact' | 'reference' | 'serviceCode' | 'assignmentNotes' | 'http' | 'usedBeforeAssignment' | 'k8s'>(key: K) =>
    options[key] === undefined ? {} : { [key]: options[key] };
  return draftRegistrationRequest(sources, {
    ...optional('description'),
    ...optional('assignee'),
    ...optional('contact'),
    ...optional('reference'),
    ...optional('serviceCode'),
    ...optional('assignmentNotes'),
    ...optional('http'),
    ...optional('usedBeforeAssignment'),
    ...optional('k8s'),
    name: options.name,
    protocols,
    ...(port === undefined ? {} : { port }),
    additionalPorts,
    browserUnsafe: browserUnsafeSet,
    bindProbe,
    network,
  });
}
