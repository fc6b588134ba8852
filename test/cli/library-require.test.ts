import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';

/** CommonJS callers: the exports map's `default` condition lets require('portpick') load the ES module (Node >= 20.19). */
describe("require('portpick')", () => {
  it('loads the same library through the default condition', async () => {
    const script = `
      const lib = require('portpick');
      console.log(JSON.stringify({ missing: ['scan', 'check', 'suggest', 'update', 'sources'].filter((n) => typeof lib[n] !== 'function') }));`;
    const output = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=commonjs', '-e', script], { cwd: repoRoot }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr || String(error))) : resolve({ stdout, stderr }),
      ),
    );
    expect(JSON.parse(output.stdout)).toEqual({ missing: [] });
  });
});
