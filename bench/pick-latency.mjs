#!/usr/bin/env node
// Latency of the port-choice commands as a user sees it: a fresh `node
// dist/cli/portpick.cjs check 8080` and `... suggest` process per run, with every
// local source loaded. Two configurations:
//   defaults  shipped IANA snapshot + nmap-services
//   full-csv  the official IANA CSV (--iana) + nmap-services
// and two cache states (portpick keeps digested copies of nmap-services and of
// an IANA file in its cache directory, src/registry/digest.ts):
//   warm  the usual case: the digests exist (made by the warm-up run)
//   cold  every run starts with an empty cache directory (first run after an
//         install, an update or a changed file; includes writing the digests)
// Each (configuration, command) runs N times after one unmeasured warm-up run
// (page cache); the table gives the median, p90 and minimum wall time and the
// median user+system CPU (python3's os.wait4 when present, else /usr/bin/time). JSON goes to
// bench/results/pick-latency.json (gitignored).
//
// A/B: `--cli NAME=PATH` (repeatable) measures several builds of the command
// line side by side: each run goes to every build in turn (the order rotating),
// so a change of load on a shared machine touches every build alike.
// Every process runs with PATH, HOME and LANG only (as bench/run.mjs runs
// tools): a NODE_EXTRA_CA_CERTS or NODE_OPTIONS of the machine costs each Node start.
//
//   node bench/pick-latency.mjs [--runs N] [--nmap-services FILE] [--iana-csv FILE]
//                               [--config defaults,full-csv] [--command check,suggest,scan-dry-run] [--cache warm,cold]
//                               [--cli NAME=PATH ...] [--profile] [--json FILE]
//   sh scripts/in-private-netns.sh node bench/pick-latency.mjs   # few listeners
//
// nmap-services: --nmap-services, else $PORTPICK_BENCH_NMAP_SERVICES, else the
// nmap package's /usr/share/nmap/nmap-services. The IANA CSV likewise (--iana-csv,
// $PORTPICK_BENCH_IANA_CSV, else the official CSV kept in data/iana/).
// The commands send no packets: `check` and `suggest` only bind ports locally
// (the bind probe) and read /proc.
//
// --profile additionally runs each measured command once with --cpu-prof and
// writes the .cpuprofile files to bench/results/profiles/ (open them in Chrome
// DevTools or speedscope); those runs are not part of the figures.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoDir = resolve(benchDir, '..');
const cliPath = join(repoDir, 'dist', 'cli', 'portpick.cjs');
const TIME_BINARY = '/usr/bin/time';
/** A single run that takes longer than this is killed and the bench fails: something is wrong. */
const RUN_TIMEOUT_MS = 30_000;

const COMMANDS = {
  check: ['check', '8080'],
  suggest: ['suggest'],
  // Plans a sweep of every port and sends nothing (start-up of `scan`).
  'scan-dry-run': ['scan', '127.0.0.1', '-p', '-', '--dry-run'],
};

