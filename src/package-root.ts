import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'portpick';

let cached: string | undefined;

/**
 * The directory holding portpick's package.json (and data/, build/, bench/).
 * Found by walking up from this module rather than by a fixed `..`, so the same
 * code works from src/ (tests), from dist/ (the library) and from the bundled
 * command line, whose bundles are files in dist/cli/.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isPortpickManifest(join(dir, 'package.json'))) {
      cached = dir;
      return dir;
    }
    if (dirname(dir) === dir) break;
  }
  // Unreachable in an installed package; a clear message beats a wrong path later.
  throw new Error(`portpick's package.json was not found above ${start}`);
}

function isPortpickManifest(path: string): boolean {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}
