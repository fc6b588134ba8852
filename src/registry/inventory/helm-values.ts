/**
 * Helm values files (`values.yaml`, `values-prod.yaml`, `values.dev.yml`):
 * every key ending in `port`/`Port` (`port`, `httpPort`, `service.nodePort`,
 * at any depth, in lists too) whose value is a port, and the port values of
 * a mapping or list under a key ending in `ports` (`ports: { http: 8080 }`,
 * `ports: [8080]`). A sibling `protocol` key (UDP, SCTP) sets the protocol.
 * Medium confidence: a port by its name, which may be one the chart connects to.
 */
import type { Document, Node } from 'yaml';
import { yamlPackage } from '../yaml-module.js';
import { portValue, protocolText } from './port-text.js';
import type { Protocol } from '../types.js';
import type { ReadContext, ReaderResult } from './reader.js';
import { mapPairs, readYamlDocuments, resolved, scalarOf, type YamlFile } from './yaml-view.js';

const PORT_KEY = /port$/i;
const PORTS_KEY = /ports$/i;

export function readHelmValues(text: string, context: ReadContext): ReaderResult {
  const yaml = readYamlDocuments(text, context.file);
  const result: ReaderResult = { findings: [], problems: [...yaml.problems] };
  for (const document of yaml.documents) walk(document.contents, '', document, yaml, context, result, 0);
  return result;
}

function walk(node: unknown, path: string, document: Document, yaml: YamlFile, context: ReadContext, result: ReaderResult, depth: number): void {
  if (depth > 64) return;
  const here = resolved(node, document);
  if (yamlPackage().isSeq(here)) {
    here.items.forEach((item, index) => walk(item, `${path}[${index}]`, document, yaml, context, result, depth + 1));
    return;
  }
  if (!yamlPackage().isMap(here)) return;
  const pairs = mapPairs(here, document);
  const protocolPair = pairs.find((pair) => pair.key.toLowerCase() === 'protocol');
  const protocol = (protocolPair === undefined ? null : protocolText(scalarOf(protocolPair.value, document))) ?? 'tcp';
  for (const { key, value } of pairs) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (PORT_KEY.test(key)) {
      add(value, keyPath, key, protocol, document, yaml, context, result);
      continue;
    }
    if (PORTS_KEY.test(key)) {
      // `ports: { http: 8080 }` or `ports: [8080, 8443]`: port values directly under the key.
      const list = resolved(value, document);
      if (yamlPackage().isMap(list)) {
        for (const entry of mapPairs(list, document)) {
          if (portValue(scalarOf(entry.value, document)) !== null) add(entry.value, `${keyPath}.${entry.key}`, key, protocol, document, yaml, context, result);
        }
      } else if (yamlPackage().isSeq(list)) {
        list.items.forEach((item, index) => {
          if (portValue(scalarOf(item, document)) !== null) add(resolved(item, document), `${keyPath}[${index}]`, key, protocol, document, yaml, context, result);
        });
      }
    }
    walk(value, keyPath, document, yaml, context, result, depth + 1);
  }
}

function add(
  node: Node | null,
  keyPath: string,
  key: string,
  protocol: Protocol,
  document: Document,
  yaml: YamlFile,
  context: ReadContext,
  result: ReaderResult,
): void {
  const port = portValue(scalarOf(node, document));
  if (port === null) return;
  result.findings.push({
    first: port,
    last: port,
    protocol,
    file: context.file,
    line: yaml.lineOf(node),
    kind: 'helm-values',
    owner: `value ${keyPath}`,
    field: key,
    role: 'value',
    confidence: 'medium',
  });
}
