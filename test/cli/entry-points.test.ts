import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliFixtures, moduleCliPath, runCli, type CliRun } from './run-cli.js';

/** Runs the installed command with a preload that reports which bundles it required. */
async function runWithBundleReport(args: string[]): Promise<{ run: CliRun; bundles: string }> {
  const run = await runCli(args, { wrap: ([node, ...rest]) => [node as string, '--require', join(cliFixtures, 'report-bundles.cjs'), ...rest] });
  const lines = run.stderr.split('\n');
  const report = lines.findLast((line) => line.startsWith('[bundles] ')) ?? '';
  return { run: { ...run, stderr: lines.filter((line) => !line.startsWith('[bundles] ')).join('\n') }, bundles: report.slice('[bundles] '.length) };
}

async function expectSameAnswers(args: string[], bundle: string): Promise<void> {
  const { run: bundled, bundles } = await runWithBundleReport(args);
  const modular = await runCli(args, { cli: moduleCliPath });
  const label = args.join(' ');
  expect(bundles, label).toBe(bundle);
  expect(bundled.code, label).toBe(modular.code);
  expect(bundled.stdout, label).toBe(modular.stdout);
  expect(bundled.stderr, label).toBe(modular.stderr);
}

describe('the command line entry points', () => {
  it('the installed command (the bundle of every command) and tsc’s module entry give the same answers', async () => {
    for (const args of [['--version'], ['ranges', '8080', '--json'], ['free', '49000', '49010', '--json'], ['nonsense'], ['--help']]) {
      await expectSameAnswers(args, 'portpick.bundle.cjs');
    }
  });

  it('`scan` runs its own bundle, which answers as the program with every command does', async () => {
    // Help, a plan, nmap's two-letter output flags, and each kind of refusal.
    for (const args of [
      ['scan', '--help'],
      ['scan', '127.0.0.1', '-p', '80,443', '--dry-run', '--seed', '7'],
      ['scan', '127.0.0.1', '-p', '80', '--dry-run', '--seed', '7', '-oX', 'never-written.xml'],
      ['scan', '127.0.0.1', '-p', '70000'],
      ['scan', '--bogus'],
      ['scan', '127.0.0.1', '--rate'],
      ['scan', '-V'],
    ]) {
      await expectSameAnswers(args, 'portpick-scan.bundle.cjs');
    }
  });

  it('a command named after its options, or `help scan`, runs the bundle of every command', async () => {
    await expectSameAnswers(['help', 'scan'], 'portpick.bundle.cjs');
    await expectSameAnswers(['--version', 'scan'], 'portpick.bundle.cjs');
  });
});
