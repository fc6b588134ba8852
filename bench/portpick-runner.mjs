// Runs portpick's own CLI as a benchmark subject, in three engines: the native
// SYN engine, the native connect engine, and the pure-TypeScript connect fallback
// (--mode connect-ts). The CLI contract used here:
//   node dist/cli/portpick.cjs scan TARGETS... -p PORTS --mode syn|connect|connect-ts
//        --format jsonl --open-only -o FILE [extra args]
// Each output line is JSON; only {"type":"result","state":"open"} lines count as
// findings, and the final {"type":"summary"} line is kept for the report.
// A/B (run.mjs --portpick-cli NAME=PATH): forBuild() gives the same tool running
// another build's CLI; its id is `<tool>@NAME` and its group the tool's id.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run } from './lab/processes.mjs';
import { runMeasured } from './lab/measure.mjs';

export const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
export const portpickCli = fileURLToPath(new URL('../dist/cli/portpick.cjs', import.meta.url));

/** Parses portpick JSON-lines output: { findings: [{ address, port }], summary | null, badLines }. */
export function parsePortpickJsonLines(text) {
  const findings = [];
  let summary = null;
  let badLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record;
    try {
      record = JSON.parse(line);
    } catch {
      badLines += 1;
      continue;
    }
    if (record?.type === 'result' && record.state === 'open') findings.push({ address: record.address, port: record.port });
    else if (record?.type === 'summary') summary = record;
  }
  return { findings, summary, badLines };
}

/** The flags every portpick run passes (see run() below): an A/B build must accept each. */
export const RUNNER_FLAGS = ['-p', '--mode', '--rate', '--format', '--open-only', '-o'];

/** portpick's version (from package.json) when the CLI is built, else null. */
export async function portpickVersion(cli = portpickCli) {
  if (!existsSync(cli)) return null;
  const result = await run([process.execPath, cli, '--version'], { timeoutMs: 15_000 }).catch(() => null);
  // The first line of `portpick --version` is `portpick X.Y.Z`; the lines after it name the addon, engines and Node.
  return result?.code === 0 ? (result.stdout.split('\n')[0] ?? '').trim() : null;
}

/** The flags among `flags` that `CLI scan --help` does not list (all of them when it fails). */
export async function flagsNotListed(cli, flags) {
  const result = await run([process.execPath, cli, 'scan', '--help'], { timeoutMs: 15_000 }).catch(() => null);
  if (result?.code !== 0) return flags;
  // Flags are letters, digits and hyphens: no character in them needs escaping.
  const listed = (flag) => new RegExp(`(^|[\\s,])${flag}([\\s,=<]|$)`, 'm').test(result.stdout);
  return flags.filter((flag) => !listed(flag));
}

function portpickTool({ id, name, modeArgs, cli = portpickCli, build = null, group = null }) {
  return {
    id,
    name,
    /** The A/B build's name (null: this repository's build) and the tools that take turns with it. */
    build,
    group,
    cli,
    version: () => portpickVersion(cli),
    /** The same tool running another build's CLI: { name, path }. */
    forBuild(other) {
      return portpickTool({ id: `${id}@${other.name}`, name: `${name} (${other.name})`, modeArgs, cli: other.path, build: other.name, group: id });
    },
    // --rate 0: no ceiling. The lab's veth targets sit behind a gateway route, where the CLI would otherwise
    // cap the sweep at 10,000 probes/s (its default beyond this host's links); the bench measures the engine.
    settings: `${modeArgs.join(' ')} --rate 0 (CLI defaults: --timeout 1000 --retries 1; no ceiling: adaptive)`,
    /** Settings as run: the mode, plus --portpick-args; otherwise the CLI's defaults (retries 1, timeout 1000 ms, adaptive rate). */
    settingsFor() {
      return this.extraArgs.length === 0 ? this.settings : [...modeArgs, ...this.extraArgs].join(' ');
    },
    /** Extra CLI arguments for every portpick run (run.mjs --portpick-args). */
    extraArgs: [],
    unsupported(scenario) {
      if (!existsSync(cli)) return `not built yet: no ${cli} (npm run build:ts)`;
      if (id === 'portpick-ts' && !scenario.quick && scenario.addressCount > 1024) {
        return 'full mode runs the TypeScript fallback on single hosts only (a /16 × 10 takes it minutes; quick mode measures it on a /22)';
      }
      return null;
    },
    /** Why version() gave null: the CLI file exists but does not start. */
    missingReason: `built, but \`node ${cli} --version\` fails (CLI not finished yet?)`,
    async run(context) {
      const argv = [process.execPath, cli, 'scan', ...context.targets, '-p', context.portSpec,
        ...modeArgs, '--rate', '0', '--format', 'jsonl', '--open-only', '-o', context.outputFile, ...this.extraArgs];
      const measurement = await runMeasured(context.namespace, argv, { timeoutMs: context.timeoutMs });
      const text = existsSync(context.outputFile) ? readFileSync(context.outputFile, 'utf8') : '';
      const parsed = parsePortpickJsonLines(text);
      const notes = [];
      if (parsed.badLines > 0) notes.push(`${parsed.badLines} output lines were not JSON`);
      if (measurement.code !== 0 && !measurement.timedOut) notes.push(`exit ${measurement.code}: ${measurement.stderr.trim().split('\n').at(-1) ?? ''}`);
      return { measurement, findings: parsed.findings, summary: parsed.summary, notes };
    },
  };
}

export const portpickSyn = portpickTool({ id: 'portpick-syn', name: 'portpick syn', modeArgs: ['--mode', 'syn'] });
export const portpickConnect = portpickTool({ id: 'portpick-connect', name: 'portpick connect', modeArgs: ['--mode', 'connect'] });
export const portpickConnectTs = portpickTool({ id: 'portpick-ts', name: 'portpick connect-ts', modeArgs: ['--mode', 'connect-ts'] });
