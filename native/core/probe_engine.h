// The one interface every probe mode implements (connect, SYN), in the manner
// of zmap's probe modules: the binding picks an engine, hands it a cursor over
// the planned probes, and receives every result through a ResultSink.
#pragma once

#include <atomic>
#include <string>
#include <utility>
#include <vector>

#include "sweep_types.h"

namespace portpick {

// Yields the planned probes of one sweep (one shard, minus resumed positions)
// in permuted order. Not thread-safe: one engine thread pulls from it.
class TargetCursor {
 public:
  virtual ~TargetCursor() = default;
  // Fills `out` with the next probe; false when the plan is exhausted.
  virtual bool next(ProbeTarget& out) = 0;
  // How many probes this cursor yields in all (for stats.planned and ETA).
  virtual uint64_t total() const = 0;
  // False when no probe of this cursor goes to an address of `family` (4 or 6):
  // an engine may then skip that family's sockets. True when unknown.
  virtual bool includes_family(uint8_t family) const {
    (void)family;
    return true;
  }
};

// Outcome of ProbeEngine::run: errno_value 0 means it ran to the end (or was stopped).
struct EngineOutcome {
  EngineOutcome() = default;
  EngineOutcome(int error, std::string failed_call, const char* failure_hint, std::string text)
      : errno_value(error), syscall(std::move(failed_call)), hint(failure_hint), message(std::move(text)) {}
  int errno_value = 0;
  std::string syscall;  // the system call (or library call) that failed
  std::string hint;     // a failure_hint value (boundary.h)
  std::string message;  // what failed, when errno_value != 0
  // Source addresses the engine chose (SYN: per destination, as the kernel
  // would; empty when the kernel chose them per connection): the distinct ones
  // other than the targets themselves, and how many probes left from their
  // target's own address (a target on a local route).
  std::vector<Address> sources;
  uint64_t self_sourced = 0;
};

class ProbeEngine {
 public:
  virtual ~ProbeEngine() = default;
  // Runs on the calling thread (the binding gives it a thread of its own) until
  // every probe has a result or `stop` becomes true. Every probe pulled from the
  // cursor gets exactly one result through `sink`, except those abandoned on stop.
  // Updates `stats` as it goes (stats.watermark: every position below it has a result).
  virtual EngineOutcome run(TargetCursor& targets, const EngineOptions& options, ResultSink& sink,
                            SweepStats& stats, const std::atomic<bool>& stop) = 0;
};

}  // namespace portpick
