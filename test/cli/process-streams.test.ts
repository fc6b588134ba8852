import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/registry-files.js';

/** Runs `body` in a fresh Node with process-streams.js loaded (from dist/, built by pretest). */
function inFreshNode(body: string): Promise<{ stdout: string; stderr: string }> {
  const module = join(repoRoot, 'dist', 'cli', 'process-streams.js');
  const script = `import { trackProcessStreams, madeProcessStreams, stderrIsTerminal } from ${JSON.stringify(module)};\n${body}`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout, stderr) =>
      error ? reject(error) : resolve({ stdout, stderr }),
    );
  });
}

describe('process streams made on use', () => {
  it('knows which of stdout and stderr something made, and answers "is stderr a terminal" for a pipe without making it', async () => {
    const { stdout, stderr } = await inFreshNode(`
      trackProcessStreams();
      const before = madeProcessStreams().length;
      const terminal = stderrIsTerminal();          // stderr is a pipe here: answered by fstat
      const afterQuestion = madeProcessStreams().length;
      process.stdout.write('');                      // anyone touching process.stdout counts
      const afterWrite = madeProcessStreams().map((s) => s.fd);
      process.stdout.write(JSON.stringify({ before, terminal, afterQuestion, afterWrite }));
    `);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ before: 0, terminal: false, afterQuestion: 0, afterWrite: [1] });
  });
});
