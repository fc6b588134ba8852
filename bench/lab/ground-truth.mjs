// Ground truth: the bench starts its own listeners on a known set of ports, so
// it knows exactly which (address, port) pairs are open, and scores each tool's
// findings against that set.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addressKey, parseCidr } from './addresses.mjs';
import { startBackground } from './processes.mjs';

const listenerScript = fileURLToPath(new URL('./listener.mjs', import.meta.url));
// The C++ epoll listener built beside the addon (native/lab/listener.cc); the Node
// listener is the fallback. On 2 cores a Node accept loop falls behind a fast
// connect sweep, so with it the listener, not the scanner, sets the pace.
const nativeListenerCandidates = ['../../build/portpick_lab_listener', '../../build/Release/portpick_lab_listener'].map((path) =>
  fileURLToPath(new URL(path, import.meta.url)),
);

/** The listener command this machine has: the native one when built, else Node. */
export function listenerCommand() {
  const native = nativeListenerCandidates.find((path) => existsSync(path));
  return native ? { kind: 'native (epoll, C++)', argv: [native] } : { kind: 'node', argv: [process.execPath, listenerScript] };
}

/** A small seeded generator (mulberry32), so a run's random ports are reproducible from its seed. */
export function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` distinct ports from [min, max], ascending, chosen by `seed`.
 * Ports in `avoid` are never chosen.
 */
export function seededPorts(count, seed, { min = 1024, max = 65535, avoid = [] } = {}) {
  if (count > max - min + 1 - avoid.length) throw new Error(`Expected at most ${max - min + 1 - avoid.length} ports, got \`${count}\``);
  const random = seededRandom(seed);
  const chosen = new Set();
  const avoided = new Set(avoid);
  while (chosen.size < count) {
    const port = min + Math.floor(random() * (max - min + 1));
    if (!avoided.has(port)) chosen.add(port);
  }
  return [...chosen].sort((a, b) => a - b);
}

/**
 * Starts the ground-truth listener inside `namespace` on `host` ("::" = dual
 * stack, "127.0.0.1" = loopback only). Resolves { stop() } once every port listens.
 */
export async function startListeners(namespace, host, ports) {
  const listener = startBackground(namespace.wrap([...listenerCommand().argv, host, ports.join(',')]), { readyLine: 'ready' });
  await listener.ready;
  return { stop: () => listener.stop() };
}

/**
 * What should be found: every address of `blocks` (CIDR texts) outside `silent`
 * (CIDR texts, SYNs dropped there) on every port of `openPorts`.
 * Returns { openCount, isOpen(address, port) }.
 */
export function expectedOpen({ blocks, silent = [], openPorts }) {
  const blockSets = blocks.map(parseCidr);
  const silentSets = silent.map(parseCidr);
  const portSet = new Set(openPorts);
  let liveAddresses = 0;
  for (const block of blockSets) liveAddresses += Number(block.size);
  for (const block of silentSets) liveAddresses -= Number(block.size);
  return {
    openCount: liveAddresses * openPorts.length,
    isOpen(address, port) {
      if (!portSet.has(port)) return false;
      if (!blockSets.some((block) => block.contains(address))) return false;
      return !silentSets.some((block) => block.contains(address));
    },
  };
}

/**
 * Scores findings ([{ address, port }], duplicates allowed) against expectedOpen().
 * recall = distinct true finds / expected; precision = distinct true finds / distinct finds.
 * `unparsable` counts finds whose address text is not an address at all.
 */
export function scoreFindings(findings, truth) {
  // A finding whose address does not parse (e.g. masscan 1.3.2 printing `2001:db8:`) is a false open, not a crash.
  const keyOf = (address) => { try { return addressKey(address); } catch { return `unparsable:${address}`; } };
  const isTrue = (address, port) => { try { return truth.isOpen(address, port); } catch { return false; } };
  const distinct = new Map();
  for (const { address, port } of findings) distinct.set(`${keyOf(address)}|${port}`, { address, port });
  let truePositives = 0;
  for (const { address, port } of distinct.values()) if (isTrue(address, port)) truePositives += 1;
  const found = distinct.size;
  return {
    found,
    duplicates: findings.length - found,
    unparsable: [...distinct.keys()].filter((key) => key.startsWith('unparsable:')).length,
    truePositives,
    falsePositives: found - truePositives,
    missed: truth.openCount - truePositives,
    recall: truth.openCount === 0 ? 1 : truePositives / truth.openCount,
    precision: found === 0 ? (truth.openCount === 0 ? 1 : 0) : truePositives / found,
  };
}
