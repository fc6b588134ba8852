import { describe, expect, it } from 'vitest';
import { cliPath, moduleCliPath, runCli } from './run-cli.js';

describe('the command line entry points', () => {
  it('the installed command (the bundle) and tsc’s module entry give the same answers', async () => {
    for (const args of [['--version'], ['ranges', '8080', '--json'], ['free', '49000', '49010', '--json'], ['nonsense']]) {
      const bundled = await runCli(args);
      const modular = await runCli(args, { cli: moduleCliPath });
      expect(bundled.code, args.join(' ')).toBe(modular.code);
      expect(bundled.stdout, args.join(' ')).toBe(modular.stdout);
      expect(bundled.stderr, args.join(' ')).toBe(modular.stderr);
    }
  });
});
