#!/usr/bin/env node
// portpick's benchmark: builds a private two-namespace lab with its own ground
// truth, runs portpick and the peer scanners on each scenario, prints a table and
// writes JSON. Run it with `npm run bench` (which wraps it in a private network
// namespace); see bench/README.md.
//
//   node bench/run.mjs [--quick] [--scenario a,b] [--tools a,b] [--runs N]
//                      [--json FILE] [--timeout SECONDS] [--seed N]
//                      [--no-calibrate | --calibrate-only] [--portpick-args "..."] [--list]
//                      [--portpick-cli NAME=PATH ...]
//
// A/B: `--portpick-cli NAME=PATH` (repeatable) runs each portpick tool with the CLI
// at PATH (another build's dist/cli/portpick.cjs) in the same lab: one row per
// build (tool id `<tool>@NAME`), the builds taking turns run by run with the order
// rotating, and a block of each build's median and min wall as a ratio to the
// first build named. Every build gets the same arguments; a build whose `scan
// --help` does not list one of them is refused.
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, cpus, totalmem, release, hostname, loadavg } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVethLab } from './lab/veth-lab.mjs';
import { listenerCommand, startListeners } from './lab/ground-truth.mjs';
import { canMeasure, inheritedButDropped, TIME_BINARY, TOOL_ENVIRONMENT } from './lab/measure.mjs';
import { run, stopAllChildren } from './lab/processes.mjs';
import { buildScenarios, QUICK_SCENARIOS } from './scenarios.mjs';
import { calibrate } from './calibrate.mjs';
import { formatBuildComparison, formatTable } from './report.mjs';
import { runScenario, versionKey } from './scenario-runner.mjs';
import { runMemoryScenario, formatMemory } from './memory.mjs';
import { runSlowReaderScenario, formatSlowReader } from './slow-reader.mjs';
import { evaluateTargets, formatTargets } from './targets.mjs';
import { nmapSyn, nmapConnect, nmapConnectFast } from './peers/nmap.mjs';
import { masscan, masscanSlow } from './peers/masscan.mjs';
import { zmap } from './peers/zmap.mjs';
import { portpickSyn, portpickConnect, portpickConnectTs, flagsNotListed, portpickVersion, RUNNER_FLAGS } from './portpick-runner.mjs';

const ALL_TOOLS = [portpickSyn, portpickConnect, portpickConnectTs, nmapSyn, nmapConnect, nmapConnectFast, masscan, masscanSlow, zmap];
/** Quick mode starts no new tool run after this many seconds (each run is also bounded by --timeout). */
const QUICK_BUDGET_SECONDS = 165;
/** The memory scenario's port (one listener on 127.0.0.1) and how long the /8 sweep runs before SIGINT. */
const MEMORY_PORT = 7;
const MEMORY_BOUND_SECONDS = { quick: 4, full: 10 };
const benchDir = dirname(fileURLToPath(import.meta.url));

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string' },
      tools: { type: 'string' },
      runs: { type: 'string' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      seed: { type: 'string' },
      'no-calibrate': { type: 'boolean', default: false },
      'calibrate-only': { type: 'boolean', default: false },
      'portpick-args': { type: 'string' },
      'portpick-cli': { type: 'string', multiple: true },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const positiveInteger = (name, text, fallback) => {
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1) fail(`Expected --${name} to be a whole number of at least 1, got \`${text}\``);
    return value;
  };
  const builds = (values['portpick-cli'] ?? []).map((text) => {
    const equals = text.indexOf('=');
    if (equals < 1) fail(`Expected --portpick-cli NAME=PATH, got \`${text}\``);
    const path = resolve(text.slice(equals + 1));
    if (!existsSync(path)) fail(`Expected a portpick CLI at ${path}, got no file (run \`npm install\` in that build)`);
    return { name: text.slice(0, equals), path };
  });
  if (new Set(builds.map((b) => b.name)).size !== builds.length) fail(`Expected a different NAME for each --portpick-cli, got ${builds.map((b) => b.name).join(', ')}`);
  return {
    builds,
    quick: values.quick,
    scenarioNames: values.scenario?.split(',').map((s) => s.trim()).filter(Boolean) ?? null,
    toolIds: values.tools?.split(',').map((s) => s.trim()).filter(Boolean) ?? null,
    runs: positiveInteger('runs', values.runs, values.quick ? 1 : 3),
    jsonFile: values.json ?? null,
    timeoutSeconds: positiveInteger('timeout', values.timeout, values.quick ? 20 : 600),
    seed: positiveInteger('seed', values.seed, Math.floor(Math.random() * 1e9) + 1),
    calibrate: !values['no-calibrate'],
    calibrateOnly: values['calibrate-only'],
    portpickArgs: values['portpick-args']?.split(/\s+/).filter(Boolean) ?? [],
    list: values.list,
    help: values.help,
  };
}

