// The planned probes of one sweep, shared by its worker threads: the target
// cursor and the completion window (both single-threaded) behind one mutex,
// taken once per block of probes and once per delivered batch. Publishes the
// resume watermark (stats.watermark) as probes finish.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "completion_window.h"
#include "probe_engine.h"

namespace portpick {

class SharedCursor {
 public:
  SharedCursor(TargetCursor& targets, SweepStats& stats) : targets_(targets), stats_(stats), window_(stats.watermark.load()) {}

  // Appends up to `max` new probes to `out` (each a value with `target`,
  // `ticket` and `tries`: tries 0, ticket set); false when the plan is exhausted.
  template <typename Out>
  bool take(Out& out, size_t max) {
    std::lock_guard<std::mutex> lock(mutex_);
    size_t taken = 0;
    while (taken < max && !exhausted_) {
      typename Out::value_type probe;
      if (!targets_.next(probe.target)) {
        exhausted_ = true;
        break;
      }
      probe.ticket = window_.pull(probe.target.position);
      probe.tries = 0;
      out.push_back(probe);
      ++taken;
    }
    return taken > 0;
  }

  // Marks `tickets` finished (their results are in the sink already), publishes
  // the watermark and empties `tickets`; under the lock, so the watermark never
  // moves backwards.
  void finish(std::vector<uint64_t>& tickets) {
    if (tickets.empty()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    for (uint64_t t : tickets) window_.finish(t);
    stats_.watermark.store(window_.watermark(), std::memory_order_release);
    tickets.clear();
  }

 private:
  std::mutex mutex_;
  TargetCursor& targets_;
  SweepStats& stats_;
  CompletionWindow window_;
  bool exhausted_ = false;
};

}  // namespace portpick
