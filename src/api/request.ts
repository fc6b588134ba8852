import { MINIMUM_PORT, parsePort, parseProtocolList } from '../pick/port-input.js';
import { draftRegistrationRequest, type RegistrationDraft, type RegistrationRequestOptions } from '../pick/request.js';
import { InvalidArgumentError } from '../errors/index.js';
import { bindProbeFor, browserUnsafeSet, planProbes, resolveSources, type SourcesInput } from './common.js';
import { sweepNetworks, type NetworkSweepOptions } from './network-sweep.js';

export interface RequestDraftRequest
  extends SourcesInput,
    Omit<RegistrationRequestOptions, 'port' | 'protocols' | 'browserUnsafe' | 'bindProbe' | 'network' | 'additionalPorts'> {
  port?: number | string;
  additionalPorts?: (number | string)[];
  protocols?: string[];
  networks?: string[];
  sweep?: NetworkSweepOptions;
  bindProbe?: boolean;
}

/** `portpick request`: validates a registration and drafts the RFC 6335 §8.1.1 template with the evidence. */
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