async function toolVersions(tools) {
  const versions = {};
  for (const tool of tools) {
    const key = versionKey(tool);
    if (!(key in versions)) versions[key] = await tool.version();
  }
  return versions;
}

async function main() {
  const options = parseOptions();
  if (options.help) {
    process.stdout.write('usage: npm run bench -- [--quick] [--scenario a,b] [--tools a,b] [--runs N] [--json FILE] [--timeout S] [--seed N] [--no-calibrate | --calibrate-only] [--portpick-args "..."] [--portpick-cli NAME=PATH ...] [--list]\n');
    return;
  }
  const scenarios = buildScenarios({ quick: options.quick, seed: options.seed });
  if (options.list) {
    for (const s of scenarios) process.stdout.write(`${s.name.padEnd(14)} ${s.description}\n`);
    process.stdout.write(`${'memory'.padEnd(14)} peak RSS of portpick syn/connect: 127.0.0.0/24 × all ports vs 127.0.0.0/8 × 1 port (each stopped after ${MEMORY_BOUND_SECONDS[options.quick ? 'quick' : 'full']} s)\n`);
    process.stdout.write(`${'slow-reader'.padEnd(14)} peak RSS of portpick syn/connect: AnyIP /16 × 10 ports, all open, JSON lines to /dev/null vs piped into a 5 MB/s reader (any mode: always /16)\n`);
    process.stdout.write(`tools: ${ALL_TOOLS.map((t) => t.id).join(', ')}\n`);
    return;
  }
  if (process.env.PORTPICK_IN_NETNS !== '1') {
    fail('refusing to run outside a private network namespace: use `npm run bench` (scripts/in-private-netns.sh)');
  }
  if (!canMeasure()) process.stderr.write(`bench: ${TIME_BINARY} is missing, so peak RSS and CPU are not measured: install Debian's \`time\` package (sh bench/setup-peers.sh)\n`);
  const allNames = [...scenarios.map((s) => s.name), 'memory', 'slow-reader'];
  const wanted = options.scenarioNames ?? (options.quick ? [...QUICK_SCENARIOS, 'memory'] : allNames);
  for (const name of wanted) if (!allNames.includes(name)) fail(`Expected a scenario among ${allNames.join(', ')}, got \`${name}\``);
  const selectedScenarios = options.calibrateOnly ? [] : wanted.filter((name) => name !== 'memory' && name !== 'slow-reader').map((name) => scenarios.find((s) => s.name === name));
  const runMemory = !options.calibrateOnly && wanted.includes('memory');
  const runSlowReader = !options.calibrateOnly && wanted.includes('slow-reader');
  if (options.calibrateOnly && !options.calibrate) fail('Expected at most one of --calibrate-only and --no-calibrate, got both');
  for (const id of options.toolIds ?? []) if (!ALL_TOOLS.some((t) => t.id === id)) fail(`Expected a tool among ${ALL_TOOLS.map((t) => t.id).join(', ')}, got \`${id}\``);
  const tools = ALL_TOOLS.filter((t) => !options.toolIds || options.toolIds.includes(t.id));
  for (const tool of tools) if (tool.id.startsWith('portpick')) tool.extraArgs = options.portpickArgs;
  if (options.builds.length > 0) {
    if (runMemory || runSlowReader) fail('Expected --scenario without memory and slow-reader with --portpick-cli (they run one build), got them (name the scenarios)');
    const passed = [...RUNNER_FLAGS, ...options.portpickArgs.filter((arg) => arg.startsWith('-')).map((arg) => arg.split('=')[0])];
    for (const build of options.builds) {
      const missing = await flagsNotListed(build.path, passed);
      if (missing.length > 0) fail(`Expected build ${build.name} (${build.path}) to accept ${missing.join(', ')}, got a \`scan --help\` without them: every build gets the same arguments`);
      build.version = await portpickVersion(build.path);
      const commit = await run(['git', '-C', dirname(build.path), 'rev-parse', '--short', 'HEAD'], { timeoutMs: 15_000 }).catch(() => null);
      build.commit = commit?.code === 0 ? commit.stdout.trim() : null;
    }
    tools.splice(0, tools.length, ...tools.flatMap((tool) => (tool.forBuild ? options.builds.map((build) => { const copy = tool.forBuild(build); copy.extraArgs = tool.extraArgs; return copy; }) : [tool])));
  }

  const started = Date.now();
  // Quick mode keeps its promise of < 3 minutes: tools not started by then are skipped, and say so.
  options.deadline = options.quick ? started + QUICK_BUDGET_SECONDS * 1000 : null;
  const versions = await toolVersions(tools);
  const machine = {
    hostname: hostname(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryMb: Math.round(totalmem() / 1048576),
    kernel: release(),
    node: process.version,
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
    groundTruthListener: listenerCommand().kind,
    toolEnvironment: Object.keys(TOOL_ENVIRONMENT),
    droppedVariables: inheritedButDropped,
  };
  process.stderr.write(`bench: ${options.quick ? 'quick' : 'full'} mode, seed ${options.seed}, ${options.runs} run(s) per tool, scenarios ${wanted.join(', ')}\n`);
  const workDir = mkdtempSync(join(tmpdir(), 'portpick-bench-run-'));
  const lab = await createVethLab();
  const cleanUp = () => { stopAllChildren(); rmSync(workDir, { recursive: true, force: true }); };
  options.log = (text) => process.stderr.write(text);
  process.once('SIGINT', () => { cleanUp(); process.exit(130); });
  process.once('SIGTERM', () => { cleanUp(); process.exit(143); });
  const results = { builds: options.builds.length > 0 ? options.builds : undefined, date: new Date(started).toISOString(), mode: options.quick ? 'quick' : 'full', seed: options.seed, runsPerTool: options.runs, machine, versions, calibration: null, scenarios: [], memory: null, slowReader: null, targets: [] };
  try {
    if (options.calibrate) {
      process.stderr.write('bench: calibrating (hping3 SYN flood, veth and loopback) ...\n');
      const calibrationPort = 4;
      const veth = await startListeners(lab.targets, '::', [calibrationPort]);
      const loop = await startListeners(lab.scanner, '127.0.0.1', [calibrationPort]);
      try {
        results.calibration = await calibrate(lab, { seconds: options.quick ? 1 : 5, openPortVeth: calibrationPort, openPortLoopback: calibrationPort });
      } finally {
        veth.stop();
        loop.stop();
      }
    }
    const ceilings = results.calibration?.available ? results.calibration.ceilingPerSecond : null;
    for (const scenario of selectedScenarios) {
      // Full mode: single-host sweeps take seconds, so they get at least 3 runs (a median) even when --runs is lower.
      const runs = !options.quick && scenario.addressCount === 1 ? Math.max(options.runs, 3) : options.runs;
      results.scenarios.push(await runScenario(lab, scenario, tools, { ...options, runs }, ceilings, workDir, versions));
    }
    const memoryModes = ['syn', 'connect'].filter((mode) => tools.some((t) => t.id === `portpick-${mode}`));
    if (runMemory && versions.portpick && memoryModes.length > 0) {
      results.memory = await runMemoryScenario(lab, {
        modes: memoryModes,
        port: MEMORY_PORT,
        boundSeconds: MEMORY_BOUND_SECONDS[options.quick ? 'quick' : 'full'],
        timeoutSeconds: options.timeoutSeconds + MEMORY_BOUND_SECONDS.full,
        workDir,
        extraArgs: options.portpickArgs,
        log: (text) => process.stderr.write(text),
      });
    }
    if (runSlowReader && versions.portpick && memoryModes.length > 0) {
      results.slowReader = await runSlowReaderScenario(lab, {
        modes: memoryModes,
        block: '198.18.0.0/16',
        addressCount: 65536,
        ports: scenarios.find((s) => s.name === 'anyip').openPorts,
        timeoutSeconds: Math.max(options.timeoutSeconds, 180),
        workDir,
        extraArgs: options.portpickArgs,
        log: (text) => process.stderr.write(text),
      });
    }
  } finally {
    lab.close();
    cleanUp();
  }
  results.elapsedSeconds = Math.round((Date.now() - started) / 1000);
  results.machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));

  const c = results.calibration;
  const lines = [`portpick bench, ${results.date}, ${machine.cpus} × ${machine.cpuModel}, Linux ${machine.kernel}, ${results.mode} mode, ${options.runs} run(s)/tool (median wall; worst recall/precision)`];
  lines.push(`ground-truth listener: ${machine.groundTruthListener}; load average ${machine.loadAverageAtStart.join(' ')} at start`);
  lines.push(`versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v ?? 'missing'}`).join(', ')}`);
  lines.push(
    `environment of every tool: ${Object.keys(TOOL_ENVIRONMENT).join(', ')} only` +
      (inheritedButDropped.length > 0 ? ` (set here and not passed on: ${inheritedButDropped.join(', ')})` : ''),
  );
  if (options.builds.length > 0) {
    lines.push(`A/B builds, taking turns run by run: ${options.builds.map((b) => `${b.name} = ${b.path}${b.commit ? ` (commit ${b.commit})` : ''}`).join('; ')}`);
    lines.push(`every build gets: scan TARGETS -p PORTS --mode MODE --rate 0 --format jsonl --open-only -o FILE${options.portpickArgs.length ? ` ${options.portpickArgs.join(' ')}` : ''} (each flag listed in every build's \`scan --help\`)`);
  }
  if (c?.available) lines.push(`ceiling (SYNs answered/s, hping3 flood): veth ${c.ceilingPerSecond.veth.toLocaleString('en-US')}, loopback ${c.ceilingPerSecond.loopback.toLocaleString('en-US')}${[...Object.values(c.veth), ...Object.values(c.loopback)].some((m) => m.senderBound) ? ' (sender-bound: the true ceiling is at least this)' : ''}`);
  else if (c) lines.push(`ceiling: not measured (${c.reason})`);
  results.targets = evaluateTargets(results);
  const memoryText = results.memory ? `${formatMemory(results.memory)}\n` : '';
  const slowReaderText = results.slowReader ? `${formatSlowReader(results.slowReader)}\n` : '';
  const comparisonText = formatBuildComparison(results) ? `${formatBuildComparison(results)}\n` : '';
  process.stdout.write(`${lines.join('\n')}\n${formatTable(results)}\n${comparisonText}${memoryText}${slowReaderText}${formatTargets(results.targets)}\n\ntotal ${results.elapsedSeconds} s\n`);

  const jsonFile = options.jsonFile ?? join(benchDir, 'results', `bench-${results.date.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(jsonFile), { recursive: true });
  writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`JSON: ${jsonFile}\n`);
}

main().catch((error) => {
  stopAllChildren();
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
