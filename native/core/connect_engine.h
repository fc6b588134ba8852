// The TCP connect engine: any user, no privilege. Non-blocking sockets on epoll,
// driven by the calling thread (the binding gives it a thread of its own) plus,
// with ≥ 2 cores, a window ≥ 128 and no rate ceiling below 20,000/s, a second
// worker thread: each takes blocks of probes from the shared cursor and owns half
// the window and half the rate; one shared completion window keeps the resume
// watermark exact. A SYN proven lost (a probe answered only on a retry, or after
// the kernel's own SYN retransmission) caps the launch rate (AIMD) and earns
// silent probes up to 6 tries, so an overflowing accept queue costs time, not recall.
//
// States: what each connect() outcome decides comes from the one table both
// connect engines use (connect_outcomes.h; written in src/scan/connect-outcomes.ts):
// decided outcomes are a port state, silent ones are tried again while tries
// remain and end filtered (timeout), deferred ones (local resource shortages:
// EMFILE, EADDRNOTAVAIL …) are never a port state — the probe is re-queued
// without using up a try, stats.local_deferrals counts it and the window
// shrinks — and any other outcome stops the sweep with an error. A loopback
// self-connect (source == destination) is detected and re-queued the same way.
//
// Window: options.window probes in flight, or, when 0, min(RLIMIT_NOFILE hard
// limit − reserve, 20000) after raising the soft limit. Closing uses
// SO_LINGER {1, 0} on connected sockets: an RST, no TIME_WAIT pile-up.
//
// Parts: this file starts the workers and splits the window and the rate
// between them; connect_run.h is one worker (its sockets, epoll, deadlines,
// retries, and its pacing on rate_control.h's TokenBucket); what they share is
// the cursor and completion window (shared_cursor.h), the first failure
// (error_latch.h) and the congestion cap (congestion_cap.h).
#pragma once

#include <cstdint>
#include <memory>

#include "connect_outcomes.h"
#include "probe_engine.h"

namespace portpick {

// `outcomes`: what each connect() outcome decides (must not be empty).
std::unique_ptr<ProbeEngine> make_connect_engine(ConnectOutcomeTable outcomes);

// The automatic window for a descriptor hard limit (exposed for self-tests).
uint32_t automatic_connect_window(uint64_t descriptor_hard_limit);

}  // namespace portpick
