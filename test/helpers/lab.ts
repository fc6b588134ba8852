/**
 * The test lab built by scripts/lab-setup.sh inside the private network namespace.
 * Every address here exists only in that namespace (../shared/SAFETY.md).
 */
export const lab = {
  /** True inside the namespace with the lab routes in place. */
  available: process.env.PORTPICK_LAB === '1',
  /** True when the nftables rules below are in place. */
  nft: process.env.PORTPICK_LAB_NFT === '1',
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

if (!lab.available) {
  console.warn('[portpick tests] not inside the private-namespace lab (run `npm test`): lab sweep tests are SKIPPED.');
}
