// Whether the kernel can send to a destination's next hop right now: the
// neighbour entry (ARP for IPv4, NDP for IPv6) of the gateway, or of the
// destination itself on a directly connected network. Asked over rtnetlink
// (RTM_GETROUTE for the next hop, RTM_GETNEIGH for its entry; no privilege).
//
// Why: until an entry is resolved the kernel queues only a few packets for it
// and drops the rest of a burst without telling the sender (syn_engine.cc's
// warm-up waits for it).
#pragma once

#include "sweep_types.h"

namespace portpick {

enum class NextHopState {
  Ready,    // resolved (or no resolution needed: local, loopback, point-to-point)
  Pending,  // resolution under way
  Failed,   // resolution failed (no answer to ARP/NDP)
  Unknown,  // could not be asked (no route, netlink refused): treat as ready
};

NextHopState next_hop_state(const Address& destination);

}  // namespace portpick
