// `portpick bench`: the bench as a user command (src/cli/commands/bench.ts loads
// this file with a dynamic import). With the privilege to create a network
// namespace it runs bench/run.mjs (quick mode unless told otherwise) inside a
// fresh one — which builds the two-namespace lab, sweeps it, compares with any
// installed peer, prints the table and removes the lab. Without that privilege
// (or with loopbackOnly) it runs loopback-bench.mjs and says what it could not do.
// It never sends a packet outside a namespace it made, except to 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, platform } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable } from './report.mjs';
import { runLoopbackBench } from './loopback-bench.mjs';

const runScript = fileURLToPath(new URL('./run.mjs', import.meta.url));

/**
 * How this process can get a private network namespace: ['unshare', '--net'] as
 * root, ['unshare', '-rn'] as an ordinary user where user namespaces are allowed,
 * or { reason } when neither works.
 */
export function namespaceLauncher() {
  if (platform() !== 'linux') return { reason: `network namespaces exist only on Linux, this is ${platform()}` };
  const tries = process.getuid?.() === 0 ? [['--net'], ['-rn']] : [['-rn']];
  const failures = [];
  for (const flags of tries) {
    const probe = spawnSync('unshare', [...flags, '--', 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.error) return { reason: `\`unshare\` could not be started (${probe.error.code ?? probe.error.message}): install util-linux` };
    if (probe.status === 0) {
      const tools = ['ip', 'nsenter'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
      if (tools.length > 0) return { reason: `${tools.join(' and ')} missing: install iproute2 and util-linux` };
      return { argv: ['unshare', ...flags] };
    }
    failures.push(`unshare ${flags.join(' ')}: ${(probe.stderr || `exit ${probe.status}`).trim().split('\n').at(-1)}`);
  }
  return { reason: `cannot create a network namespace (${failures.join('; ')}); run as root, or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 / kernel.apparmor_restrict_unprivileged_userns=0)` };
}

/**
 * options: { loopbackOnly, json, full, runs, low, high }; io: { stdout, stderr }.
 * Resolves the exit code (0 done, 2 failed).
 */
export async function benchCommand(options, io) {
  const launcher = options.loopbackOnly ? { reason: '--loopback-only was given' } : namespaceLauncher();
  if (launcher.argv) return labBench(launcher.argv, options, io);
  io.stderr.write(`portpick bench: no private network lab: ${launcher.reason}.\n` +
    'portpick bench: running the loopback connect benchmark only (127.0.0.1, listeners of its own).\n');
  const results = await runLoopbackBench({
    low: options.low ?? 1,
    high: options.high ?? 65535,
    runs: options.runs ?? 1,
    log: (text) => io.stderr.write(text),
  });
  results.labUnavailable = launcher.reason;
  if (options.json) {
    io.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    io.stdout.write(`portpick bench (loopback only), ${results.date}, ${results.runsPerTool} run(s)/tool (median wall; worst recall/precision)\n`);
    io.stdout.write(`versions: ${Object.entries(results.versions).map(([k, v]) => `${k} ${v ?? 'missing'}`).join(', ')}\n`);
    io.stdout.write(`${formatTable(results)}\n\n`);
    io.stdout.write(`not run (${launcher.reason}):\n${results.notRun.map((line) => `  - ${line}`).join('\n')}\n`);
    io.stdout.write('for the full lab: run as root, or where `unshare -rn true` works.\n');
  }
  const failed = results.scenarios[0].tools.some((t) => t.summary && t.summary.status !== 'ok');
  return failed ? 2 : 0;
}

/** Runs bench/run.mjs inside a fresh namespace made by `launcher`; the lab dies with it. */
function labBench(launcher, options, io) {
  const dir = mkdtempSync(join(tmpdir(), 'portpick-bench-cmd-'));
  const jsonFile = join(dir, 'result.json');
  const args = [runScript, ...(options.full ? [] : ['--quick']), '--json', jsonFile, ...(options.runs ? ['--runs', String(options.runs)] : [])];
  const argv = [...launcher, '--', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"', process.execPath, ...args];
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORTPICK_IN_NETNS: '1' } });
    let stdout = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => io.stderr.write(chunk));
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('close', (code) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      if (options.json && existsSync(jsonFile)) io.stdout.write(readFileSync(jsonFile, 'utf8'));
      else io.stdout.write(stdout.replace(/^JSON: .*\n?/m, ''));
      rmSync(dir, { recursive: true, force: true });
      resolve(code === 0 ? 0 : 2);
    });
    child.on('error', (error) => {
      io.stderr.write(`portpick bench: could not start \`${argv[0]}\`: ${error.message}\n`);
      rmSync(dir, { recursive: true, force: true });
      resolve(2);
    });
  });
}
