// The launch-rate cap of a connect sweep under congestion (AIMD), shared by its
// worker threads. A probe answered only on a later try, or after the kernel
// retransmitted its SYN, proves a SYN was lost — on loopback and AnyIP
// typically a listener whose accept queue overflowed. Losses are judged per
// window of kLossWindowNs: sparse random loss (below kCongestionLossShare of
// the probes completed in the window) is left to retries, since slowing down
// would not reduce it and would only stretch the sweep; a burst (an
// overflowing accept queue, a path that drops above some rate) crosses it at
// once. The sweep then gets a cap of half the rate that caused the loss, held
// for kLossHoldNs, then raised by kRateGrowFactor every kRateGrowIntervalNs
// until it no longer binds (it is lifted at kRateCapLift). Thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>

namespace portpick {

class CongestionCap {
 public:
  static constexpr double kMinRateCap = 1000;
  static constexpr int64_t kLossHoldNs = 1'000'000'000;
  static constexpr int64_t kRateGrowIntervalNs = 100'000'000;
  static constexpr int64_t kLossWindowNs = 200'000'000;
  static constexpr double kCongestionLossShare = 0.05;
  static constexpr double kRateGrowFactor = 1.1;
  static constexpr double kRateCapLift = 1e6;

  // A probe was answered on try `answered_try` (1-based) after a loss.
  // `completed`: the sweep's probes completed so far; `current_rate`: its
  // launch rate over the last interval.
  void on_loss(int64_t now, uint8_t answered_try, uint64_t completed, double current_rate);

  // The sweep-wide launch-rate cap (probes/s), 0 = none; raised while no loss is seen.
  double rate_cap(int64_t now);

  // Highest try (1-based) that was ever answered after a loss; 0 = none.
  uint8_t max_answered_try() const { return max_answered_try_.load(std::memory_order_relaxed); }

 private:
  std::mutex mutex_;
  std::atomic<double> rate_cap_{0};
  std::atomic<int64_t> last_change_ns_{0};
  std::atomic<uint8_t> max_answered_try_{0};
  // Guarded by mutex_: the last decrease and the loss-judging window.
  int64_t last_decrease_ns_ = 0;
  int64_t window_start_ns_ = 0;
  uint64_t window_start_completed_ = 0;
  uint64_t window_losses_ = 0;
};

}  // namespace portpick
