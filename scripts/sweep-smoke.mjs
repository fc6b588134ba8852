#!/usr/bin/env node
// A real sweep with each engine against a listener this script starts, for the
// install and container checks (scripts/pack-install-check.sh,
// scripts/container-check.sh). Run it only inside a private network namespace
// or a container with `--network none`: the targets must exist only there.
//
//   node scripts/sweep-smoke.mjs PORTPICK_COMMAND --modes syn,connect --targets 127.0.0.1,198.18.0.1-198.18.0.3
//
// For each mode: every target address must report the listener's port open and
// the next port closed, every probe must be accounted for, and every result must
// name the engine asked for. Exits 1 with what differed.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

const args = process.argv.slice(2);
const command = args[0];
const modes = option('--modes', 'syn,connect').split(',');
const targets = option('--targets', '127.0.0.1').split(',');
if (!command || command.startsWith('--')) fail('Expected the portpick command first, got none');

const server = createServer((socket) => socket.destroy());
await new Promise((resolve, reject) => {
  server.once('error', reject);
  server.listen(0, '0.0.0.0', resolve);
});
const port = server.address().port;
// The next port must be closed: pick the listener so that it is (an ephemeral port's neighbour is rarely bound).
const closed = port + 1;

let failures = 0;
for (const mode of modes) {
  const run = spawnSync(command, ['scan', ...targets, '-p', `${port},${closed}`, '--mode', mode, '--json', '--no-progress', '--retries', '1'], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const problems = [];
  if (run.status !== 0) problems.push(`exit ${run.status ?? run.signal}: ${(run.stderr || run.error?.message || '').trim()}`);
  const records = (run.stdout ?? '')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line));
  const results = records.filter((record) => record.type === 'result');
  const summary = records.find((record) => record.type === 'summary');
  const addresses = [...new Set(results.map((record) => record.address))];
  for (const address of addresses) {
    const state = (p) => results.find((record) => record.address === address && record.port === p)?.state;
    if (state(port) !== 'open') problems.push(`${address}:${port} is ${state(port)}, expected open`);
    if (state(closed) !== 'closed') problems.push(`${address}:${closed} is ${state(closed)}, expected closed`);
  }
  const engines = [...new Set(results.map((record) => record.engine))];
  if (engines.length !== 1 || engines[0] !== mode) problems.push(`engines ${engines.join(',')}, expected ${mode}`);
  if (!summary) problems.push('no summary line');
  else if (summary.completed !== summary.planned || summary.planned !== results.length) {
    problems.push(`summary planned ${summary.planned}, completed ${summary.completed}, results ${results.length}`);
  }
  if (addresses.length === 0) problems.push('no results');
  if (problems.length === 0) {
    console.log(`sweep-smoke: ${mode}: ${addresses.length} addresses x 2 ports, ${port} open and ${closed} closed on each (${summary.durationMs} ms)`);
  } else {
    failures += 1;
    console.error(`sweep-smoke: ${mode} FAILED:\n  ${problems.join('\n  ')}`);
  }
}
server.close();
process.exit(failures === 0 ? 0 : 1);

function option(name, fallback) {
  const index = args.indexOf(name);
  return index === -1 ? fallback : args[index + 1] ?? fail(`Expected a value after ${name}`);
}

function fail(message) {
  console.error(`sweep-smoke: ${message}`);
  process.exit(1);
}
