/**
 * docker compose files: every service's `ports` (short syntax, with host
 * addresses, ranges and protocols; long syntax with target/published/host_ip/
 * protocol) and `expose`. Values go through compose's `${VAR:-default}`
 * interpolation with the `.env` beside the file, and a finding says so.
 */
import type { Document, Node } from 'yaml';
import { envVariables } from './env-file.js';
import { interpolate } from './interpolation.js';
import { parseComposePortShort } from './compose-ports.js';
import { portRangeText, portValue, protocolText, portWithProtocol } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';
import type { Confidence, PortFinding } from './types.js';
import { isMapping, mapGet, mapPairs, readYamlDocuments, scalarOf, seqItems, type YamlFile } from './yaml-view.js';

export function readCompose(text: string, context: ReadContext): ReaderResult {
  const yaml = readYamlDocuments(text, context.file);
  const result: ReaderResult = { findings: [], problems: [...yaml.problems] };
  for (const document of yaml.documents) readComposeDocument(document, yaml, context, result);
  return result;
}

/** True when a parsed YAML document is shaped like a compose file (a `services` mapping of service mappings, no `kind`). */
export function looksLikeCompose(document: Document): boolean {
  const root = document.contents;
  if (mapGet(root, 'kind', document) !== null || mapGet(root, 'apiVersion', document) !== null) return false;
  const services = mapPairs(mapGet(root, 'services', document), document);
  return (
    services.length > 0 &&
    services.every((service) => isMapping(service.value, document)) &&
    services.some((service) => ['image', 'build', 'ports', 'expose'].some((key) => mapGet(service.value, key, document) !== null))
  );
}

export function readComposeDocument(document: Document, yaml: YamlFile, context: ReadContext, result: ReaderResult): void {
  let variables: Map<string, string> | undefined;
  const variablesNow = (): Map<string, string> => (variables ??= envVariables(context.sibling('.env') ?? ''));
  const services = mapPairs(mapGet(document.contents, 'services', document), document);

  for (const { key: name, value: service } of services) {
    const owner = `service ${name}`;
    const add = (finding: Omit<PortFinding, 'file' | 'kind' | 'owner'>): void => {
      result.findings.push({ ...finding, file: context.file, kind: 'compose', owner });
    };
    /** A scalar's text after interpolation; null (and a problem) when a variable has no value. */
    const textOf = (node: Node, notes: string[]): string | null => {
      const value = scalarOf(node, document);
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string') return null;
      if (!value.includes('$')) return value;
      const expanded = interpolate(value, variablesNow());
      if (expanded.text === null) {
        result.problems.push({
          file: context.file,
          line: yaml.lineOf(node),
          problem: 'unresolved',
          message: `${owner}: \`${value}\`: ${expanded.unresolved.join(', ')} has no value in .env and no default`,
        });
        return null;
      }
      notes.push(...expanded.notes);
      return expanded.text;
    };
    const confidenceOf = (notes: string[]): Confidence => (notes.length > 0 ? 'medium' : 'high');
    const noteOf = (notes: string[]): { note?: string } => (notes.length > 0 ? { note: notes.join('; ') } : {});

    for (const item of seqItems(mapGet(service, 'ports', document), document)) {
      const line = yaml.lineOf(item);
      if (isMapping(item, document)) {
        // Long syntax.
        const notes: string[] = [];
        const targetNode = mapGet(item, 'target', document);
        const publishedNode = mapGet(item, 'published', document);
        const protocolNode = mapGet(item, 'protocol', document);
        const protocol = protocolNode === null ? 'tcp' : protocolText(textOf(protocolNode, notes));
        const target = targetNode === null ? null : textOf(targetNode, notes);
        const published = publishedNode === null ? null : textOf(publishedNode, notes);
        const targetRange = target === null ? null : portRangeText(target);
        const publishedRange = published === null ? null : portRangeText(published);
        if (protocol === null || targetRange === null || (published !== null && publishedRange === null)) {
          result.problems.push({ file: context.file, line, problem: 'malformed', message: `${owner}: a \`ports\` entry without a valid target, published port or protocol (skipped)` });
          continue;
        }
        if (publishedRange !== null) {
          add({ ...publishedRange, protocol, line: yaml.lineOf(publishedNode), field: 'ports.published', role: 'published', confidence: confidenceOf(notes), ...noteOf(notes) });
        }
        if (publishedRange === null || publishedRange.first !== targetRange.first || publishedRange.last !== targetRange.last) {
          add({ ...targetRange, protocol, line: yaml.lineOf(targetNode), field: 'ports.target', role: 'container', confidence: confidenceOf(notes), ...noteOf(notes) });
        }
        continue;
      }
      const notes: string[] = [];
      const text = textOf(item, notes);
      if (text === null) continue;
      const mapping = parseComposePortShort(text);
      if (mapping === null) {
        result.problems.push({ file: context.file, line, problem: 'malformed', message: `${owner}: \`${text}\` is not a compose port mapping (skipped)` });
        continue;
      }
      const { protocol, target, published, hostIp } = mapping;
      const confidence = confidenceOf(notes);
      if (published !== undefined) {
        const where = hostIp === undefined ? notes : [...notes, `published on ${hostIp}`];
        add({ ...published, protocol, line, field: 'ports', role: 'published', confidence, ...noteOf(where) });
      }
      if (published === undefined || published.first !== target.first || published.last !== target.last) {
        // With an address but no host port, Docker picks the host port on that address.
        const where = published === undefined && hostIp !== undefined ? [...notes, `published on ${hostIp}, on a host port Docker picks`] : notes;
        add({ ...target, protocol, line, field: 'ports', role: 'container', confidence, ...noteOf(where) });
      }
    }

    for (const item of seqItems(mapGet(service, 'expose', document), document)) {
      const notes: string[] = [];
      const text = textOf(item, notes);
      if (text === null) continue;
      const port = portWithProtocol(text) ?? (portValue(text) === null ? null : { first: Number(text), last: Number(text), protocol: 'tcp' as const });
      if (port === null) {
        result.problems.push({ file: context.file, line: yaml.lineOf(item), problem: 'malformed', message: `${owner}: \`${text}\` in \`expose\` is not a port (skipped)` });
        continue;
      }
      add({ ...port, line: yaml.lineOf(item), field: 'expose', role: 'container', confidence: confidenceOf(notes), ...noteOf(notes) });
    }
  }
}
