// The benchmark scenarios of issue 5. Each names where it runs (loopback inside
// the scanner namespace, or across the veth pair), its targets, which ports are
// swept, which are open (ground truth from the bench's own listeners), and the
// nftables filters on the targets side. Quick mode shrinks the AnyIP block from a
// /16 to a /22 (IPv6 from a /112 to a /118, the silent part from a /18 to a /26)
// so the whole run stays under 3 minutes.
import { seededPorts } from './lab/ground-truth.mjs';

const ALL_PORTS = '1-65535';
const LISTENERS_ALL_PORTS = 30;
const LISTENERS_MULTI_HOST = 10;

function sized(quick) {
  return quick
    ? { block: '198.18.0.0/22', silentPart: '198.18.3.192/26', silentLabel: 'a /26', block6: '2001:db8::/118', label: '/22', label6: '/118', addresses: 1024 }
    : { block: '198.18.0.0/16', silentPart: '198.18.192.0/18', silentLabel: 'a quarter', block6: '2001:db8::/112', label: '/16', label6: '/112', addresses: 65536 };
}

/** All scenarios for one bench run; `seed` picks the open ports. */
export function buildScenarios({ quick, seed }) {
  const size = sized(quick);
  const allPortsOpen = seededPorts(LISTENERS_ALL_PORTS, seed, { min: 1, max: 65535, avoid: [9] });
  const multiHostOpen = seededPorts(LISTENERS_MULTI_HOST, seed + 1, { min: 1024, max: 32767 });
  const multiHostScanned = multiHostOpen; // 10 ports, all open on every live address
  const multiHost = (name, description, extra) => ({
    name,
    description,
    where: 'veth',
    family: 4,
    targets: [size.block],
    blocks: [size.block],
    silent: [],
    filters: [],
    openPorts: multiHostOpen,
    ports: multiHostScanned,
    portSpec: multiHostScanned.join(','),
    portCount: multiHostScanned.length,
    addressCount: size.addresses,
    listenerHost: '::',
    ...extra,
  });
  const scenarios = [
    {
      name: 'loopback-all',
      description: '127.0.0.1, all 65,535 ports, 30 listeners, loopback',
      where: 'loopback',
      family: 4,
      targets: ['127.0.0.1'],
      blocks: ['127.0.0.1/32'],
      silent: [],
      filters: [],
      openPorts: allPortsOpen,
      ports: null,
      portSpec: ALL_PORTS,
      portCount: 65535,
      addressCount: 1,
      listenerHost: '127.0.0.1',
    },
    {
      name: 'veth-all',
      description: '198.18.0.1, all 65,535 ports, 30 listeners, over the veth pair',
      where: 'veth',
      family: 4,
      targets: ['198.18.0.1'],
      blocks: ['198.18.0.1/32'],
      silent: [],
      filters: [],
      openPorts: allPortsOpen,
      ports: null,
      portSpec: ALL_PORTS,
      portCount: 65535,
      addressCount: 1,
      listenerHost: '::',
    },
    multiHost('anyip', `AnyIP ${size.label} × 10 ports over the veth pair`, {}),
    multiHost('silent', `AnyIP ${size.label} × 10 ports, ${size.silentLabel} (${size.silentPart}) drops every SYN`, {
      silent: [size.silentPart],
      filters: [{ kind: 'silent', prefix: size.silentPart }],
    }),
    multiHost('loss', `AnyIP ${size.label} × 10 ports, 1 % of SYNs dropped at random (forward path); each tool's first run on a link just up`, {
      filters: [{ kind: 'loss', prefix: size.block, lossPercent: 1 }],
      freshLink: true,
    }),
    multiHost('return-loss', `AnyIP ${size.label} × 10 ports, 1 % of packets target → scanner dropped (return path); each tool's first run on a link just up`, {
      filters: [{ kind: 'return-loss', prefix: size.block, lossPercent: 1 }],
      freshLink: true,
    }),
    multiHost('rate-limit', `AnyIP ${size.label} × 10 ports, SYNs above 20,000/s dropped`, {
      filters: [{ kind: 'rate-limit', prefix: size.block, ratePerSecond: 20_000 }],
    }),
    multiHost('ipv6', `IPv6 AnyIP ${size.label6} × 10 ports over the veth pair`, {
      family: 6,
      targets: [size.block6],
      blocks: [size.block6],
    }),
  ];
  for (const scenario of scenarios) scenario.quick = quick;
  return scenarios;
}

/** Scenarios run by `--quick` when no --scenario is given. */
export const QUICK_SCENARIOS = ['loopback-all', 'veth-all', 'anyip', 'ipv6', 'silent'];
