import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';

let cached: string | undefined;

/** The package's version, from its package.json. */
export function packageVersion(): string {
  if (cached) return cached;
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  cached = pkg.version;
  return cached;
}
