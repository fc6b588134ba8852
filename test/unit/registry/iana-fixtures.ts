import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../helpers/registry-files.js';

/** Hand-written IANA fixtures (test/fixtures/iana/). */
export const ianaFixtureDir = join(repoRoot, 'test', 'fixtures', 'iana');

export function ianaFixturePath(name: string): string {
  return join(ianaFixtureDir, name);
}

export function readIanaFixture(name: string): string {
  return readFileSync(ianaFixturePath(name), 'utf8');
}
