import { InvalidArgumentError, describeValue } from '../errors/index.js';
import type { LoadedSources } from '../registry/loaded-sources.js';
import type { Protocol } from '../registry/types.js';
import { checkPort, type CheckReport } from './check.js';
import { MINIMUM_PORT, parsePort, parseProtocol } from './port-input.js';
import { serviceNameProblems } from './service-name.js';
import type { BindProbeResult, NetworkFinding } from './types.js';
import { isBuiltInVerdict } from './verdict.js';

/**
 * A draft IANA service name / port number registration request: the RFC 6335
 * §8.1.1 template, filled with the caller's answers and with the evidence
 * portpick gathered, plus the reasons IANA would refuse it as written.
 *
 * - problems: IANA cannot grant the request as is (invalid or taken name, port
 *   not Unassigned, Dynamic port). `valid` is true only without problems.
 * - warnings: grantable, but likely questioned or refused by the expert
 *   reviewers (System port, several ports, plain HTTP, "service"/"protocol"/
 *   version words, use before assignment, unofficial use, missing fields).
 */

/** RFC 6335 §8.1.1 fields, in the template's order (order verified from IETF drafts that register "per the format in Section 8.1.1"). */
export const TEMPLATE_FIELDS = [
  'Service Name',
  'Transport Protocol(s)',
  'Assignee',
  'Contact',
  'Description',
  'Reference',
  'Port Number',
  'Service Code',
  'Known Unauthorized Uses',
  'Assignment Notes',
] as const;
/** @useDeclaredType */
export type TemplateFieldName = (typeof TEMPLATE_FIELDS)[number];

/**
 * Which fields the template requires. UNVERIFIED: recalled from RFC 6335
 * §8.1.1 (first six REQUIRED, Port Number OPTIONAL, Service Code REQUIRED for
 * DCCP only, last two OPTIONAL); rfc-editor.org could not be consulted here.
 */
export const TEMPLATE_REQUIREMENT: Record<TemplateFieldName, 'required' | 'optional' | 'required for DCCP'> = {
  'Service Name': 'required',
  'Transport Protocol(s)': 'required',
  Assignee: 'required',
  Contact: 'required',
  Description: 'required',
  Reference: 'required',
  'Port Number': 'optional',
  'Service Code': 'required for DCCP',
  'Known Unauthorized Uses': 'optional',
  'Assignment Notes': 'optional',
};

export const IANA_REQUEST_FORM = 'https://www.iana.org/form/ports-services';

export interface RegistrationRequestOptions {
  /** The service name to register (RFC 6335 §5.1 syntax). */
  name: string;
  /** The port to request, 1-65535; omit to register a service name only. */
  port?: number;
  /** Further ports for the same application (IANA grants at most one per application). */
  additionalPorts?: number[];
  /** At least one; no duplicates. */
  protocols: Protocol[];
  /** What the service does, for the template's Description field. */
  description?: string;
  /** Who the assignment is for (a person or organisation). */
  assignee?: string;
  /** Who IANA talks to (name and e-mail). */
  contact?: string;
  /** A document that describes the protocol. */
  reference?: string;
  /** DCCP Service Code (DCCP only). */
  serviceCode?: string;
  /** Notes for the template's Assignment Notes field. */
  assignmentNotes?: string;
  /** The service speaks plain HTTP. */
  http?: boolean;
  browserUnsafe?: ReadonlySet<number>;
  bindProbe?: readonly BindProbeResult[] | null;
  network?: NetworkFinding | null;
  /** The software already ships or runs with this port as its default. */
  usedBeforeAssignment?: boolean;
  /** The service may run on Kubernetes: the NodePort range conflicts. */
  k8s?: boolean;
}

export interface TemplateField {
  field: TemplateFieldName;
  value: string;
}

