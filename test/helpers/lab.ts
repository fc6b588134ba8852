import { readFileSync } from 'node:fs';
import { required } from './required.js';

/**
 * The network interfaces of this process's namespace (from /proc/net/dev, which,
 * unlike /sys/class/net, always shows the reader's own namespace).
 */
export function namespaceInterfaces(): string[] {
  try {
    return readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((line) => line.split(':')[0]?.trim() ?? '')
      .filter((name) => name !== '');
  } catch {
    return [];
  }
}

/**
 * True when the namespace holds only `lo`: the lab's routes live on it, and any
 * other interface (a host's uplink, a leftover test veth) could carry a probe
 * somewhere real. Only then is the lab trusted.
 */
function onlyLoopback(): boolean {
  const interfaces = namespaceInterfaces();
  if (interfaces.length === 1 && interfaces[0] === 'lo') return true;
  console.warn(`[portpick tests] the test namespace holds ${interfaces.join(', ') || 'no interface'}, expected only lo: the lab is not trusted.`);
  return false;
}

/**
 * The test lab built by scripts/lab-setup.sh inside the private network namespace.
 * Every address here exists only in that namespace (README: Tests and network safety).
 */
export const lab = {
  /** True inside the namespace with the lab routes in place. */
  available: required(
    process.env.PORTPICK_LAB === '1' && onlyLoopback(),
    'the private-namespace lab (a namespace holding only lo)',
    'run the tests through `npm test`',
  ),
  /** True when the nftables rules below are in place. */
  nft: required(process.env.PORTPICK_LAB_NFT === '1', 'the lab’s nftables rules', 'apt-get install nftables'),
  /** AnyIP on lo: every address is a live host (listeners on 0.0.0.0 answer on all). */
  anyIpV4: '198.18.0.0/16',
  /** AnyIP, every TCP SYN dropped (filtered hosts). */
  silentV4: '198.19.0.0/24',
  /** AnyIP, 1 % of TCP SYNs dropped at random. */
  lossyV4: '198.19.1.0/24',
  /** AnyIP, TCP SYNs above 20,000/s dropped. */
  rateLimitedV4: '198.19.2.0/24',
  /** Unreachable route: EHOSTUNREACH at once. */
  unreachableV4: '203.0.113.0/24',
  /** IPv6 AnyIP on lo. */
  anyIpV6: '2001:db8::/64',
  /** IPv6 AnyIP, every TCP SYN dropped. */
  silentV6: '2001:db8:0:1::/64',
} as const;
