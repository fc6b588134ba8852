/**
 * Kubernetes manifests (any YAML file; every `---` document with `apiVersion`
 * and `kind`, and the items of a `kind: List`):
 * - Service `spec.ports[]`: `port`, `targetPort` (a number; a named target
 *   port refers to a container port read elsewhere), `nodePort`, `protocol`;
 * - every container list at any depth (`containers`, `initContainers`,
 *   `ephemeralContainers` — Pods, Deployments, StatefulSets, DaemonSets, Jobs,
 *   CronJobs, and custom resources with pod templates): `ports[].containerPort`,
 *   `hostPort`, `protocol`.
 */
import type { Document, Node } from 'yaml';
import { yamlPackage } from '../yaml-module.js';
import { portValue, protocolText } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';
import type { PortFinding } from './types.js';
import { mapGet, mapPairs, resolved, scalarOf, seqItems, type YamlFile } from './yaml-view.js';

const CONTAINER_LISTS: ReadonlySet<string> = new Set(['containers', 'initContainers', 'ephemeralContainers']);

/** True when a document is a Kubernetes object (`apiVersion` and `kind` at the top). */
export function isKubernetesObject(document: Document): boolean {
  return typeof scalarOf(mapGet(document.contents, 'kind', document), document) === 'string' &&
    mapGet(document.contents, 'apiVersion', document) !== null;
}

export function readKubernetesDocument(document: Document, yaml: YamlFile, context: ReadContext, result: ReaderResult): void {
  readObject(document.contents, document, yaml, context, result);
}

function readObject(object: unknown, document: Document, yaml: YamlFile, context: ReadContext, result: ReaderResult): void {
  const kind = scalarOf(mapGet(object, 'kind', document), document);
  if (typeof kind !== 'string') return;
  if (kind === 'List' || kind.endsWith('List')) {
    for (const item of seqItems(mapGet(object, 'items', document), document)) readObject(item, document, yaml, context, result);
    return;
  }
  const name = scalarOf(mapGet(mapGet(object, 'metadata', document), 'name', document), document);
  const owner = `${kind}/${typeof name === 'string' || typeof name === 'number' ? String(name) : '(unnamed)'}`;
  const add = (node: Node | null, finding: Omit<PortFinding, 'file' | 'kind' | 'line' | 'first' | 'last'> & { port: number }): void => {
    const { port, ...rest } = finding;
    result.findings.push({ ...rest, first: port, last: port, file: context.file, kind: 'kubernetes', line: yaml.lineOf(node) });
  };
  const malformed = (node: Node | null, message: string): void => {
    result.problems.push({ file: context.file, line: yaml.lineOf(node), problem: 'malformed', message: `${owner}: ${message} (skipped)` });
  };

  if (kind === 'Service') {
    for (const entry of seqItems(mapGet(mapGet(object, 'spec', document), 'ports', document), document)) {
      const protocolNode = mapGet(entry, 'protocol', document);
      const protocol = protocolNode === null ? 'tcp' : protocolText(scalarOf(protocolNode, document));
      if (protocol === null) {
        malformed(protocolNode, `protocol \`${String(scalarOf(protocolNode, document))}\` is not TCP, UDP or SCTP`);
        continue;
      }
      const portName = scalarOf(mapGet(entry, 'name', document), document);
      const serviceOwner = typeof portName === 'string' ? `${owner} port ${portName}` : owner;
      for (const [field, role] of [
        ['port', 'service'],
        ['targetPort', 'target'],
        ['nodePort', 'node'],
      ] as const) {
        const node = mapGet(entry, field, document);
        if (node === null) continue;
        const value = scalarOf(node, document);
        const port = portValue(value);
        if (port !== null) add(node, { port, protocol, owner: serviceOwner, field, role, confidence: 'high' });
        else if (!(field === 'targetPort' && typeof value === 'string')) malformed(node, `\`${field}: ${String(value)}\` is not a port`);
      }
    }
  }
  readContainers(object, owner, document, add, malformed);
}

/** Every container list below `node`, at any depth. */
function readContainers(
  node: unknown,
  owner: string,
  document: Document,
  add: (node: Node | null, finding: Omit<PortFinding, 'file' | 'kind' | 'line' | 'first' | 'last'> & { port: number }) => void,
  malformed: (node: Node | null, message: string) => void,
  depth = 0,
): void {
  if (depth > 64) return;
  const here = resolved(node, document);
  if (yamlPackage().isSeq(here)) {
    for (const item of here.items) readContainers(item, owner, document, add, malformed, depth + 1);
    return;
  }
  if (!yamlPackage().isMap(here)) return;
  for (const { key, value } of mapPairs(here, document)) {
    if (!CONTAINER_LISTS.has(key) || !yamlPackage().isSeq(value)) {
      readContainers(value, owner, document, add, malformed, depth + 1);
      continue;
    }
    for (const container of seqItems(value, document)) {
      const containerName = scalarOf(mapGet(container, 'name', document), document);
      const containerOwner = `${owner} ${key === 'containers' ? 'container' : key.replace(/s$/, '')} ${typeof containerName === 'string' ? containerName : '(unnamed)'}`;
      for (const entry of seqItems(mapGet(container, 'ports', document), document)) {
        const protocolNode = mapGet(entry, 'protocol', document);
        const protocol = protocolNode === null ? 'tcp' : protocolText(scalarOf(protocolNode, document));
        if (protocol === null) {
          malformed(protocolNode, `protocol \`${String(scalarOf(protocolNode, document))}\` is not TCP, UDP or SCTP`);
          continue;
        }
        for (const [field, role] of [
          ['containerPort', 'container'],
          ['hostPort', 'host'],
        ] as const) {
          const portNode = mapGet(entry, field, document);
          if (portNode === null) continue;
          const port = portValue(scalarOf(portNode, document));
          if (port === null) malformed(portNode, `\`${field}: ${String(scalarOf(portNode, document))}\` is not a port`);
          else add(portNode, { port, protocol, owner: containerOwner, field, role, confidence: 'high' });
        }
      }
    }
  }
}