/** What {@link request} gives: a registration draft and whether IANA would take it as it stands. */
export interface RegistrationDraft {
  /** No problem found: the draft can be sent as it stands. */
  valid: boolean;
  /** What IANA would refuse (a malformed name, an assigned port …). */
  problems: string[];
  /** What weakens the request without making it invalid. */
  warnings: string[];
  /** One line per source verdict, per requested port and protocol. */
  evidence: string[];
  /** The RFC 6335 §8.1.1 template's fields, in order. */
  template: TemplateField[];
  /** The template, problems, warnings and evidence as plain text. */
  text: string;
  /** The full checks behind the evidence, one per (port, protocol). */
  checks: CheckReport[];
}

const VERSION_WORD = /(?:^|-)v?\d+(?:-|$)|version/i;
const GENERIC_WORD = /service|protocol/i;

export function draftRegistrationRequest(sources: LoadedSources, options: RegistrationRequestOptions): RegistrationDraft {
  const input = validate(options);
  const { name, protocols, ports } = input;
  const problems: string[] = [];
  const warnings: string[] = [];
  const warn = (text: string): void => {
    if (!warnings.includes(text)) warnings.push(text);
  };
  const problem = (text: string): void => {
    if (!problems.includes(text)) problems.push(text);
  };

  // The name: syntax, then the registry.
  for (const found of serviceNameProblems(name)) problem(`Service name: ${found.message}.`);
  const registered = sources.iana.byName(name);
  if (registered.length > 0) {
    const where = [...new Set(registered.map((row) => (row.port > 0 ? `${row.port}/${row.protocol}` : 'name only')))];
    problem(`Service name \`${name}\` is already registered with IANA (${where.slice(0, 8).join(', ')}${where.length > 8 ? ', …' : ''}).`);
  }
  if (GENERIC_WORD.test(name)) {
    warn(`IANA asks that names not contain words such as "service" or "protocol"; \`${name}\` does.`);
  }
  if (VERSION_WORD.test(name)) {
    warn(`IANA asks that names carry no version; \`${name}\` looks like it does (one name covers every version).`);
  }

  // The ports: one CheckReport per (port, protocol).
  const checks: CheckReport[] = [];
  for (const port of ports) {
    for (const protocol of protocols) {
      const report = checkPort(sources, {
        port,
        protocol,
        http: input.http,
        ...(input.browserUnsafe ? { browserUnsafe: input.browserUnsafe } : {}),
        bindProbe: input.bindProbe,
        network: input.network,
        k8s: input.k8s,
      });
      checks.push(report);
      judgePort(report, problem, warn);
    }
  }
  if (ports.length > 1) {
    warn(`${ports.length} ports requested: IANA assigns at most one port per application; justify each extra port or multiplex on one.`);
  }
  if (input.http) {
    warn(
      'A plain HTTP service is "adequately served using standard protocols": IANA refused netdata a port for that reason ' +
        '(netdata#1862). Prefer 80/443 or explain why HTTP on its own port is needed.',
    );
  }
  if (input.usedBeforeAssignment) {
    warn('IANA asks that a port not be used before it is assigned; say so in the request if the software already ships with it.');
  }
  const inUse = checks.filter((report) =>
    report.verdicts.some((verdict) => (verdict.source === 'listeners' || verdict.source === 'network') && verdict.status === 'conflict'),
  );
  for (const report of inUse) {
    warn(`${report.port}/${report.protocol} is already open here or on the swept networks: if that is this service, it is being used before assignment.`);
  }

  // The template fields.
  const hasDccp = protocols.includes('dccp');
  if (hasDccp && input.serviceCode === undefined) warn('Service Code is required for DCCP (UNVERIFIED wording of RFC 6335 §8.1.1); give one.');
  if (!hasDccp && input.serviceCode !== undefined) warn('A Service Code applies to DCCP only; it was left out of the template.');
  for (const [field, value] of [
    ['Assignee', input.assignee],
    ['Contact', input.contact],
    ['Description', input.description],
    ['Reference', input.reference],
  ] as const) {
    if (value === undefined) warn(`${field} is required by the template; fill it in before submitting.`);
  }

  const unauthorized = knownUnauthorizedUses(checks);
  const template: TemplateField[] = [
    { field: 'Service Name', value: name },
    { field: 'Transport Protocol(s)', value: protocols.map((protocol) => protocol.toUpperCase()).join(', ') },
    { field: 'Assignee', value: input.assignee ?? '<REQUIRED: person or organisation, with email>' },
    { field: 'Contact', value: input.contact ?? '<REQUIRED: contact person, with email>' },
    { field: 'Description', value: input.description ?? '<REQUIRED: what the service does and why it needs a port>' },
    { field: 'Reference', value: input.reference ?? '<REQUIRED: document describing the protocol>' },
    { field: 'Port Number', value: ports.length > 0 ? ports.join(', ') : 'None (service name only)' },
    { field: 'Service Code', value: hasDccp ? (input.serviceCode ?? '<REQUIRED for DCCP>') : 'N/A (DCCP only)' },
    { field: 'Known Unauthorized Uses', value: unauthorized.length > 0 ? unauthorized.join('; ') : 'None known' },
    { field: 'Assignment Notes', value: input.assignmentNotes ?? 'None' },
  ];

  const evidence = evidenceLines(sources, checks);
  const valid = problems.length === 0;
  return { valid, problems, warnings, evidence, template, text: render(valid, template, problems, warnings, evidence), checks };
}

