// Calibration: how many SYNs per second this machine's kernel answers, over the
// veth pair and on loopback, so each tool's probes/s can be read as a fraction of
// that ceiling.
//
// Method: one hping3 --flood per core sends TCP SYNs as fast as it can (raw
// socket, source port incremented per packet) for a few seconds; nftables counters
// in the answering namespace count SYNs arriving (input hook) and answers leaving
// (output hook: SYN-ACK from an open port, RST from a closed one).
// Limits: hping3 does one sendto() per packet and shares the cores with the
// kernel's answering work, so when answered ≈ received the figure is the
// *senders'* limit and the kernel's true ceiling is at least that (reported as
// `senderBound: true`); when answered < received, the kernel is the limit. The kernel's
// SYN-ACK path for an open port uses SYN cookies once the SYN queue overflows,
// as it would under any fast scan.
import { availableParallelism } from 'node:os';
import { run, startBackground, sleep } from './lab/processes.mjs';

/** One hping3 per core: a single hping3 (one sendto() per packet) is slower than the kernel's answering path. */
const SENDERS = Math.max(1, availableParallelism());

const COUNTER_TABLE = `table inet calibrate
delete table inet calibrate
table inet calibrate {
  counter syn_in {}
  counter synack_out {}
  counter rst_out {}
  chain in {
    type filter hook input priority -10;
    tcp flags & (syn|ack) == syn counter name syn_in
  }
  chain out {
    type filter hook output priority -10;
    tcp flags & (syn|ack) == syn|ack counter name synack_out
    tcp flags & rst == rst counter name rst_out
  }
}
`;

async function readCounters(namespace) {
  const result = await run(namespace.wrap(['nft', '-j', 'list', 'table', 'inet', 'calibrate']), { check: true });
  const counters = {};
  for (const item of JSON.parse(result.stdout).nftables) {
    if (item.counter) counters[item.counter.name] = item.counter.packets;
  }
  return counters;
}

export async function hping3Available() {
  const result = await run(['hping3', '--version'], { timeoutMs: 5_000 }).catch(() => null);
  return result !== null && (result.code === 0 || /hping/i.test(result.stdout + result.stderr));
}

/**
 * Floods `target`:`port` from `sender` for `seconds`, counting in `answerer`.
 * Resolves { sentPerSecond, answeredPerSecond, answer: 'syn-ack'|'rst', seconds }.
 */
async function floodOnce({ sender, answerer, target, port, seconds }) {
  await run(answerer.wrap(['nft', '-f', '-']), { input: COUNTER_TABLE, check: true });
  const before = await readCounters(answerer);
  const floods = Array.from({ length: SENDERS }, (_, index) => startBackground(sender.wrap(
    ['hping3', '--flood', '-q', '-n', '-S', '-s', String(1024 + index * 30000), '-p', String(port), target])));
  const started = process.hrtime.bigint();
  await sleep(seconds * 1000);
  for (const flood of floods) flood.stop();
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  await sleep(200);
  const after = await readCounters(answerer);
  await run(answerer.wrap(['nft', 'delete', 'table', 'inet', 'calibrate']), { check: true });
  const received = after.syn_in - before.syn_in;
  // On loopback the sender's own kernel also answers the SYN-ACKs with RSTs: count only the answering side's kind.
  const synAck = after.synack_out - before.synack_out;
  const rst = after.rst_out - before.rst_out;
  const answered = synAck > 0 ? synAck : rst;
  return {
    seconds: Number(elapsed.toFixed(2)),
    receivedPerSecond: Math.round(received / elapsed),
    answeredPerSecond: Math.round(answered / elapsed),
    answer: synAck > 0 ? 'syn-ack' : 'rst',
    senderBound: answered >= received * 0.99,
  };
}

/**
 * Measures both paths. `lab` is a veth lab (createVethLab); `openPort` must have a
 * listener in the targets namespace (for veth) and in the scanner namespace on
 * 127.0.0.1 (for loopback) — or pass null to measure closed ports (RST) only.
 */
export async function calibrate(lab, { seconds = 3, openPortVeth = null, openPortLoopback = null } = {}) {
  if (!(await hping3Available())) {
    return { available: false, reason: 'hping3 is not installed (sh bench/setup-peers.sh)' };
  }
  const closedPort = 9; // discard: nothing listens there in the lab
  const veth = {
    closed: await floodOnce({ sender: lab.scanner, answerer: lab.targets, target: '198.18.0.1', port: closedPort, seconds }),
  };
  if (openPortVeth !== null) veth.open = await floodOnce({ sender: lab.scanner, answerer: lab.targets, target: '198.18.0.1', port: openPortVeth, seconds });
  const loopback = {
    closed: await floodOnce({ sender: lab.scanner, answerer: lab.scanner, target: '127.0.0.1', port: closedPort, seconds }),
  };
  if (openPortLoopback !== null) loopback.open = await floodOnce({ sender: lab.scanner, answerer: lab.scanner, target: '127.0.0.1', port: openPortLoopback, seconds });
  const ceiling = (path) => Math.max(...Object.values(path).map((m) => m.answeredPerSecond));
  return {
    available: true,
    method: 'hping3 --flood SYNs for a few seconds; nftables counters in the answering namespace (SYNs in, SYN-ACK/RST out)',
    veth,
    loopback,
    ceilingPerSecond: { veth: ceiling(veth), loopback: ceiling(loopback) },
  };
}