function fail(message) {
  process.stderr.write(`pick-latency: ${message}\n`);
  process.exit(2);
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '15' },
      'nmap-services': { type: 'string' },
      'iana-csv': { type: 'string' },
      config: { type: 'string', default: 'defaults,full-csv' },
      command: { type: 'string', default: 'check,suggest' },
      cache: { type: 'string', default: 'warm,cold' },
      cli: { type: 'string', multiple: true },
      profile: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\nimport ')[0].replace(/^\/\/ ?/gm, '') + '\n');
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) fail(`Expected --runs to be a whole number from 1 to 1000, got \`${values.runs}\``);
  const nmapServices = resolve(values['nmap-services'] ?? process.env.PORTPICK_BENCH_NMAP_SERVICES ?? '/usr/share/nmap/nmap-services');
  const ianaCsv = resolve(values['iana-csv'] ?? process.env.PORTPICK_BENCH_IANA_CSV ?? join(repoDir, 'data', 'iana', 'service-names-port-numbers.csv'));
  const configs = listOption(values.config, ['defaults', 'full-csv'], 'config');
  const commands = listOption(values.command, Object.keys(COMMANDS), 'command');
  const caches = listOption(values.cache, ['warm', 'cold'], 'cache');
  if (!existsSync(nmapServices)) fail(`Expected nmap-services at ${nmapServices}, got no file (pass --nmap-services FILE)`);
  if (configs.includes('full-csv') && !existsSync(ianaCsv)) fail(`Expected the IANA CSV at ${ianaCsv}, got no file (pass --iana-csv FILE)`);
  const clis = (values.cli ?? [`build=${cliPath}`]).map((text) => {
    const equals = text.indexOf('=');
    if (equals < 1) fail(`Expected --cli NAME=PATH, got \`${text}\``);
    const path = resolve(text.slice(equals + 1));
    if (!existsSync(path)) fail(`Expected a command line at ${path}, got no file (run \`npm run build:ts\`)`);
    return { name: text.slice(0, equals), path };
  });
  return { runs, nmapServices, ianaCsv, configs, commands, caches, clis, profile: values.profile, json: values.json };
}

function listOption(text, allowed, name) {
  const items = text.split(',').map((item) => item.trim()).filter((item) => item !== '');
  for (const item of items) if (!allowed.includes(item)) fail(`Expected --${name} from ${allowed.join(', ')}, got \`${item}\``);
  if (items.length === 0) fail(`Expected at least one --${name}`);
  return items;
}

function sourceArgs(config, options) {
  const args = ['--nmap-services', options.nmapServices];
  if (config === 'full-csv') args.push('--iana', options.ianaCsv);
  return args;
}

/**
 * Runs argv and writes `rusage USER SYS MAXRSS_KB WALL` (seconds) to argv[1]:
 * os.wait4 gives the child's CPU time to the microsecond, where time(1) prints
 * hundredths, too coarse for A/B steps of a few milliseconds.
 */
const PYTHON_TIMER = [
  'import os, sys, time',
  'started = time.monotonic()',
  'pid = os.fork()',
  'if pid == 0:',
  '    os.execv(sys.argv[2], sys.argv[2:])',
  '_, status, usage = os.wait4(pid, 0)',
  'wall = time.monotonic() - started',
  "open(sys.argv[1], 'w').write('rusage %.6f %.6f %d %.6f\\n' % (usage.ru_utime, usage.ru_stime, usage.ru_maxrss, wall))",
  'code = os.waitstatus_to_exitcode(status)',
  'sys.exit(code if code >= 0 else 128 - code)',
].join('\n');
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((path) => existsSync(path)) ?? null;
const TIMER = PYTHON ? 'python3 os.wait4 (exec to exit; CPU to the microsecond)' : existsSync(TIME_BINARY) ? 'time(1) rusage, 10 ms resolution' : null;

/**
 * One fresh CLI process. Wall time and CPU (user + system) and peak RSS come
 * from the timer (PYTHON_TIMER, else time(1)) as exec to exit; without either,
 * wall time is spawn to exit as this harness sees it, and CPU is unknown.
 */
function runOnce(argv, env, scratch) {
  const usageFile = join(scratch, 'usage');
  rmSync(usageFile, { force: true });
  const full = PYTHON ? [PYTHON, '-c', PYTHON_TIMER, usageFile, ...argv] : existsSync(TIME_BINARY) ? [TIME_BINARY, '-o', usageFile, '-f', 'rusage %U %S %M %e', ...argv] : argv;
  const timed = TIMER !== null;
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(full[0], full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      // Spawn to exit as seen from this (Node) harness: includes its own spawn and pipe overhead.
      let wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      let cpuMs = null;
      let peakRssKb = null;
      if (timed && existsSync(usageFile)) {
        const match = /^rusage (\S+) (\S+) (\d+) (\S+)$/m.exec(readFileSync(usageFile, 'utf8'));
        if (match) {
          cpuMs = (Number(match[1]) + Number(match[2])) * 1000;
          peakRssKb = Number(match[3]);
          // What a user at a shell waits: exec to exit, without this harness's spawn overhead.
          wallMs = Number(match[4]) * 1000;
        }
      }
      resolvePromise({ code, signal, wallMs, cpuMs, peakRssKb, stdout, stderr });
    });
  });
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  // Nearest-rank: the smallest value with at least q of the runs at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

