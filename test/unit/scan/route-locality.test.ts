import { describe, expect, it } from 'vitest';
import { parseIPv4, parseIPv6 } from '../../../src/scan/addresses.js';
import { countOutside, interfaceSubnets, localRanges, parseFibTrieLocal, parseIpv6RouteLocal } from '../../../src/scan/route-locality.js';

const v4 = (text: string): number => parseIPv4(text) as number;
const v6 = (text: string): bigint => parseIPv6(text) as bigint;

// /proc/net/fib_trie as this kernel writes it inside the test lab (AnyIP 198.18.0.0/16, an unreachable /24),
// plus a connected /24 and a default route via a gateway.
const FIB_TRIE = `Main:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
     +-- 127.0.0.0/8 2 0 2
        +-- 127.0.0.0/31 1 0 0
           |-- 127.0.0.0
              /8 host LOCAL
           |-- 127.0.0.1
              /32 host LOCAL
        |-- 127.255.255.255
           /32 link BROADCAST
     +-- 192.0.0.0/4 2 0 2
        +-- 198.51.100.0/24 2 0 2
           |-- 198.51.100.0
              /24 link UNICAST
           |-- 198.51.100.2
              /32 host LOCAL
           |-- 198.51.100.255
              /32 link BROADCAST
        |-- 198.18.0.0
           /16 host LOCAL
        |-- 203.0.113.0
           /24 universe UNREACHABLE
Local:
  +-- 0.0.0.0/0 3 0 5
     |-- 0.0.0.0
        /0 universe UNICAST
`;

const IPV6_ROUTE = `00000000000000000000000000000001 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 00000003 00000000 80200001       lo
20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000400 00000001 00000000 80000001       lo
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003     eth0
`;

describe('route locality', () => {
  it('reads the LOCAL routes of /proc/net/fib_trie (loopback, own addresses, AnyIP blocks), nothing else', () => {
    expect(parseFibTrieLocal(FIB_TRIE)).toEqual([
      { first: v4('127.0.0.0'), last: v4('127.255.255.255') },
      { first: v4('198.18.0.0'), last: v4('198.18.255.255') },
      { first: v4('198.51.100.2'), last: v4('198.51.100.2') },
    ]);
  });

  it('reads the RTF_LOCAL routes of /proc/net/ipv6_route', () => {
    expect(parseIpv6RouteLocal(IPV6_ROUTE)).toEqual([
      { first: 1n, last: 1n },
      { first: v6('2001:db8::'), last: v6('2001:db8::ffff:ffff:ffff:ffff') },
    ]);
  });

  it('takes the subnets of interface addresses as on-link', () => {
    const subnets = interfaceSubnets({
      eth0: [
        { address: '198.51.100.2', netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:01', internal: false, cidr: '198.51.100.2/24' },
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
      ],
      tun0: [{ address: '198.19.8.2', netmask: '255.255.255.255', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '198.19.8.2/32' }],
    });
    expect(subnets.ipv4).toEqual([
      { first: v4('198.19.8.2'), last: v4('198.19.8.2') },
      { first: v4('198.51.100.0'), last: v4('198.51.100.255') },
    ]);
    expect(subnets.ipv6).toEqual([{ first: v6('fe80::'), last: v6('fe80::ffff:ffff:ffff:ffff') }]);
  });

  it('counts targets outside the local ranges: a routed default is not local, a point-to-point link only its own address', () => {
    const local = localRanges({
      fibTrie: () => FIB_TRIE,
      ipv6Route: () => IPV6_ROUTE,
      interfaces: () => ({
        tun0: [{ address: '198.19.8.2', netmask: '255.255.255.255', family: 'IPv4', mac: '00:00:00:00:00:00', internal: false, cidr: '198.19.8.2/32' }],
      }),
    });
    const targets = [
      { first: v4('127.0.0.0'), last: v4('127.0.0.255') },
      { first: v4('198.18.0.0'), last: v4('198.18.1.255') },
      { first: v4('198.19.8.0'), last: v4('198.19.8.255') }, // one local address (tun0's own)
      { first: v4('203.0.113.0'), last: v4('203.0.113.255') },
    ];
    expect(countOutside(targets, local.ipv4)).toBe(255 + 256);
    expect(countOutside([{ first: v6('2001:db8::'), last: v6('2001:db8::ff') }, { first: v6('2001:db8:1::'), last: v6('2001:db8:1::f') }], local.ipv6)).toBe(16);
  });

  it('without the proc files (not Linux) only loopback and interface subnets count', () => {
    const local = localRanges({ fibTrie: () => '', ipv6Route: () => '', interfaces: () => ({}) });
    expect(local.ipv4).toEqual([{ first: v4('127.0.0.0'), last: v4('127.255.255.255') }]);
    expect(local.ipv6).toEqual([{ first: 1n, last: 1n }]);
  });
});
