// One worker of the TCP connect engine (connect_engine.h): non-blocking sockets
// on its own epoll, a share of the window and of the rate ceiling, probes taken
// in blocks from the cursor all workers share. What the workers share is
// ConnectShared; everything else is the worker's own.
#pragma once

#include <atomic>
#include <cstdint>

#include "congestion_cap.h"
#include "connect_outcomes.h"
#include "error_latch.h"
#include "probe_engine.h"
#include "shared_cursor.h"

namespace portpick {

// The smallest window a worker shrinks to under local shortages (and the
// smallest automatic window).
constexpr uint32_t kMinConnectWindow = 8;

// What the workers of one connect sweep share.
struct ConnectShared {
  ConnectShared(TargetCursor& targets, SweepStats& stats) : cursor(targets, stats) {}
  SharedCursor cursor;
  ErrorLatch errors;
  CongestionCap congestion;
};

// One worker's share of the sweep's limits.
struct WorkerLimits {
  uint32_t window = 0;   // probes in flight, ≥ 1
  double rate = 0;       // probes/s ceiling, 0 = none
  unsigned workers = 1;  // how many share the sweep (the congestion cap is split too)
};

// Runs one worker on the calling thread until the shared cursor is exhausted
// and its probes have results, `stop` becomes true, or a worker fails (the
// failure is in shared.errors). Results go to `sink` in batches. Throws only
// what allocation or the standard library throws (the results decided before
// are delivered first).
EngineOutcome run_connect_worker(ConnectShared& shared, const EngineOptions& options, const ConnectOutcomeTable& outcomes,
                                 WorkerLimits limits, ResultSink& sink, SweepStats& stats, const std::atomic<bool>& stop);

}  // namespace portpick
