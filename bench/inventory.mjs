#!/usr/bin/env node
/**
 * Inventory bench: how long `portpick inventory` takes on a large tree.
 *
 * Generates a tree of --files files (default 20,000), --manifests of them
 * (default 2,000) files the inventory reads (compose, Kubernetes, Helm values,
 * Dockerfiles, .env, package.json, Spring, systemd sockets), the rest source
 * and documentation files it only lists, plus a gitignored directory and a
 * node_modules it must not enter. Then times, alternating:
 *   - in-process: inventoryPaths() from dist/ (the walk, the reads, the parsing);
 *   - command: `portpick inventory DIR --json` in a fresh process (what a user waits for).
 * Prints a table; writes JSON to bench/results/. Sends no packet.
 *
 *   node bench/inventory.mjs [--files N] [--manifests N] [--runs N] [--keep] [--json FILE]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
};
const totalFiles = Number(option('files', '20000'));
const manifests = Number(option('manifests', '2000'));
const runs = Number(option('runs', '5'));
const keep = args.includes('--keep');
const jsonOut = option('json', join(root, 'bench', 'results', `inventory-${new Date().toISOString().replace(/[:.]/g, '-')}.json`));

const { inventoryPaths } = await import(join(root, 'dist', 'registry', 'inventory', 'inventory.js'));
const cli = join(root, 'dist', 'cli', 'portpick.cjs');

// ---- the tree -------------------------------------------------------------
const kinds = [
  ['compose', 0.2, (i) => [`docker-compose.yml`, `services:\n  svc${i}:\n    image: app:${i}\n    ports:\n      - "${10000 + (i % 20000)}:80"\n      - "127.0.0.1:\${DEBUG_PORT:-${30000 + (i % 2000)}}:9229"\n    expose:\n      - "9100"\n`]],
  ['kubernetes', 0.4, (i) => [`deploy-${i}.yaml`, `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc${i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:${i}\n          ports:\n            - containerPort: ${8000 + (i % 1000)}\n            - containerPort: 9090\n              protocol: UDP\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc${i}\nspec:\n  ports:\n    - port: 80\n      targetPort: ${8000 + (i % 1000)}\n`]],
  ['helm-values', 0.1, (i) => ['values.yaml', `replicaCount: 1\nservice:\n  type: ClusterIP\n  port: ${7000 + (i % 500)}\nmetrics:\n  httpPort: 9102\nresources: {}\n`]],
  ['dockerfile', 0.15, (i) => ['Dockerfile', `FROM node:20 AS build\nRUN npm ci\nFROM node:20-slim\nARG PORT=${6000 + (i % 500)}\nEXPOSE \${PORT} 9229/tcp\nCMD ["node", "server.js"]\n`]],
  ['env', 0.05, (i) => ['.env', `PORT=${5000 + (i % 900)}\nDB_PORT=5432\nLOG_LEVEL=info\n`]],
  ['package-json', 0.05, (i) => ['package.json', JSON.stringify({ name: `svc${i}`, scripts: { dev: `vite --port ${5100 + (i % 800)}`, build: 'tsc -p tsconfig.json' } }, null, 2)]],
  ['spring', 0.04, (i) => ['application.properties', `spring.application.name=svc${i}\nserver.port=${4000 + (i % 900)}\n`]],
  ['systemd-socket', 0.01, (i) => [`svc${i}.socket`, `[Socket]\nListenStream=${3000 + (i % 900)}\n`]],
];
const other = [
  ['index.ts', (i) => `export function handler${i}(input: string): string {\n  return input.trim();\n}\n`.repeat(8)],
  ['README.md', (i) => `# Service ${i}\n\nRuns on the port in its manifest.\n`.repeat(6)],
  ['main.go', (i) => `package main\n\nfunc main() { println(${i}) }\n`.repeat(6)],
  ['ci.yml', (i) => `name: ci-${i}\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n`],
  ['util.py', (i) => `def f${i}(x):\n    return x * 2\n`.repeat(8)],
];

const base = mkdtempSync(join(tmpdir(), 'portpick-inventory-bench-'));
const tree = join(base, 'org');
function generate() {
  const filesPerService = Math.max(2, Math.round(totalFiles / Math.max(1, manifests)));
  let written = 0;
  let manifestsWritten = 0;
  let service = 0;
  const counts = Object.fromEntries(kinds.map(([kind]) => [kind, 0]));
  writeFileSync(join(base, '.gitignore'), '');
  mkdirSync(tree, { recursive: true });
  writeFileSync(join(tree, '.gitignore'), 'generated/\n');
  while (written < totalFiles) {
    const dir = join(tree, `team-${service % 40}`, `service-${service}`);
    const sub = join(dir, 'src', 'lib');
    mkdirSync(sub, { recursive: true });
    let inService = 0;
    // One manifest per service while manifests remain, in the kinds' proportions.
    if (manifestsWritten < manifests) {
      let pick = (manifestsWritten * 0.618034) % 1;
      const [kind, , make] = kinds.find(([, share]) => (pick -= share) < 0) ?? kinds[0];
      const [name, text] = make(manifestsWritten);
      writeFileSync(join(dir, name), text);
      counts[kind] += 1;
      manifestsWritten += 1;
      written += 1;
      inService += 1;
    }
    while (inService < filesPerService && written < totalFiles) {
      const [name, make] = other[(written + inService) % other.length];
      const target = inService % 3 === 0 ? dir : sub;
      writeFileSync(join(target, `${inService}-${name}`), make(written));
      written += 1;
      inService += 1;
    }
    service += 1;
  }
  // Not part of the count: what the walk must pass over.
  const ignored = join(tree, 'generated');
  mkdirSync(ignored, { recursive: true });
  for (let i = 0; i < 200; i += 1) writeFileSync(join(ignored, `deploy-${i}.yaml`), kinds[1][2](i)[1]);
  const vendored = join(tree, 'team-0', 'service-0', 'node_modules', 'pkg');
  mkdirSync(vendored, { recursive: true });
  for (let i = 0; i < 200; i += 1) writeFileSync(join(vendored, `${i}-package.json`), '{}');
  return { written, manifestsWritten, services: service, counts };
}

const made = generate();
const loadavgBefore = loadavg();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

// ---- runs, alternating in-process and command -------------------------------
const inProcess = [];
const inProcessCpu = [];
const command = [];
let last;
for (let run = 0; run < runs; run += 1) {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  last = inventoryPaths([tree]);
  inProcess.push(performance.now() - start);
  const cpu = process.cpuUsage(cpuStart);
  inProcessCpu.push((cpu.user + cpu.system) / 1000);
  const commandStart = performance.now();
  execFileSync(process.execPath, [cli, 'inventory', tree, '--json'], { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 30 });
  command.push(performance.now() - commandStart);
}

const result = {
  tree: { files: made.written, manifests: made.manifestsWritten, services: made.services, byKind: made.counts, passedOver: { gitignored: 200, nodeModules: 200 } },
  found: { findings: last.findings.length, filesSeen: last.filesSeen, filesRead: last.filesRead, problems: last.problems.length, skipped: last.skipped },
  runs,
  inProcessMs: { median: median(inProcess), min: Math.min(...inProcess), max: Math.max(...inProcess), all: inProcess },
  inProcessCpuMs: { median: median(inProcessCpu), min: Math.min(...inProcessCpu), max: Math.max(...inProcessCpu), all: inProcessCpu },
  commandMs: { median: median(command), min: Math.min(...command), max: Math.max(...command), all: command },
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgBefore, loadavgAfter: loadavg(), node: process.version },
  date: new Date().toISOString(),
};

const row = (label, values) => `${label.padEnd(40)} ${values.median.toFixed(0).padStart(8)} ${values.min.toFixed(0).padStart(8)} ${values.max.toFixed(0).padStart(8)}`;
console.log(`Inventory of ${made.written} files (${made.manifestsWritten} manifests in ${made.services} service directories), ${runs} runs each, alternating`);
console.log(`found ${last.findings.length} port declarations in ${last.filesRead} files read of ${last.filesSeen} seen; passed over ${last.skipped.gitignored} gitignored, ${last.skipped.vendored} vendored`);
console.log(`${'ms'.padEnd(40)} ${'median'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}`);
console.log(row('inventoryPaths() in process, wall', result.inProcessMs));
console.log(row('inventoryPaths() in process, CPU', result.inProcessCpuMs));
console.log(row('portpick inventory DIR --json, wall', result.commandMs));
console.log(`load average at the end ${loadavg().map((n) => n.toFixed(2)).join(' ')} on ${cpus().length} CPUs`);
mkdirSync(dirname(jsonOut), { recursive: true });
writeFileSync(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
console.log(`JSON: ${jsonOut}`);
if (keep) console.log(`tree kept: ${tree}`);
else rmSync(base, { recursive: true, force: true });
