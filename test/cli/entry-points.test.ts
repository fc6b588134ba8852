import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';
import { cliPath, moduleCliPath, runCli } from './run-cli.js';

const require = createRequire(import.meta.url);

describe('the command line entry points', () => {
  it('the installed command (bundle + compile cache) and tsc’s module entry give the same answers', async () => {
    for (const args of [['--version'], ['ranges', '8080', '--json'], ['free', '49000', '49010', '--json'], ['nonsense']]) {
      const bundled = await runCli(args);
      const modular = await runCli(args, { cli: moduleCliPath });
      expect(bundled.code, args.join(' ')).toBe(modular.code);
      expect(bundled.stdout, args.join(' ')).toBe(modular.stdout);
      expect(bundled.stderr, args.join(' ')).toBe(modular.stderr);
    }
  });

  it('the build left a compile cache that this Node accepts', () => {
    const bin = require(cliPath) as typeof import('../../src/cli/portpick.cjs');
    expect(existsSync(bin.CODE_CACHE_FILE)).toBe(true);
    expect(bin.CODE_CACHE_FILE).toBe(join(repoRoot, 'dist', 'cli', 'portpick.bundle.cjs.cache'));
    expect(bin.compileProgram()?.cachedDataRejected).toBe(false);
    // Without the cache V8 has nothing to accept or reject.
    expect(bin.compileProgram({ useCodeCache: false })?.cachedDataRejected).toBeUndefined();
  });
});
