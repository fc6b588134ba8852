import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/fixtures/local */
export const fixtureDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'fixtures', 'local');

export function fixturePath(name: string): string {
  return join(fixtureDir, name);
}

export function fixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}
