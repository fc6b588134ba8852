/**
 * Reading YAML documents with their line numbers, through the `yaml`
 * package's Document API: every document of a file (`---`), aliases resolved,
 * `<<` merge keys followed, and the 1-based line of any node.
 */
import type { Document, Node, YAMLMap } from 'yaml';
import { yamlPackage } from '../yaml-module.js';
import type { InventoryProblem } from './types.js';

export interface YamlFile {
  file: string;
  /** The documents that parsed; a document with errors is left out and reported in `problems`. */
  documents: Document.Parsed[];
  problems: InventoryProblem[];
  /** 1-based line of a node's start (0 when the node has no position). */
  lineOf(node: Node | null | undefined): number;
}

/** Parses every document of a YAML file. Never throws on bad YAML: a broken document is a problem with its line. */
export function readYamlDocuments(text: string, file: string): YamlFile {
  const lines = new (yamlPackage().LineCounter)();
  const parsed = yamlPackage().parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false, merge: false });
  const all = Array.isArray(parsed) ? parsed : [];
  const documents: Document.Parsed[] = [];
  const problems: InventoryProblem[] = [];
  all.forEach((document, position) => {
    const error = document.errors[0];
    if (error === undefined) {
      documents.push(document);
      return;
    }
    const which = all.length > 1 ? `document ${position + 1} skipped` : 'skipped';
    problems.push({
      file,
      line: lines.linePos(error.pos[0]).line,
      problem: 'malformed',
      message: `Expected valid YAML, got ${firstLine(error.message)} (${which})`,
    });
  });
  return {
    file,
    documents,
    problems,
    lineOf: (node) => (node?.range ? lines.linePos(node.range[0]).line : 0),
  };
}

/** The node an alias points to (or the node itself). */
export function resolved(node: unknown, document: Document): Node | null {
  if (yamlPackage().isAlias(node)) return (node.resolve(document) as Node | undefined) ?? null;
  return (node as Node | null | undefined) ?? null;
}

/**
 * The (key, value) pairs of a mapping with string keys, including those a `<<`
 * merge key brings in (the mapping's own keys win, as YAML 1.1 merges do).
 */
export function mapPairs(node: unknown, document: Document): { key: string; keyNode: Node; value: Node | null }[] {
  const map = resolved(node, document);
  if (!yamlPackage().isMap(map)) return [];
  const own: { key: string; keyNode: Node; value: Node | null }[] = [];
  const merged: { key: string; keyNode: Node; value: Node | null }[] = [];
  for (const pair of (map as YAMLMap).items) {
    if (!yamlPackage().isPair(pair) || !yamlPackage().isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (key === '<<') {
      const source = resolved(pair.value, document);
      const sources = yamlPackage().isSeq(source) ? source.items.map((item) => resolved(item, document)) : [source];
      for (const one of sources) merged.push(...mapPairs(one, document));
      continue;
    }
    own.push({ key, keyNode: pair.key as Node, value: resolved(pair.value, document) });
  }
  const keys = new Set(own.map((pair) => pair.key));
  return [...own, ...merged.filter((pair) => !keys.has(pair.key))];
}

/** The value of one key of a mapping (merge keys followed), or null. */
export function mapGet(node: unknown, key: string, document: Document): Node | null {
  return mapPairs(node, document).find((pair) => pair.key === key)?.value ?? null;
}

/** The items of a sequence, aliases resolved; empty for anything else. */
export function seqItems(node: unknown, document: Document): Node[] {
  const seq = resolved(node, document);
  if (!yamlPackage().isSeq(seq)) return [];
  return seq.items.map((item) => resolved(item, document)).filter((item): item is Node => item !== null);
}

/** A scalar's value (number, string, boolean, null); undefined for collections. */
export function scalarOf(node: unknown, document: Document): unknown {
  const value = resolved(node, document);
  return yamlPackage().isScalar(value) ? value.value : undefined;
}

export function isMapping(node: unknown, document: Document): boolean {
  return yamlPackage().isMap(resolved(node, document));
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).trim();
}
