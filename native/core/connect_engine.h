// The TCP connect engine: any user, no privilege. Non-blocking sockets on one
// epoll instance, driven by the calling thread (the binding gives it a thread
// of its own).
//
// States (see /work/shared/notes/peers.md §3 for nmap's choices):
//   connected                       → open        (reason connected)
//   ECONNREFUSED / ECONNRESET       → closed      (refused)
//   EHOSTUNREACH / EHOSTDOWN        → unreachable (host unreachable)
//   ENETUNREACH / ENETDOWN          → unreachable (net unreachable)
//   EACCES / EPERM                  → filtered    (administratively prohibited)
//   silent after 1 + retries tries  → filtered    (timeout)
// Local resource errors (EMFILE, ENFILE, EADDRNOTAVAIL, ENOBUFS, ENOMEM, EAGAIN)
// are never a port state: the probe is re-queued, stats.local_deferrals counts
// it and the window shrinks. A loopback self-connect (source == destination) is
// detected and retried the same way.
//
// Window: options.window probes in flight, or, when 0, min(RLIMIT_NOFILE hard
// limit − reserve, 20000) after raising the soft limit. Closing uses
// SO_LINGER {1, 0} on connected sockets: an RST, no TIME_WAIT pile-up.
#pragma once

#include <cstdint>
#include <memory>

#include "probe_engine.h"

namespace portpick {

std::unique_ptr<ProbeEngine> make_connect_engine();

// The automatic window for a descriptor hard limit (exposed for self-tests).
uint32_t automatic_connect_window(uint64_t descriptor_hard_limit);

}  // namespace portpick
