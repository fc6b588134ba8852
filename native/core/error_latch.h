// The first failure of a sweep whose workers run on several threads: the first
// one reported is kept (later ones are its consequences), and failed() tells
// every worker to stop at its next turn. Thread-safe.
#pragma once

#include <atomic>
#include <mutex>
#include <utility>

#include "probe_engine.h"

namespace portpick {

class ErrorLatch {
 public:
  // Keeps `outcome` unless a failure is kept already; failed() is true from now on.
  void fail(EngineOutcome outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (outcome_.errno_value == 0) outcome_ = std::move(outcome);
    failed_.store(true, std::memory_order_relaxed);
  }

  bool failed() const { return failed_.load(std::memory_order_relaxed); }

  // The failure kept (errno_value 0: none).
  EngineOutcome outcome() {
    std::lock_guard<std::mutex> lock(mutex_);
    return outcome_;
  }

 private:
  std::mutex mutex_;
  EngineOutcome outcome_;
  std::atomic<bool> failed_{false};
};

}  // namespace portpick
