// The TCP connect engine: any user, no privilege. Non-blocking sockets on epoll,
// driven by the calling thread (the binding gives it a thread of its own) plus,
// with ≥ 2 cores, a window ≥ 128 and no rate ceiling below 20,000/s, a second
// worker thread: each takes blocks of probes from the shared cursor and owns half
// the window and half the rate; one shared completion window keeps the resume
// watermark exact. A SYN proven lost (a probe answered only on a retry, or after
// the kernel's own SYN retransmission) caps the launch rate (AIMD) and earns
// silent probes up to 6 tries, so an overflowing accept queue costs time, not recall.
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

// The port state a connect() outcome (0 = connected, else an errno) decides, per
// the table above; false for outcomes that are no port state (timeouts, local
// resource errors, unexpected errors). Exposed for self-tests.
bool connect_outcome_state(int err, PortState& state, Reason& reason);

}  // namespace portpick
