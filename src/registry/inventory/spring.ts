/**
 * Spring Boot configuration: `server.port` and `management.server.port` in
 * `application*.properties` / `bootstrap*.properties` (`key=value`,
 * `key: value`, `key value`) and in `application*.yml` / `.yaml` (nested
 * `server: { port }`, or the dotted key; every `---` document, with its
 * profile). A placeholder `${PORT:8080}` gives its default (medium confidence).
 */
import type { Document, Node } from 'yaml';
import { portValue } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';
import type { PortFinding } from './types.js';
import { isMapping, mapPairs, readYamlDocuments, resolved, scalarOf } from './yaml-view.js';
import path from 'node:path';

export const SPRING_PORT_PROPERTIES: ReadonlySet<string> = new Set(['server.port', 'management.server.port']);

/** `8080`, or the default of `${PORT:8080}`; with a note when it was a default. */
function springPort(value: unknown): { port: number; note?: string } | null {
  const direct = portValue(value);
  if (direct !== null) return { port: direct };
  if (typeof value !== 'string') return null;
  const placeholder = /^\$\{([^}:]+):(\d{1,5})\}$/.exec(value.trim());
  if (placeholder === null) return null;
  const port = portValue(placeholder[2]);
  return port === null ? null : { port, note: `${value.trim()}: the default when ${placeholder[1]} is not set` };
}

function profileOf(file: string): string | undefined {
  return /^(?:application|bootstrap)-([\w.-]+)\.(?:properties|ya?ml)$/i.exec(path.basename(file))?.[1];
}

export function readSpringProperties(text: string, context: ReadContext): ReaderResult {
  const result: ReaderResult = { findings: [], problems: [] };
  const profile = profileOf(context.file);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) return;
    const match = /^([^=:\s]+)\s*(?:[=:]\s*|\s+)(.*)$/.exec(line);
    if (match === null) return;
    const key = match[1] as string;
    if (!SPRING_PORT_PROPERTIES.has(key)) return;
    const value = springPort((match[2] as string).trim());
    if (value === null) return;
    result.findings.push(finding(value, key, index + 1, profile, context));
  });
  return result;
}

export function readSpringYaml(text: string, context: ReadContext): ReaderResult {
  const yaml = readYamlDocuments(text, context.file);
  const result: ReaderResult = { findings: [], problems: [...yaml.problems] };
  for (const document of yaml.documents) {
    const found: { key: string; node: Node | null }[] = [];
    collect(document.contents, '', document, found, 0);
    const byKey = new Map(found.map((entry) => [entry.key, entry.node]));
    const profileNode = byKey.get('spring.config.activate.on-profile') ?? byKey.get('spring.profiles');
    const profileValue = profileNode === undefined ? undefined : scalarOf(profileNode, document);
    const profile = typeof profileValue === 'string' ? profileValue : profileOf(context.file);
    for (const { key, node } of found) {
      if (!SPRING_PORT_PROPERTIES.has(key)) continue;
      const value = springPort(scalarOf(node, document));
      if (value !== null) result.findings.push(finding(value, key, yaml.lineOf(node), profile, context));
    }
  }
  return result;
}

/** Every scalar leaf with its dotted key (`server.port`, whether written nested or dotted). */
function collect(node: unknown, prefix: string, document: Document, found: { key: string; node: Node | null }[], depth: number): void {
  if (depth > 32) return;
  for (const { key, value } of mapPairs(node, document)) {
    const dotted = prefix === '' ? key : `${prefix}.${key}`;
    if (isMapping(value, document)) collect(value, dotted, document, found, depth + 1);
    else found.push({ key: dotted, node: resolved(value, document) });
  }
}

function finding(value: { port: number; note?: string }, key: string, line: number, profile: string | undefined, context: ReadContext): PortFinding {
  return {
    first: value.port,
    last: value.port,
    protocol: 'tcp',
    file: context.file,
    line,
    kind: 'spring',
    owner: `property ${key}${profile === undefined ? '' : ` (profile ${profile})`}`,
    field: key,
    role: 'listen',
    confidence: value.note === undefined ? 'high' : 'medium',
    ...(value.note === undefined ? {} : { note: value.note }),
  };
}
