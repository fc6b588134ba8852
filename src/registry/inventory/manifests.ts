/**
 * Any other YAML file: each document that is a Kubernetes object is read as
 * a manifest; a document shaped like a compose file (a `services` mapping of
 * services, under a name compose files do not usually have) as compose.
 */
import { looksLikeCompose, readComposeDocument } from './compose.js';
import { isKubernetesObject, readKubernetesDocument } from './kubernetes.js';
import type { ReadContext, ReaderResult } from './reader.js';
import { readYamlDocuments } from './yaml-view.js';

export function readYamlManifests(text: string, context: ReadContext): ReaderResult {
  const yaml = readYamlDocuments(text, context.file);
  const result: ReaderResult = { findings: [], problems: [...yaml.problems] };
  for (const document of yaml.documents) {
    if (isKubernetesObject(document)) readKubernetesDocument(document, yaml, context, result);
    else if (looksLikeCompose(document)) readComposeDocument(document, yaml, context, result);
  }
  return result;
}
