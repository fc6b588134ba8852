/**
 * The inventory of an organisation's code: walks directories (walk.ts), reads
 * each file whose name marks a kind it knows (classify.ts), and gathers every
 * port declared, with file:line, owner and confidence. Bad input never stops
 * the walk: a malformed YAML document is reported with its line and skipped,
 * an unreadable file is listed; binary and oversized files are counted.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { FileAccessError } from '../../errors/index.js';
import { classify, mayDeclarePorts } from './classify.js';
import type { ReadContext } from './reader.js';
import { INVENTORY_KINDS, type InventoryKind, type InventoryReport } from './types.js';
import { walkTree } from './walk.js';

export interface InventoryOptions {
  /** Files larger than this are counted and passed over (default 4 MiB: no hand-written manifest is that large). */
  maxFileBytes?: number;
  /** Where relative roots start (default: the current directory); files are named from the roots as given. */
  cwd?: string;
}

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

/** How many bytes are looked at for a NUL byte (git's test for a binary file). */
const BINARY_SNIFF_BYTES = 8000;

/**
 * Inventories each root (a directory, or one file). A root that does not
 * exist is an error (FileAccessError); everything below it is reported, never thrown.
 */
export function inventoryPaths(roots: readonly string[], options: InventoryOptions = {}): InventoryReport {
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const report: InventoryReport = {
    roots: [...roots],
    findings: [],
    problems: [],
    skipped: { gitignored: 0, vendored: 0, symlinks: 0, binaryOrLarge: 0, helmTemplates: 0 },
    filesSeen: 0,
    filesRead: 0,
    byKind: Object.fromEntries(INVENTORY_KINDS.map((kind) => [kind, 0])) as Record<InventoryKind, number>,
  };

  for (const root of roots) {
    const absoluteRoot = path.resolve(options.cwd ?? process.cwd(), root);
    let isDirectory: boolean;
    try {
      isDirectory = statSync(absoluteRoot).isDirectory();
    } catch (error) {
      throw new FileAccessError(
        `Expected a directory (or file) to inventory at ${root}, got ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        root,
        { cause: error },
      );
    }
    const display = (relative: string): string => (isDirectory ? joinDisplay(root, relative) : root);
    const readOne = (absolute: string, relative: string, name: string, chartTemplate: boolean): void => {
      const classified = classify(name);
      if (classified === null) return;
      if (chartTemplate && classified.yaml) {
        report.skipped.helmTemplates += 1;
        return;
      }
      const file = display(relative);
      let bytes: Buffer | null;
      try {
        bytes = readUpTo(absolute, maxBytes);
      } catch (error) {
        report.problems.push({ file, problem: 'unreadable', message: `Expected a readable file, got ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
        return;
      }
      if (bytes === null) {
        report.skipped.binaryOrLarge += 1;
        return;
      }
      if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
        report.skipped.binaryOrLarge += 1;
        return;
      }
      const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
      report.filesRead += 1;
      if (classified.yaml && !mayDeclarePorts(text)) return;
      const context: ReadContext = {
        file,
        sibling: (siblingName) => {
          try {
            return readFileSync(path.join(path.dirname(absolute), siblingName), 'utf8');
          } catch {
            return null;
          }
        },
      };
      const result = classified.reader(text, context);
      report.findings.push(...result.findings);
      report.problems.push(...result.problems);
    };

    if (!isDirectory) {
      report.filesSeen += 1;
      readOne(absoluteRoot, path.basename(absoluteRoot), path.basename(absoluteRoot), false);
      continue;
    }
    const outcome = walkTree(
      absoluteRoot,
      (walked) => readOne(walked.absolute, walked.relative, walked.name, walked.chartTemplate),
      display,
      (name) => classify(name) !== null,
    );
    report.filesSeen += outcome.seen;
    report.skipped.gitignored += outcome.skipped.gitignored;
    report.skipped.vendored += outcome.skipped.vendored;
    report.skipped.symlinks += outcome.skipped.symlinks;
    report.problems.push(...outcome.problems);
  }

  for (const finding of report.findings) report.byKind[finding.kind] += 1;
  report.findings.sort((a, b) => compare(a.file, b.file) || a.line - b.line || a.first - b.first || compare(a.protocol, b.protocol));
  report.problems.sort((a, b) => compare(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0));
  return report;
}

/** The file's bytes; null when it is larger than `maxBytes` (then not read at all). */
function readUpTo(file: string, maxBytes: number): Buffer | null {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return null;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const got = readSync(fd, buffer, read, size - read, read);
      if (got === 0) break;
      read += got;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** `root` as given joined with a path inside it (`services/api/docker-compose.yml`; `.` is dropped). */
function joinDisplay(root: string, relative: string): string {
  if (relative === '' || relative === '.') return root;
  return root === '.' || root === './' ? relative : path.join(root, relative);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