/** Turns one port check into problems (IANA would refuse) and warnings (IANA may question). */
function judgePort(report: CheckReport, problem: (text: string) => void, warn: (text: string) => void): void {
  for (const verdict of report.verdicts) {
    if (verdict.source === 'iana') {
      if (verdict.status === 'conflict') problem(verdict.summary);
      else if (verdict.status === 'warning') warn(verdict.summary);
    } else if (verdict.source === 'range') {
      if (verdict.status === 'conflict') problem(`${verdict.summary} IANA cannot assign it.`);
      else if (verdict.status === 'warning') warn(`${verdict.summary} Expert Review alone cannot grant it.`);
    } else if (verdict.status === 'conflict' || verdict.status === 'warning') {
      warn(verdict.summary);
    }
  }
}

function knownUnauthorizedUses(checks: readonly CheckReport[]): string[] {
  const found: string[] = [];
  for (const report of checks) {
    for (const verdict of report.verdicts.filter(isBuiltInVerdict)) {
      if (verdict.source === 'iana') {
        for (const text of verdict.evidence.unauthorizedUse) found.push(`${report.port}/${report.protocol}: ${text} (IANA)`);
      } else if (verdict.source === 'nmap' && verdict.status === 'conflict') {
        const names = verdict.evidence.entries.map((entry) => entry.name).join(', ');
        found.push(`${report.port}/${report.protocol}: seen open in the wild as ${names} (nmap-services open-frequency ${verdict.evidence.frequency})`);
      }
    }
  }
  return [...new Set(found)];
}

function evidenceLines(sources: LoadedSources, checks: readonly CheckReport[]): string[] {
  const lines = [`IANA registry: ${sources.iana.origin}${sources.iana.updated ? `, updated ${sources.iana.updated}` : ''}.`];
  for (const report of checks) {
    for (const verdict of report.verdicts) {
      lines.push(`${report.port}/${report.protocol} ${verdict.source} [${verdict.status}]: ${verdict.summary}`);
    }
  }
  return lines;
}

const LABEL_WIDTH = 'Known Unauthorized Uses: '.length;

function render(valid: boolean, template: readonly TemplateField[], problems: string[], warnings: string[], evidence: string[]): string {
  const out: string[] = [
    'DRAFT: IANA service name and port number registration (RFC 6335 §8.1.1 template)',
    valid ? 'Status: no problems found; review the warnings before submitting.' : `Status: IANA would refuse this as written (${problems.length} problem(s)).`,
    '',
  ];
  for (const { field, value } of template) {
    const [first = '', ...rest] = value.split('\n');
    out.push(`${`${field}:`.padEnd(LABEL_WIDTH)}${first}`);
    for (const line of rest) out.push(`${' '.repeat(LABEL_WIDTH)}${line}`);
  }
  const section = (title: string, items: string[]): void => {
    if (items.length === 0) return;
    out.push('', `${title}:`, ...items.map((item) => `  - ${item}`));
  };
  section('Problems', problems);
  section('Warnings', warnings);
  section('Evidence gathered by portpick', evidence);
  out.push(
    '',
    `Submit through ${IANA_REQUEST_FORM}. Do not ship the port as a default before IANA assigns it.`,
  );
  return `${out.join('\n')}\n`;
}

