import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../helpers/registry-files.js';

/** docs/api.md is generated from the TSDoc of the public API (`npm run docs:api`); a change to either without the other fails here. */
describe('docs/api.md', () => {
  it('is what the TSDoc comments of src/index.ts give now', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-api-docs.mjs'), '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  }, 180_000);
});