function median(values) {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(samples) {
  const walls = samples.map((sample) => sample.wallMs).sort((a, b) => a - b);
  return {
    runs: samples.length,
    wallMedianMs: round(median(walls)),
    wallP90Ms: round(quantile(walls, 0.9)),
    wallMinMs: round(walls[0] ?? null),
    cpuMedianMs: round(median(samples.map((sample) => sample.cpuMs))),
    peakRssMedianKb: median(samples.map((sample) => sample.peakRssKb)),
  };
}

function round(value) {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** Listening sockets visible in this network namespace (what the `listeners` source reads). */
function listeningSockets() {
  let count = 0;
  for (const [file, protocol] of [['tcp', 'tcp'], ['tcp6', 'tcp'], ['udp', 'udp'], ['udp6', 'udp']]) {
    let text;
    try {
      text = readFileSync(`/proc/net/${file}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      if (protocol === 'tcp' ? fields[3] === '0A' : fields[2].endsWith(':0000')) count += 1;
    }
  }
  return count;
}

function networkNamespace() {
  try {
    const own = readlinkSync('/proc/self/ns/net');
    const init = readlinkSync('/proc/1/ns/net');
    return own === init ? 'host' : 'private';
  } catch {
    return process.env.PORTPICK_IN_NETNS === '1' ? 'private' : 'unknown';
  }
}

function formatTable(rows) {
  const header = ['build', 'config', 'cache', 'command', 'runs', 'wall median ms', 'wall p90 ms', 'wall min ms', 'CPU median ms', 'peak RSS MB'];
  const lines = rows.map((row) => [
    row.build,
    row.config,
    row.cache,
    row.command,
    String(row.runs),
    fixed(row.wallMedianMs),
    fixed(row.wallP90Ms),
    fixed(row.wallMinMs),
    fixed(row.cpuMedianMs),
    row.peakRssMedianKb === null ? 'n/a' : (row.peakRssMedianKb / 1024).toFixed(0),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)));
  const render = (cells) => cells.map((cell, column) => (column < 4 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...lines.map(render)].join('\n');
}

function fixed(value) {
  return value === null ? 'n/a' : value.toFixed(0);
}

async function main() {
  const options = parseOptions();
  const scratch = mkdtempSync(join(tmpdir(), 'portpick-pick-latency-'));
  // Cache directories of the bench's own: "defaults" must mean the shipped
  // snapshot, not whatever `portpick update` stored. Warm: one directory per
  // (config, command), filled by the warm-up run; cold: a new one per run.
  let cacheDirs = 0;
  const freshEnv = () => {
    const cacheDir = join(scratch, `cache-${(cacheDirs += 1)}`);
    mkdirSync(cacheDir);
    const env = { PORTPICK_CACHE_DIR: cacheDir };
    for (const name of ['PATH', 'HOME', 'LANG']) if (process.env[name] !== undefined) env[name] = process.env[name];
    return env;
  };
  const resultsDir = join(benchDir, 'results');
  const profileDir = join(resultsDir, 'profiles');
  mkdirSync(resultsDir, { recursive: true });
  if (options.profile) mkdirSync(profileDir, { recursive: true });

  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  const rows = [];
  try {
    for (const cache of options.caches) for (const config of options.configs) {
      for (const command of options.commands) {
        const builds = options.clis.map((cli) => {
          const argv = [process.execPath, cli.path, ...COMMANDS[command], ...(command === 'scan-dry-run' ? [] : sourceArgs(config, options))];
          return { cli, argv, warmEnv: freshEnv(), warmUp: null, samples: [] };
        });
        const envFor = (build) => (cache === 'warm' ? build.warmEnv : freshEnv());
        for (const build of builds) {
          build.warmUp = await runOnce(build.argv, build.warmEnv, scratch);
          if (build.warmUp.code !== 0 && build.warmUp.code !== 1) {
            fail(`\`${build.argv.slice(1).join(' ')}\` exited ${build.warmUp.code ?? build.warmUp.signal}: ${build.warmUp.stderr.trim()}`);
          }
        }
        for (let run = 0; run < options.runs; run += 1) {
          for (let turn = 0; turn < builds.length; turn += 1) {
            const build = builds[(run + turn) % builds.length];
            const sample = await runOnce(build.argv, envFor(build), scratch);
            if (sample.code !== build.warmUp.code) {
              fail(`\`${build.argv.slice(1).join(' ')}\` exited ${sample.code ?? sample.signal} (warm-up: ${build.warmUp.code}): ${sample.stderr.trim()}`);
            }
            build.samples.push(sample);
          }
        }
        for (const build of builds) {
          let profile = null;
          if (options.profile) {
            const name = `${build.cli.name}-${config}-${command}.cpuprofile`;
            const profiled = [process.execPath, '--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', name, ...build.argv.slice(1)];
            await runOnce(profiled, envFor(build), scratch);
            profile = join(profileDir, name);
          }
          const row = {
            build: build.cli.name,
            config: command === 'scan-dry-run' ? '-' : config,
            cache,
            command,
            argv: build.argv.slice(1).map((arg) => (arg.startsWith(repoDir) ? arg.slice(repoDir.length + 1) : arg)),
            exitCode: build.warmUp.code,
            ...summarize(build.samples),
            wallMs: build.samples.map((sample) => round(sample.wallMs)),
            cpuMs: build.samples.map((sample) => (sample.cpuMs === null ? null : round(sample.cpuMs))),
            ...(profile === null ? {} : { profile }),
          };
          rows.push(row);
          process.stderr.write(`  ${row.build} ${row.config} ${cache} ${command}: median ${fixed(row.wallMedianMs)} ms wall, ${fixed(row.cpuMedianMs)} ms CPU\n`);
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }

  const machine = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    kernel: release(),
    networkNamespace: networkNamespace(),
    listeningSockets: listeningSockets(),
    loadAverageBefore: loadBefore.map((value) => Math.round(value * 100) / 100),
    loadAverageAfter: loadavg().map((value) => Math.round(value * 100) / 100),
  };
  const report = {
    bench: 'pick-latency',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine,
    sources: { nmapServices: options.nmapServices, ianaCsv: options.ianaCsv },
    builds: options.clis.map((cli) => ({ name: cli.name, path: cli.path })),
    environment: 'PATH, HOME, LANG and PORTPICK_CACHE_DIR only',
    timer: TIMER ?? 'none: wall time spawn to exit in this harness, no CPU',
    rows,
  };
  const jsonPath = resolve(options.json ?? join(resultsDir, 'pick-latency.json'));
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);

  process.stdout.write(
    `\nportpick ${options.commands.join(' / ')}, fresh process per run, ${options.runs} runs each (+1 warm-up)` +
      `${options.clis.length > 1 ? `, builds alternating: ${options.clis.map((cli) => cli.name).join(', ')}` : ''}\n` +
      `Node ${machine.node}, ${machine.cpus} CPUs, ${machine.networkNamespace} network namespace, ` +
      `${machine.listeningSockets} listening sockets, load ${machine.loadAverageBefore[0]} → ${machine.loadAverageAfter[0]}\n\n` +
      `${formatTable(rows)}\n\nJSON: ${jsonPath}\n`,
  );
  if (machine.loadAverageBefore[0] >= 2 || machine.loadAverageAfter[0] >= 2) {
    process.stdout.write('Note: load average ≥ 2 — wall times include waiting for a CPU; compare CPU, or re-run when idle.\n');
  }
  if (options.profile) process.stdout.write(`Profiles: ${profileDir}\n`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