interface ValidatedRequest {
  name: string;
  ports: number[];
  protocols: Protocol[];
  description: string | undefined;
  assignee: string | undefined;
  contact: string | undefined;
  reference: string | undefined;
  serviceCode: string | undefined;
  assignmentNotes: string | undefined;
  http: boolean;
  browserUnsafe: ReadonlySet<number> | undefined;
  bindProbe: readonly BindProbeResult[] | null;
  network: NetworkFinding | null;
  usedBeforeAssignment: boolean;
  k8s: boolean;
}

/** Bad input (wrong types, bad ports, no protocol) throws; registrability issues are reported, not thrown. */
function validate(options: RegistrationRequestOptions): ValidatedRequest {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`Expected request options { name, port, protocols }, got ${describeValue(options)}`);
  }
  if (typeof options.name !== 'string') {
    throw new InvalidArgumentError(`Expected \`name\` to be a service name, got ${describeValue(options.name)}`);
  }
  if (!Array.isArray(options.protocols) || options.protocols.length === 0) {
    throw new InvalidArgumentError(`Expected \`protocols\` to list at least one of tcp, udp, sctp, dccp, got ${describeValue(options.protocols)}`);
  }
  const protocols = options.protocols.map((protocol) => parseProtocol(protocol));
  const duplicate = protocols.find((protocol, index) => protocols.indexOf(protocol) !== index);
  if (duplicate !== undefined) {
    throw new InvalidArgumentError(`Expected each protocol once, got \`${duplicate}\` twice`);
  }
  const ports: number[] = [];
  if (options.port !== undefined) ports.push(parsePort(options.port, '`port`', { min: MINIMUM_PORT.request }));
  if (options.additionalPorts !== undefined) {
    if (!Array.isArray(options.additionalPorts)) {
      throw new InvalidArgumentError(`Expected \`additionalPorts\` to be an array of ports, got ${describeValue(options.additionalPorts)}`);
    }
    if (options.port === undefined && options.additionalPorts.length > 0) {
      throw new InvalidArgumentError('Expected `port` when `additionalPorts` is given');
    }
    for (const port of options.additionalPorts) {
      const value = parsePort(port, 'each of `additionalPorts`', { min: MINIMUM_PORT.request });
      if (ports.includes(value)) throw new InvalidArgumentError(`Expected each port once, got \`${value}\` twice`);
      ports.push(value);
    }
  }
  const http = options.http ?? false;
  if (typeof http !== 'boolean') throw new InvalidArgumentError(`Expected \`http\` to be a boolean, got ${describeValue(http)}`);
  const usedBeforeAssignment = options.usedBeforeAssignment ?? false;
  if (typeof usedBeforeAssignment !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`usedBeforeAssignment\` to be a boolean, got ${describeValue(usedBeforeAssignment)}`);
  }
  return {
    name: options.name,
    ports,
    protocols,
    description: text(options.description, 'description'),
    assignee: text(options.assignee, 'assignee'),
    contact: text(options.contact, 'contact'),
    reference: text(options.reference, 'reference'),
    serviceCode: text(options.serviceCode, 'serviceCode'),
    assignmentNotes: text(options.assignmentNotes, 'assignmentNotes'),
    http,
    browserUnsafe: options.browserUnsafe,
    bindProbe: options.bindProbe ?? null,
    network: options.network ?? null,
    usedBeforeAssignment,
    k8s: options.k8s ?? false,
  };
}

/** An optional text field; blank text counts as not given (the template then asks for it). */
function text(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new InvalidArgumentError(`Expected \`${what}\` to be text, got ${describeValue(value)}`);
  return value.trim() === '' ? undefined : value;
}
