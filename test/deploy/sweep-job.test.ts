import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { registerCommands } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { SweepPlan } from '../../src/scan/plan.js';
import { parsePortSpec } from '../../src/scan/ports.js';
import { parseTargetSpec, specsToTargetSet } from '../../src/scan/targets.js';
import { runCli } from '../cli/run-cli.js';
import { repoRoot } from '../helpers/registry-files.js';

/**
 * deploy/kubernetes/sweep-job.yaml: it parses; the shell of every container is
 * run by a real `sh` with a stand-in `portpick` that records its arguments (so
 * quoting and $JOB_COMPLETION_INDEX expand exactly as in a pod); every recorded
 * command line parses with the CLI's own parser and passes a dry run; and the
 * shards of the Indexed Job, merged, cover the unsharded plan exactly once.
 */
const manifestPath = join(repoRoot, 'deploy', 'kubernetes', 'sweep-job.yaml');

interface Container {
  command?: string[];
  args?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
interface Job {
  kind: string;
  metadata: { name: string };
  spec: { completionMode?: string; completions?: number; parallelism?: number; template: { spec: { containers: Container[] } } };
}

function manifest(): Job[] {
  const documents = parseAllDocuments(readFileSync(manifestPath, 'utf8'));
  for (const document of documents) expect(document.errors, String(document.errors[0])).toEqual([]);
  return documents.map((document) => document.toJS() as Job);
}

/** The container's shell line with its /out mount moved to `out`. */
function script(container: Container, out: string): string {
  expect(container.command).toEqual(['sh', '-c']);
  expect(container.args).toHaveLength(1);
  const mount = container.volumeMounts?.find((volume) => volume.name === 'out')?.mountPath;
  expect(mount).toBe('/out');
  return container.args![0]!.replaceAll('/out/', `${out}/`);
}

/** Runs a container's shell line with a stand-in portpick; returns the argument lists it was called with. */
function recordedCommands(line: string, env: Record<string, string>): string[][] {
  const bin = mkdtempSync(join(tmpdir(), 'portpick-standin-'));
  const log = join(bin, 'calls');
  writeFileSync(join(bin, 'portpick'), `#!/bin/sh\nprintf '%s\\0' "$@" >> "${log}"\nprintf '\\n' >> "${log}"\n`);
  chmodSync(join(bin, 'portpick'), 0o755);
  writeFileSync(log, '');
  execFileSync('sh', ['-c', line], { env: { ...process.env, ...env, PATH: `${bin}:${process.env.PATH}` }, timeout: 30_000 });
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((call) => call !== '')
    .map((call) => call.split('\0').slice(0, -1));
}

interface Parsed {
  command: string;
  operands: string[];
  flags: Record<string, unknown>;
}

/** Parses argv with the CLI's own commander program, its actions replaced by a recorder. */
async function parseWithCli(argv: string[]): Promise<Parsed> {
  const ctx: CliContext = {
    stdout: process.stdout,
    stderr: process.stderr,
    stderrIsTTY: false,
    exitCode: 0,
    signal: new AbortController().signal,
  };
  const program = new Command('portpick').exitOverride();
  registerCommands(program, ctx);
  let parsed: Parsed | undefined;
  for (const command of program.commands) {
    command.exitOverride();
    command.configureOutput({ writeErr: () => {}, writeOut: () => {} });
    command.action((...args: unknown[]) => {
      const self = args.at(-1) as Command;
      parsed = { command: self.name(), operands: args.slice(0, -2).flat() as string[], flags: self.opts() };
    });
  }
  await program.parseAsync(argv, { from: 'user' });
  if (!parsed) throw new Error(`no command ran for ${argv.join(' ')}`);
  return parsed;
}

/** `--shards N --shard I` (zmap's 0-based form), added to the CLI on the cli branch. */
const cliHasShards = (await runCli(['scan', '--help'])).stdout.includes('--shards');
if (!cliHasShards) {
  console.warn(
    '[portpick tests] PENDING: `portpick scan --shards N --shard I` is not in this build; the Kubernetes manifest tests that run its command lines are SKIPPED until it is.',
  );
}

describe('deploy/kubernetes/sweep-job.yaml', () => {
  it('parses: a volume claim, an Indexed Job and the merge Job, sharing one volume', () => {
    const documents = manifest();
    expect(documents.map((document) => document.kind)).toEqual(['PersistentVolumeClaim', 'Job', 'Job']);
    const sweep = documents[1]!;
    expect(sweep.spec.completionMode).toBe('Indexed');
    expect(sweep.spec.completions).toBeGreaterThan(1);
    expect(sweep.spec.parallelism).toBe(sweep.spec.completions);
  });

  // PENDING on `--shards` (cli branch): skipped, with the warning above, until the flag is in the CLI.
  it.skipIf(!cliHasShards)('every portpick command line parses with the CLI, and the shards cover the plan exactly once', async () => {
    const [, sweep, merge] = manifest();
    const count = sweep!.spec.completions!;
    const out = mkdtempSync(join(tmpdir(), 'portpick-job-out-'));
    const sweepLine = script(sweep!.spec.template.spec.containers[0]!, out);

    const shards: Parsed[] = [];
    for (let index = 0; index < count; index += 1) {
      const calls = recordedCommands(sweepLine, { JOB_COMPLETION_INDEX: String(index) });
      expect(calls).toHaveLength(1);
      const argv = calls[0]!;
      const parsed = await parseWithCli(argv);
      expect(parsed.command).toBe('scan');
      expect(parsed.flags.shards).toBe(String(count));
      expect(parsed.flags.shard).toBe(String(index));
      expect(parsed.flags.output).toBe(join(out, `part-${index}.jsonl`));
      shards.push(parsed);
      // The real command line (with --dry-run) is accepted by the built CLI, which
      // shows the shard it plans counted from 1 (index + 1 of count).
      const dry = await runCli([...argv, '--dry-run']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(dry.stdout).toContain(`shard ${index + 1}/${count} `);
    }
    // Every shard sweeps the same targets, ports and seed.
    const first = shards[0]!;
    for (const shard of shards) {
      expect(shard.operands).toEqual(first.operands);
      expect(shard.flags.ports).toBe(first.flags.ports);
      expect(shard.flags.seed).toBe(first.flags.seed);
      expect(shard.flags.seed).toMatch(/^\d+$/);
    }

    const targets = await specsToTargetSet(first.operands.map((spec) => parseTargetSpec(spec)));
    const ports = parsePortSpec(String(first.flags.ports));
    const seed = BigInt(String(first.flags.seed));
    const key = (probe: { address: string; port: number }) => `${probe.address}|${probe.port}`;
    const whole = new SweepPlan(targets, ports, seed, { index: 0, count: 1 });
    const expected = new Set<string>();
    for (let k = 0; k < whole.shardTotal; k += 1) expected.add(key(whole.probeAt(k)));
    expect(expected.size).toBe(whole.total);

    const seen = new Map<string, number>();
    let planned = 0;
    for (const shard of shards) {
      const plan = new SweepPlan(targets, ports, seed, { index: Number(shard.flags.shard), count: Number(shard.flags.shards) });
      planned += plan.shardTotal;
      for (let k = 0; k < plan.shardTotal; k += 1) {
        const probe = key(plan.probeAt(k));
        seen.set(probe, (seen.get(probe) ?? 0) + 1);
      }
    }
    expect(planned).toBe(whole.total);
    expect(seen.size).toBe(expected.size);
    expect([...seen.values()].every((times) => times === 1)).toBe(true);
    expect([...seen.keys()].every((probe) => expected.has(probe))).toBe(true);

    // The merge waits for every part's summary line, then merges exactly those parts.
    mkdirSync(out, { recursive: true });
    for (let index = 0; index < count; index += 1) writeFileSync(join(out, `part-${index}.jsonl`), '{"type":"summary"}\n');
    const mergeCalls = recordedCommands(script(merge!.spec.template.spec.containers[0]!, out), {});
    expect(mergeCalls).toHaveLength(1);
    const parsedMerge = await parseWithCli(mergeCalls[0]!);
    expect(parsedMerge.command).toBe('merge');
    expect([...parsedMerge.operands].sort()).toEqual(Array.from({ length: count }, (_, index) => join(out, `part-${index}.jsonl`)).sort());
  });
});
