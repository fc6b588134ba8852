/**
 * The first sweep over a link whose next hop is not resolved yet (issue: "1 %
 * loss, first run after the link comes up"). Until the neighbour entry (ARP) of
 * the next hop is resolved, the kernel queues a few packets and drops the rest
 * of a burst without telling the sender. The SYN engine sends one probe first
 * and waits for the next hop's entry, so nothing of the burst is lost: with
 * --retries 0 every open port must be found on a link that just came up, also
 * when the first ARP request goes unanswered (resolution then takes a second).
 *
 * A second namespace (held by a sleeping process) holds the targets behind a
 * veth pair: 198.51.100.128/25 is local (AnyIP) there, reached from the test
 * namespace via 198.51.100.2, with no neighbour entry until the sweep needs one.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { required } from '../helpers/required.js';
import { scan } from '../../src/scan/scan.js';
import type { ScanResult } from '../../src/scan/types.js';

const listenerBinary = fileURLToPath(new URL('../../build/portpick_lab_listener', import.meta.url));
const raw = addon?.canUseRawSockets() ?? false;
const runnable =
  addon !== null &&
  lab.available &&
  required(raw, 'CAP_NET_RAW in the lab namespace', 'run npm test as root or where `unshare -rn` works') &&
  required(existsSync(listenerBinary), 'the lab listener (build/portpick_lab_listener)', 'npm install builds it beside the addon');

function sh(script: string, prefix: string[] = []): void {
  const run = spawnSync(prefix[0] ?? 'sh', [...prefix.slice(1), ...(prefix.length > 0 ? ['sh'] : []), '-eu', '-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${script}\nfailed: ${run.stderr}`);
}

describe.skipIf(!runnable)('SYN sweep over a link that just came up', () => {
  let holder: ChildProcess;
  let listener: ChildProcess;
  let pid = 0;
  const ports = [21001, 21002, 21003, 21004, 21005, 21006, 21007, 21008];
  const inTargets = (script: string) => sh(script, ['nsenter', '-t', String(pid), '-n', '--']);

  beforeAll(async () => {
    const own = readlinkSync('/proc/self/ns/net');
    holder = spawn('unshare', ['--net', '--', 'sleep', '600'], { stdio: 'ignore' });
    pid = holder.pid as number;
    for (let i = 0; readlinkSync(`/proc/${pid}/ns/net`) === own; i += 1) {
      if (i > 200) throw new Error('the targets namespace did not appear');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    sh(`ip link add pps0 type veth peer name ppt0 netns ${pid}`);
    inTargets('ip link set lo up; ip addr add 198.51.100.2/30 dev ppt0; ip link set ppt0 up; ip route add local 198.51.100.128/25 dev lo');
    listener = spawn('nsenter', ['-t', String(pid), '-n', '--', listenerBinary, '0.0.0.0', ports.join(',')], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      listener.stdout?.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
      listener.once('exit', (code) => reject(new Error(`the listener exited (${code})`)));
    });
  });
  afterAll(() => {
    listener?.stdin?.end();
    listener?.kill();
    holder?.kill();
    spawnSync('ip', ['link', 'del', 'pps0'], { stdio: 'ignore' });
  });

  it.skipIf(!lab.nft)('--retries 0: every open port found, though the next hop was unresolved when the sweep began', async () => {
    for (let round = 0; round < 2; round += 1) {
      // The link comes up now: no neighbour entry for the next hop yet, and the first ARP request goes unanswered.
      inTargets(`
        nft delete table arp portpick_first_arp 2>/dev/null || true
        nft add table arp portpick_first_arp
        nft add chain arp portpick_first_arp in '{ type filter hook input priority 0; }'
        nft add rule arp portpick_first_arp in arp operation request quota until 30 bytes drop`);
      sh('ip link set pps0 down; ip neigh flush dev pps0; ip addr flush dev pps0; ip addr add 198.51.100.1/30 dev pps0; ip link set pps0 up; ip route replace 198.51.100.128/25 via 198.51.100.2');
      const neighbours = spawnSync('ip', ['neigh', 'show', 'dev', 'pps0'], { encoding: 'utf8' }).stdout.trim();
      expect(neighbours).toBe('');
      const seed = BigInt(Math.floor(Math.random() * 2 ** 40));
      console.info(`[syn-fresh-link] round ${round}, seed ${seed}`);
      const handle = scan({ targets: '198.51.100.128/25', ports, mode: 'syn', seed, retries: 0, timeoutMs: 1000 });
      const results: ScanResult[] = [];
      for await (const result of handle) results.push(result);
      const summary = await handle.summary;
      const missed = results.filter((r) => r.state !== 'open');
      expect(missed.slice(0, 5).map((r) => `${r.address}:${r.port} ${r.state}`), `seed ${seed}: ${missed.length} missed`).toEqual([]);
      expect(summary).toMatchObject({ planned: 128 * 8, open: 128 * 8 });
      // The probes left from the scanner's own address on the link (the kernel's choice), and the summary says so.
      expect(summary.sourceAddresses).toEqual(['198.51.100.1']);
    }
  });
});
