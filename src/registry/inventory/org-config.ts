/**
 * The `org` list of a portpick configuration file (.portpick.yaml / .json):
 * directories of the organisation's code, relative to the file's directory.
 *
 *   org:
 *     - ../services
 *     - /srv/git/platform
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { yamlPackage } from '../yaml-module.js';
import { RegistryParseError, describeValue } from '../../errors/index.js';

/**
 * Absolute directories the file's `org` key names; empty when it has none.
 * An unreadable file gives none: the reservation reader, which reads the same
 * file, reports it.
 */
export function readOrgDirectories(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return parseOrgDirectories(text, file);
}

export function parseOrgDirectories(text: string, file: string): string[] {
  const lines = new (yamlPackage().LineCounter)();
  const document = yamlPackage().parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: lines, prettyErrors: false });
  // Syntax errors are the reservation reader's to report (it reads the same file).
  if (document.errors.length > 0 || !yamlPackage().isMap(document.contents)) return [];
  const pair = document.contents.items.find((item) => yamlPackage().isScalar(item.key) && item.key.value === 'org');
  if (pair === undefined) return [];
  const value = pair.value;
  const lineOf = (node: unknown): number | undefined =>
    (node as { range?: [number, number, number] } | null)?.range ? lines.linePos((node as { range: [number, number, number] }).range[0]).line : undefined;
  if (!yamlPackage().isSeq(value)) {
    throw new RegistryParseError(`Expected \`org\` to be a list of directories, got ${describeValue(yamlPackage().isScalar(value) ? value.value : value)}`, file, lineOf(value ?? pair.key));
  }
  const base = path.dirname(path.resolve(file));
  return value.items.map((item) => {
    const entry = yamlPackage().isScalar(item) ? item.value : item;
    if (typeof entry !== 'string' || entry.trim() === '') {
      throw new RegistryParseError(`Expected each \`org\` entry to be a directory path, got ${describeValue(entry)}`, file, lineOf(item));
    }
    return path.resolve(base, entry);
  });
}
