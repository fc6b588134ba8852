#!/bin/sh
# The container's `portpick` command. SYN mode needs CAP_NET_RAW, which
# node-net-raw (a copy of node) carries as a file capability; the kernel refuses
# to start such a file when the container's capability bounding set lacks
# NET_RAW, so that copy runs only when the container was granted NET_RAW
# (bit 13 of CapBnd), and plain node otherwise (connect scans, port choice).
bounding=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
node=node
if [ -n "$bounding" ] && [ $(( (0x$bounding >> 13) & 1 )) -eq 1 ]; then
  node=/usr/local/lib/portpick/node-net-raw
fi
exec "$node" "/opt/portpick/$(cat /usr/local/lib/portpick/bin)" "$@"
