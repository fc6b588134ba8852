#!/usr/bin/env node
// Latency of the port-choice commands as a user sees it: a fresh `node
// dist/cli/portpick.cjs check 8080` and `... suggest` process per run, with every
// local source loaded. Two configurations:
//   defaults  shipped IANA snapshot + nmap-services
//   full-csv  the official IANA CSV (--iana) + nmap-services
// and two cache states (portpick keeps digested copies of nmap-services and of
// an IANA file in its cache directory, src/registry/derived-cache.ts):
//   warm  the usual case: the digests exist (made by the warm-up run)
//   cold  every run starts with an empty cache directory (first run after an
//         install, an update or a changed file; includes writing the digests)
// Each (configuration, command) runs N times after one unmeasured warm-up run
// (page cache); the table gives the median, p90 and minimum wall time and the
// median user+system CPU (from /usr/bin/time when present). JSON goes to
// bench/results/pick-latency.json (gitignored).
//
//   node bench/pick-latency.mjs [--runs N] [--nmap-services FILE] [--iana-csv FILE]
//                               [--config defaults,full-csv] [--command check,suggest] [--cache warm,cold]
//                               [--profile] [--json FILE]
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
  if (!existsSync(cliPath)) fail(`Expected a build at ${cliPath}, got none (run \`npx tsc -p tsconfig.json\`)`);
  return { runs, nmapServices, ianaCsv, configs, commands, caches, profile: values.profile, json: values.json };
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
 * One fresh CLI process. Wall time is measured here (spawn to exit); CPU and
 * peak RSS come from the child's rusage through time(1), whose resolution is 10 ms.
 */
function runOnce(argv, env, scratch) {
  const usageFile = join(scratch, 'usage');
  rmSync(usageFile, { force: true });
  const timed = existsSync(TIME_BINARY);
  const full = timed ? [TIME_BINARY, '-o', usageFile, '-f', 'rusage %U %S %M %e', ...argv] : argv;
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
          // time(1)'s elapsed (10 ms resolution) is what a user at a shell waits: from exec to exit,
          // without this harness's spawn overhead (measured here at 60-90 ms on a loaded 2-core VM).
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
  const header = ['config', 'cache', 'command', 'runs', 'wall median ms', 'wall p90 ms', 'wall min ms', 'CPU median ms', 'peak RSS MB'];
  const lines = rows.map((row) => [
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
  const render = (cells) => cells.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
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
    const env = { ...process.env, PORTPICK_CACHE_DIR: cacheDir };
    delete env.NODE_OPTIONS;
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
        const argv = [process.execPath, cliPath, ...COMMANDS[command], ...sourceArgs(config, options)];
        const warmEnv = freshEnv();
        const envFor = () => (cache === 'warm' ? warmEnv : freshEnv());
        const warmUp = await runOnce(argv, warmEnv, scratch);
        if (warmUp.code !== 0 && warmUp.code !== 1) {
          fail(`\`${argv.slice(1).join(' ')}\` exited ${warmUp.code ?? warmUp.signal}: ${warmUp.stderr.trim()}`);
        }
        const samples = [];
        for (let run = 0; run < options.runs; run += 1) {
          const sample = await runOnce(argv, envFor(), scratch);
          if (sample.code !== warmUp.code) fail(`\`${argv.slice(1).join(' ')}\` exited ${sample.code ?? sample.signal} (warm-up: ${warmUp.code}): ${sample.stderr.trim()}`);
          samples.push(sample);
        }
        let profile = null;
        if (options.profile) {
          const name = `${config}-${command}.cpuprofile`;
          const profiled = [process.execPath, '--cpu-prof', '--cpu-prof-dir', profileDir, '--cpu-prof-name', name, ...argv.slice(1)];
          await runOnce(profiled, envFor(), scratch);
          profile = join(profileDir, name);
        }
        const row = {
          config,
          cache,
          command,
          argv: argv.slice(1).map((arg) => (arg.startsWith(repoDir) ? arg.slice(repoDir.length + 1) : arg)),
          exitCode: warmUp.code,
          ...summarize(samples),
          wallMs: samples.map((sample) => round(sample.wallMs)),
          cpuMs: samples.map((sample) => (sample.cpuMs === null ? null : round(sample.cpuMs))),
          ...(profile === null ? {} : { profile }),
        };
        rows.push(row);
        process.stderr.write(`  ${config} ${cache} ${command}: median ${fixed(row.wallMedianMs)} ms wall, ${fixed(row.cpuMedianMs)} ms CPU\n`);
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
    cpuSource: existsSync(TIME_BINARY) ? 'time(1) rusage, 10 ms resolution' : 'unavailable',
    wallSource: existsSync(TIME_BINARY) ? 'time(1) elapsed, exec to exit, 10 ms resolution' : 'spawn to exit in this harness',
    rows,
  };
  const jsonPath = resolve(options.json ?? join(resultsDir, 'pick-latency.json'));
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`);

  process.stdout.write(
    `\nportpick check 8080 / suggest, fresh process per run, ${options.runs} runs each (+1 warm-up)\n` +
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
