/**
 * package.json `scripts`: the ports a script starts a server on —
 * `--port 5174`, `--port=5174`, `PORT=4000 next start` (medium confidence);
 * `-p 8080:80` (a container port mapping: host and container, medium);
 * `-p 4000` (low: `-p` means other things to other tools). Lines come from the
 * `yaml` package's Document API, which reads JSON with positions.
 */
import { yamlPackage } from '../yaml-module.js';
import { portValue } from './port-text.js';
import type { ReadContext, ReaderResult } from './reader.js';
import type { Confidence, PortFinding } from './types.js';

const PATTERNS: { pattern: RegExp; field: string; confidence: Confidence }[] = [
  { pattern: /(?:^|\s)--port(?:=|\s+)(\d{1,5})(?=\s|$|[;&|)])/g, field: '--port', confidence: 'medium' },
  { pattern: /(?:^|\s)PORT=(\d{1,5})(?=\s)/g, field: 'PORT=', confidence: 'medium' },
  { pattern: /(?:^|\s)-p(?:=|\s+)(\d{1,5})(?=\s|$|[;&|)])/g, field: '-p', confidence: 'low' },
];
const MAPPING = /(?:^|\s)(?:-p|--publish)(?:=|\s+)(?:[\d.]+:)?(\d{1,5}):(\d{1,5})(?:\/(tcp|udp|sctp))?(?=\s|$|[;&|)])/g;

export function readPackageJson(text: string, context: ReadContext): ReaderResult {
  const result: ReaderResult = { findings: [], problems: [] };
  const lines = new (yamlPackage().LineCounter)();
  const document = yamlPackage().parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  const error = document.errors[0];
  if (error !== undefined) {
    result.problems.push({ file: context.file, line: lines.linePos(error.pos[0]).line, problem: 'malformed', message: `Expected valid JSON, got ${(error.message.split('\n')[0] ?? '').trim()} (skipped)` });
    return result;
  }
  const root = document.contents;
  if (!yamlPackage().isMap(root)) return result;
  const scripts = root.items.find((pair) => yamlPackage().isScalar(pair.key) && pair.key.value === 'scripts')?.value;
  if (!yamlPackage().isMap(scripts)) return result;
  for (const pair of scripts.items) {
    if (!yamlPackage().isPair(pair) || !yamlPackage().isScalar(pair.key) || !yamlPackage().isScalar(pair.value) || typeof pair.value.value !== 'string') continue;
    const name = String(pair.key.value);
    const command = pair.value.value;
    const line = pair.value.range ? lines.linePos(pair.value.range[0]).line : 0;
    const add = (port: number, finding: Pick<PortFinding, 'field' | 'confidence' | 'protocol' | 'role'>): void => {
      result.findings.push({ first: port, last: port, file: context.file, line, kind: 'package-json', owner: `script ${name}`, ...finding });
    };
    for (const match of command.matchAll(MAPPING)) {
      const protocol = (match[3] as 'tcp' | 'udp' | 'sctp' | undefined) ?? 'tcp';
      const host = portValue(match[1]);
      const container = portValue(match[2]);
      if (host !== null) add(host, { field: '-p', confidence: 'medium', protocol, role: 'published' });
      if (container !== null && container !== host) add(container, { field: '-p', confidence: 'medium', protocol, role: 'container' });
    }
    for (const { pattern, field, confidence } of PATTERNS) {
      for (const match of command.matchAll(pattern)) {
        const port = portValue(match[1]);
        if (port !== null) add(port, { field, confidence, protocol: 'tcp', role: 'listen' });
      }
    }
  }
  return result;
}
