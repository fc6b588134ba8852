/**
 * Walks a directory tree the way git sees it: `.gitignore` files (the root's,
 * every subdirectory's, and those between the repository's top and the root,
 * plus `.git/info/exclude`), matched by the `ignore` package; ignored
 * directories are not entered. Vendored and tool directories (node_modules,
 * vendor, .git …) are never entered. Symbolic links are never followed: a
 * link's target inside the tree is walked where it lives, and one outside it
 * is no part of the tree. Entries come sorted by name, so the walk is stable.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { InventoryProblem, InventorySkips } from './types.js';

/** Directories never entered: installed dependencies, vendored code, VCS and tool state. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'third_party',
  'third-party',
  'Pods',
  'Carthage',
  '.git',
  '.hg',
  '.svn',
  '.bzr',
  '.venv',
  'venv',
  '__pycache__',
  '.tox',
  '.terraform',
  '.gradle',
]);

export interface WalkedFile {
  /** Absolute path. */
  absolute: string;
  /** Path inside the walked root, with `/` separators. */
  relative: string;
  name: string;
  /** Inside a Helm chart's `templates/` directory. */
  chartTemplate: boolean;
}

export interface WalkOutcome {
  /** Files in the directories walked (ignored and skipped directories are not walked). */
  seen: number;
  skipped: Pick<InventorySkips, 'gitignored' | 'vendored' | 'symlinks'>;
  problems: InventoryProblem[];
}

interface Matcher {
  /** Absolute directory the rules are relative to. */
  base: string;
  /** How many characters of an absolute path below `base` to drop for the path relative to it. */
  cut: number;
  rules: Ignore;
}

/**
 * Calls `visit` for every file of the tree at `root` (an absolute directory)
 * that `wanted(name)` accepts and git would not ignore. Only wanted files and
 * directories are matched against the ignore rules (the others are only
 * counted), which halves the matching on a tree of source files.
 * `display(relative)` names a path in problems.
 */
export function walkTree(
  root: string,
  visit: (file: WalkedFile) => void,
  display: (relative: string) => string,
  wanted: (name: string) => boolean = () => true,
): WalkOutcome {
  const outcome: WalkOutcome = { seen: 0, skipped: { gitignored: 0, vendored: 0, symlinks: 0 }, problems: [] };
  const matchers = ancestorMatchers(root);

  const ignored = (absolute: string, isDirectory: boolean, stack: readonly Matcher[]): boolean => {
    // The deepest .gitignore that has a say decides (a deeper `!pattern` re-includes).
    for (let i = stack.length - 1; i >= 0; i -= 1) {
      const matcher = stack[i] as Matcher;
      // `absolute` is below `base` (the walk went down from it): slicing is path.relative without its cost.
      const inside = absolute.slice(matcher.cut);
      const relative = path.sep === '/' ? inside : inside.split(path.sep).join('/');
      const verdict = matcher.rules.test(isDirectory ? `${relative}/` : relative);
      if (verdict.ignored) return true;
      if (verdict.unignored) return false;
    }
    return false;
  };

  const enter = (directory: string, relative: string, stack: Matcher[], chartTemplates: boolean): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      outcome.problems.push({ file: display(relative === '' ? '.' : relative), problem: 'unreadable', message: `Expected a readable directory, got ${(error as NodeJS.ErrnoException).code ?? String(error)}` });
      return;
    }
    // Read a .gitignore only where the listing shows one (a failed stat per directory costs more than the walk).
    const own = entries.some((entry) => entry.name === '.gitignore') ? readRules(path.join(directory, '.gitignore')) : null;
    const here = own === null ? stack : [...stack, matcherFor(directory, own)];
    const isChart = entries.some((entry) => entry.name === 'Chart.yaml' && entry.isFile());
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const absolute = path.join(directory, entry.name);
      const entryRelative = relative === '' ? entry.name : `${relative}/${entry.name}`;
      if (entry.isSymbolicLink()) {
        outcome.skipped.symlinks += 1;
        continue;
      }
      if (entry.isDirectory()) {
        if (SKIPPED_DIRECTORIES.has(entry.name)) {
          outcome.skipped.vendored += 1;
          continue;
        }
        if (ignored(absolute, true, here)) {
          outcome.skipped.gitignored += 1;
          continue;
        }
        enter(absolute, entryRelative, here, chartTemplates || (isChart && entry.name === 'templates'));
        continue;
      }
      if (!entry.isFile()) continue;
      if (!wanted(entry.name)) {
        outcome.seen += 1;
        continue;
      }
      if (ignored(absolute, false, here)) {
        outcome.skipped.gitignored += 1;
        continue;
      }
      outcome.seen += 1;
      visit({ absolute, relative: entryRelative, name: entry.name, chartTemplate: chartTemplates });
    }
  };

  enter(root, '', matchers, false);
  return outcome;
}

/**
 * The ignore rules that apply to `root` from above it: when `root` is inside
 * a git work tree, `.git/info/exclude` and every `.gitignore` from the top of
 * the work tree down to root's parent.
 */
function ancestorMatchers(root: string): Matcher[] {
  let top: string | null = null;
  for (let dir = root; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, '.git'))) {
      top = dir;
      break;
    }
    if (path.dirname(dir) === dir) break;
  }
  if (top === null) return [];
  const matchers: Matcher[] = [];
  const exclude = readRules(path.join(top, '.git', 'info', 'exclude'));
  if (exclude !== null) matchers.push(matcherFor(top, exclude));
  const above: string[] = [];
  for (let dir = root; dir !== top; ) {
    dir = path.dirname(dir);
    above.unshift(dir);
  }
  for (const dir of above) {
    const rules = readRules(path.join(dir, '.gitignore'));
    if (rules !== null) matchers.push(matcherFor(dir, rules));
  }
  return matchers;
}

function matcherFor(base: string, rules: Ignore): Matcher {
  return { base, cut: base.endsWith(path.sep) ? base.length : base.length + 1, rules };
}

function readRules(file: string): Ignore | null {
  let text: string;
  try {
    if (!statSync(file).isFile()) return null;
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return ignore().add(text);
}
