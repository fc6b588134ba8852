#!/bin/sh
# Builds the test lab inside the private namespace, then runs the command.
# Every address below exists only in this namespace (see test/lab.ts for the map):
#   198.18.0.0/16      AnyIP on lo: every address is a live host
#   198.19.0.0/16      AnyIP on lo, parts of it firewalled by nftables:
#     198.19.0.0/24      every TCP SYN dropped (silent, "filtered" hosts)
#     198.19.1.0/24      1 % of TCP SYNs dropped at random
#     198.19.2.0/24      TCP SYNs above 20,000/s dropped
#   203.0.113.0/24     unreachable route (EHOSTUNREACH at once)
#   2001:db8::/64      IPv6 AnyIP on lo
#   2001:db8:0:1::/64  IPv6 AnyIP on lo, every TCP SYN dropped
set -eu
ip link set lo up
ip route add local 198.18.0.0/16 dev lo
ip route add local 198.19.0.0/16 dev lo
ip route add unreachable 203.0.113.0/24
ip -6 route add local 2001:db8::/64 dev lo 2>/dev/null || true
ip -6 route add local 2001:db8:0:1::/64 dev lo 2>/dev/null || true
export PORTPICK_LAB=1
if command -v nft >/dev/null 2>&1 && nft -f - <<'NFT' 2>/dev/null
table inet lab {
  chain in {
    type filter hook input priority 0;
    ip daddr 198.19.0.0/24 tcp flags & (syn|ack) == syn drop
    ip daddr 198.19.1.0/24 tcp flags & (syn|ack) == syn numgen random mod 100 0 drop
    ip daddr 198.19.2.0/24 tcp flags & (syn|ack) == syn limit rate over 20000/second drop
    ip6 daddr 2001:db8:0:1::/64 tcp flags & (syn|ack) == syn drop
  }
}
NFT
then
  export PORTPICK_LAB_NFT=1
else
  echo "portpick: nftables is not available in the test namespace; filtered/loss scenarios are skipped (apt-get install nftables)." >&2
fi
exec "$@"
