// The TCP SYN engine: raw sockets, a transmit and a receive thread, stateless
// reply validation with a keyed SYN cookie, retransmission of silent probes only,
// adaptive rate under a --rate ceiling. Needs CAP_NET_RAW.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "probe_engine.h"

namespace portpick {

struct SelfTestResult {
  std::string name;
  bool ok = false;
  std::string detail;
};

// True when this process may open raw sockets (CAP_NET_RAW, or root of its user namespace).
bool can_use_raw_sockets();

// Creates the SYN engine keyed by `seed` (cookies, source ports).
std::unique_ptr<ProbeEngine> make_syn_engine(uint64_t seed);

// Unprivileged self-tests of packet building, checksums and cookies.
std::vector<SelfTestResult> syn_selftests();

}  // namespace portpick
