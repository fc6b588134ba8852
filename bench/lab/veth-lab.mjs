// The two-namespace lab (bench/README.md): a *scanner* namespace
// and a *targets* namespace joined by one veth pair that exists only between
// them. Neither namespace has a default route, so nothing can leave the machine.
//
//   scanner  bs0 198.19.255.1/24  2001:db8:ffff::1/64  MAC 02:be:00:00:00:01
//            routes 198.18.0.0/16 and 2001:db8::/64 via the targets side
//   targets  bt0 198.19.255.2/24  2001:db8:ffff::2/64  MAC 02:be:00:00:00:02
//            AnyIP: local 198.18.0.0/16 and 2001:db8::/64 on lo (every address answers)
//   198.19.255.3 / 2001:db8:ffff::3: a source address the scanner's kernel does NOT
//            own, for masscan and zmap (their own stacks); the targets side has a
//            permanent neighbour entry for it, so replies reach the scanner's wire.
import { createNamespace } from './namespace.mjs';
import { run, startBackground } from './processes.mjs';

export const vethLabAddresses = Object.freeze({
  scannerInterface: 'bs0',
  targetsInterface: 'bt0',
  scannerMac: '02:be:00:00:00:01',
  targetsMac: '02:be:00:00:00:02',
  scannerV4: '198.19.255.1',
  targetsV4: '198.19.255.2',
  spareSourceV4: '198.19.255.3',
  scannerV6: '2001:db8:ffff::1',
  targetsV6: '2001:db8:ffff::2',
  spareSourceV6: '2001:db8:ffff::3',
  anyIpV4: '198.18.0.0/16',
  anyIpV6: '2001:db8::/64',
});

/**
 * Builds the lab. Returns { scanner, targets, addresses, close() }, where scanner
 * and targets are namespaces from createNamespace().
 */
export async function createVethLab() {
  const a = vethLabAddresses;
  const scanner = await createNamespace('scanner');
  let targets;
  let trickle;
  try {
    targets = await createNamespace('targets');
    await run(['ip', 'link', 'add', a.scannerInterface, 'netns', String(scanner.pid), 'type', 'veth',
      'peer', 'name', a.targetsInterface, 'netns', String(targets.pid)], { check: true });
    await scanner.sh(`
      ip link set ${a.scannerInterface} address ${a.scannerMac}
      ip addr add ${a.scannerV4}/24 dev ${a.scannerInterface}
      ip -6 addr add ${a.scannerV6}/64 dev ${a.scannerInterface} nodad
      ip link set ${a.scannerInterface} up
      ip route add ${a.anyIpV4} via ${a.targetsV4}
      ip -6 route add ${a.anyIpV6} via ${a.targetsV6}
      ip neigh replace ${a.targetsV4} lladdr ${a.targetsMac} dev ${a.scannerInterface} nud permanent
      ip -6 neigh replace ${a.targetsV6} lladdr ${a.targetsMac} dev ${a.scannerInterface} nud permanent
    `);
    await targets.sh(`
      ip link set ${a.targetsInterface} address ${a.targetsMac}
      ip addr add ${a.targetsV4}/24 dev ${a.targetsInterface}
      ip -6 addr add ${a.targetsV6}/64 dev ${a.targetsInterface} nodad
      ip link set ${a.targetsInterface} up
      ip route add local ${a.anyIpV4} dev lo
      ip -6 route add local ${a.anyIpV6} dev lo
      ip neigh replace ${a.scannerV4} lladdr ${a.scannerMac} dev ${a.targetsInterface} nud permanent
      ip neigh replace ${a.spareSourceV4} lladdr ${a.scannerMac} dev ${a.targetsInterface} nud permanent
      ip -6 neigh replace ${a.scannerV6} lladdr ${a.scannerMac} dev ${a.targetsInterface} nud permanent
      ip -6 neigh replace ${a.spareSourceV6} lladdr ${a.scannerMac} dev ${a.targetsInterface} nud permanent
      sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535
    `);
    await scanner.sh('sysctl -qw net.core.somaxconn=65535 net.ipv4.tcp_max_syn_backlog=65535');
    // masscan 1.3.2 can block at exit on a silent wire (peer-lab.md): a trickle of
    // UDP datagrams (10/s, to the spare address, dropped by the scanner's kernel) wakes it.
    trickle = startBackground(targets.wrap([process.execPath, '-e', `
      const s = require('node:dgram').createSocket('udp4');
      setInterval(() => s.send('t', 9, '${a.spareSourceV4}'), 100);
      setTimeout(() => process.exit(0), 3 * 3600 * 1000);
    `]));
  } catch (error) {
    trickle?.stop();
    targets?.close();
    scanner.close();
    throw error;
  }
  return {
    scanner,
    targets,
    addresses: a,
    /**
     * The scanner's side of the link goes down and comes up again with no
     * neighbour entry for the targets side: the next packets wait for ARP/NDP,
     * as on a link that just came up (routes are re-added: going down drops them).
     */
    async resetLink() {
      await scanner.sh(`
        ip link set ${a.scannerInterface} down
        ip neigh flush dev ${a.scannerInterface}
        ip -6 neigh flush dev ${a.scannerInterface}
        ip link set ${a.scannerInterface} up
        ip addr replace ${a.scannerV4}/24 dev ${a.scannerInterface}
        ip -6 addr replace ${a.scannerV6}/64 dev ${a.scannerInterface} nodad
        ip route replace ${a.anyIpV4} via ${a.targetsV4}
        ip -6 route replace ${a.anyIpV6} via ${a.targetsV6}
      `);
    },
    /** The permanent neighbour entries of createVethLab() again (no resolution before a packet). */
    async pinNeighbours() {
      await scanner.sh(`
        ip neigh replace ${a.targetsV4} lladdr ${a.targetsMac} dev ${a.scannerInterface} nud permanent
        ip -6 neigh replace ${a.targetsV6} lladdr ${a.targetsMac} dev ${a.scannerInterface} nud permanent
      `);
    },
    close() {
      trickle.stop();
      targets.close();
      scanner.close();
    },
  };
}
