// The benchmark for machines where no private network namespace can be made
// (no root, no unprivileged user namespaces, not Linux): a connect sweep of
// 127.0.0.1 against listeners this process started itself, by portpick's native
// connect engine, its TypeScript engine, and nmap -sT when installed. Only
// 127.0.0.1 is ever probed (the network-safety rule allows loopback without a namespace).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seededPorts } from './lab/ground-truth.mjs';
import { stopAllChildren } from './lab/processes.mjs';
import { runScenario, versionKey } from './scenario-runner.mjs';
import { nmapConnect } from './peers/nmap.mjs';
import { portpickConnect, portpickConnectTs } from './portpick-runner.mjs';

/** Runs commands here, in the caller's own namespace (no nsenter). */
const hostNamespace = Object.freeze({ label: 'host', wrap: (argv) => argv });

/** What the lab-less bench cannot do, for the report. */
export const LOOPBACK_ONLY_LIMITS = [
  'SYN mode (portpick syn, nmap -sS, masscan, zmap): needs raw sockets in a namespace of its own',
  'the AnyIP, silent, loss, rate-limit and IPv6 scenarios and the memory scenario: need a private namespace with its own routes and nftables',
  'the kernel-ceiling calibration: needs hping3 inside a private namespace',
];

/**
 * TCP ports already listening on 127.0.0.1 (or on every address) in this
 * namespace, from /proc/net/tcp and tcp6: outside a namespace of its own the
 * bench shares loopback with the machine's services, and those ports are truly open.
 */
export function portsAlreadyListening() {
  const ports = new Set();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try { text = readFileSync(file, 'utf8'); } catch { continue; }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, portHex] = (fields[1] ?? '').split(':');
      if (fields[3] !== '0A' || !address || !portHex) continue; // 0A = LISTEN
      const loopbackOrAny = /^(0100007F|00000000|0{32}|0{24}01000000|0{16}0000FFFF0100007F)$/i.test(address);
      if (loopbackOrAny) ports.add(parseInt(portHex, 16));
    }
  }
  return ports;
}

/**
 * The loopback scenario over ports low..high (ascending): `listeners` ports the bench
 * opens itself (avoiding ports already in use), plus those already listening.
 */
export function loopbackScenario({ low, high, seed, listeners = 30, alreadyListening = new Set() }) {
  const inRange = [...alreadyListening].filter((port) => port >= low && port <= high).sort((a, b) => a - b);
  const count = Math.min(listeners, Math.max(1, Math.floor((high - low + 1 - inRange.length) / 10)));
  const listenPorts = seededPorts(count, seed, { min: low, max: high, avoid: inRange });
  const openPorts = [...new Set([...listenPorts, ...inRange])].sort((a, b) => a - b);
  return {
    name: 'loopback',
    description: `127.0.0.1, ports ${low}-${high}, ${count} listeners of this process${inRange.length ? ` + ${inRange.length} already listening` : ''}, no namespace`,
    where: 'loopback',
    family: 4,
    quick: true,
    targets: ['127.0.0.1'],
    blocks: ['127.0.0.1/32'],
    silent: [],
    filters: [],
    openPorts,
    listenPorts,
    ports: null,
    portSpec: `${low}-${high}`,
    portCount: high - low + 1,
    addressCount: 1,
    listenerHost: '127.0.0.1',
  };
}

/**
 * options: { low, high, runs, timeoutSeconds, seed, log(text) }.
 * Resolves a result object shaped like run.mjs's (mode "loopback-only").
 */
export async function runLoopbackBench({ low = 1, high = 65535, runs = 1, timeoutSeconds = 120, seed = Math.floor(Math.random() * 1e9) + 1, log }) {
  const tools = [portpickConnect, portpickConnectTs, nmapConnect];
  const versions = {};
  for (const tool of tools) {
    const key = versionKey(tool);
    if (!(key in versions)) versions[key] = await tool.version();
  }
  const scenario = loopbackScenario({ low, high, seed, alreadyListening: portsAlreadyListening() });
  const workDir = mkdtempSync(join(tmpdir(), 'portpick-bench-loopback-'));
  const started = Date.now();
  try {
    const lab = { scanner: hostNamespace, targets: null, addresses: null };
    const result = await runScenario(lab, scenario, tools, { runs, timeoutSeconds, deadline: null, log }, null, workDir, versions);
    return {
      date: new Date(started).toISOString(),
      mode: 'loopback-only',
      seed,
      runsPerTool: runs,
      versions,
      calibration: null,
      scenarios: [result],
      memory: null,
      notRun: LOOPBACK_ONLY_LIMITS,
      elapsedSeconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    stopAllChildren();
    rmSync(workDir, { recursive: true, force: true });
  }
}
