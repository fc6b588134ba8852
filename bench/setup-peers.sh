#!/bin/sh
# Installs the benchmark's peer scanners and tools from Debian's own packages
# (nothing fetched from elsewhere): nmap, masscan, zmap, hping3 (calibration),
# nftables (lab filters), time (/usr/bin/time for peak RSS and CPU), iproute2.
# Run as root: sudo sh bench/setup-peers.sh
set -eu
if [ "$(id -u)" != 0 ]; then
  echo "setup-peers: run as root (sudo sh bench/setup-peers.sh)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-peers: apt-get not found; install nmap masscan zmap hping3 nftables time iproute2 with your system's package manager" >&2
  exit 1
fi
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
  nmap masscan zmap hping3 nftables time iproute2 util-linux
for tool in nmap masscan zmap hping3 nft /usr/bin/time ip unshare nsenter; do
  command -v "$tool" >/dev/null 2>&1 || echo "setup-peers: $tool still missing" >&2
done
echo "setup-peers: done; run the benchmark with: npm run bench -- --quick"
