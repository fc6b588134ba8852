/**
 * Forged answers never become results. A SYN sweep of silent targets (their
 * SYNs are dropped, so no genuine answer exists) runs while a forger spoofing
 * those targets sends, to every port of the engine's source-port range, a bare
 * SYN (a "split handshake": it carries nothing to verify, so one that reaches
 * a probe's real source port would otherwise be believed), RSTs with random
 * numbers and ICMP errors quoting random sequence numbers. Every probe must end
 * filtered, and the forgeries must be counted as invalid replies.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { lab } from '../helpers/lab.js';
import { addon } from '../helpers/native-addon.js';
import { NftTable } from '../helpers/nft.js';
import { required } from '../helpers/required.js';
import { scan } from '../../src/scan/scan.js';
import type { ScanResult } from '../../src/scan/types.js';

const raw = addon?.canUseRawSockets() ?? false;
const python = spawnSync('python3', ['-c', 'import socket'], { stdio: 'ignore' }).status === 0;
const runnable =
  addon !== null &&
  lab.available &&
  lab.nft &&
  required(raw, 'CAP_NET_RAW in the lab namespace', 'run npm test as root or where `unshare -rn` works') &&
  required(python, 'python3 (the forger of the forged-reply test)', 'apt-get install python3');

const forgerPath = fileURLToPath(new URL('./fixtures/forge-replies.py', import.meta.url));
const TARGETS = ['198.18.90.1', '198.18.90.2', '198.18.90.3', '198.18.90.4'];

describe.skipIf(!runnable)('forged SYN, RST and ICMP answers', () => {
  const table = new NftTable('inet', 'portpick_forged');
  afterAll(() => table.remove());

  it('never become results', async () => {
    const targetPort = 20000 + Math.floor(Math.random() * 10000);
    const forgerSeed = Math.floor(Math.random() * 2 ** 31);
    const seed = BigInt(Math.floor(Math.random() * 2 ** 40));
    console.info(`[syn-forged] target port ${targetPort}, sweep seed ${seed}, forger seed ${forgerSeed}`);
    // The sweep's own SYNs vanish; the forger's packets (to other ports) pass.
    table.install(`
      chain in {
        type filter hook input priority -10;
        ip daddr 198.18.90.0/29 tcp dport ${targetPort} tcp flags & (syn|ack) == syn drop
      }`);
    // The engine's source ports lie above the kernel's ephemeral range (raw_socket.cc).
    const [, high = '60999'] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const handle = scan({ targets: TARGETS, ports: [targetPort], mode: 'syn', seed, retries: 1, timeoutMs: 3000 });
    const forger = spawn('python3', [forgerPath, TARGETS.join(','), String(targetPort), String(Number(high) + 1), '65535', '4', String(forgerSeed)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let forgerOut = '';
    let forgerError = '';
    forger.stdout.on('data', (d: Buffer) => (forgerOut += d.toString()));
    forger.stderr.on('data', (d: Buffer) => (forgerError += d.toString()));
    const forgerDone = new Promise<number | null>((resolve) => forger.on('close', resolve));
    const results: ScanResult[] = [];
    for await (const result of handle) results.push(result);
    const summary = await handle.summary;
    expect(await forgerDone).toBe(0);
    expect(forgerError).toBe('');
    const sent = JSON.parse(forgerOut) as { syn: number; rst: number; icmp: number };
    console.info(`[syn-forged] forged ${JSON.stringify(sent)}; invalid replies counted ${summary.invalidReplies}`);
    // The forger reached every source port with a bare SYN while the probes were open.
    expect(sent.syn).toBe(TARGETS.length * (65535 - Number(high)));
    expect(results.map((r) => `${r.address} ${r.state}/${r.reason}`).sort()).toEqual(TARGETS.map((t) => `${t} filtered/timeout`).sort());
    expect(summary.invalidReplies).toBeGreaterThan(sent.syn);
  });
});
