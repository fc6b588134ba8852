#include "congestion_cap.h"

#include <algorithm>

namespace portpick {

void CongestionCap::on_loss(int64_t now, uint8_t answered_try, uint64_t completed, double current_rate) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (answered_try > max_answered_try_.load(std::memory_order_relaxed)) {
    max_answered_try_.store(answered_try, std::memory_order_relaxed);
  }
  ++window_losses_;
  if (window_start_ns_ == 0) {
    window_start_ns_ = now;
    window_start_completed_ = completed;
  }
  if (now - window_start_ns_ < kLossWindowNs) return;
  const uint64_t done = completed - window_start_completed_;
  const double share = done > 0 ? static_cast<double>(window_losses_) / static_cast<double>(done) : 1.0;
  window_start_ns_ = now;
  window_start_completed_ = completed;
  window_losses_ = 0;
  if (share < kCongestionLossShare) return;  // random loss: retries recover it
  if (last_decrease_ns_ != 0 && now - last_decrease_ns_ < kLossHoldNs) return;  // one episode, one decrease
  const double cap = rate_cap_.load(std::memory_order_relaxed);
  const double base = cap > 0 && current_rate > 0 ? std::min(cap, current_rate) : (cap > 0 ? cap : current_rate);
  if (!(base > 0)) return;
  rate_cap_.store(std::max(kMinRateCap, base / 2), std::memory_order_relaxed);
  last_decrease_ns_ = now;
  last_change_ns_.store(now, std::memory_order_relaxed);
}

double CongestionCap::rate_cap(int64_t now) {
  double cap = rate_cap_.load(std::memory_order_relaxed);
  if (cap > 0 && now - last_change_ns_.load(std::memory_order_relaxed) >= kRateGrowIntervalNs) {
    std::lock_guard<std::mutex> lock(mutex_);
    cap = rate_cap_.load(std::memory_order_relaxed);
    if (cap > 0 && now - last_decrease_ns_ >= kLossHoldNs && now - last_change_ns_.load(std::memory_order_relaxed) >= kRateGrowIntervalNs) {
      cap = cap * kRateGrowFactor >= kRateCapLift ? 0 : cap * kRateGrowFactor;
      rate_cap_.store(cap, std::memory_order_relaxed);
      last_change_ns_.store(now, std::memory_order_relaxed);
    }
  }
  return cap;
}

}  // namespace portpick
