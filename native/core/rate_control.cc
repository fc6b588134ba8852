#include "rate_control.h"

#include <algorithm>
#include <cmath>

namespace portpick {

void TokenBucket::set_rate(double rate, double burst, int64_t now_ns) {
  refill(now_ns);
  rate_ = std::isfinite(rate) ? rate : 0;
  burst_ = std::max(1.0, burst);
  tokens_ = std::min(tokens_, burst_);
}

void TokenBucket::refill(int64_t now_ns) {
  if (last_ns_ != 0 && rate_ > 0 && now_ns > last_ns_) {
    tokens_ = std::min(burst_, tokens_ + rate_ * static_cast<double>(now_ns - last_ns_) * 1e-9);
  }
  last_ns_ = now_ns;
}

uint32_t TokenBucket::take(int64_t now_ns, uint32_t wanted) {
  if (rate_ <= 0) return wanted;
  refill(now_ns);
  const uint32_t available = static_cast<uint32_t>(std::min<double>(tokens_, wanted));
  tokens_ -= available;
  return available;
}

int64_t TokenBucket::wait_ns(int64_t now_ns) const {
  if (rate_ <= 0) return 0;
  double tokens = tokens_;
  if (now_ns > last_ns_) tokens += rate_ * static_cast<double>(now_ns - last_ns_) * 1e-9;
  if (tokens >= 1) return 0;
  return static_cast<int64_t>((1 - tokens) / rate_ * 1e9) + 1;
}

AdaptiveRate::AdaptiveRate(double ceiling) : ceiling_(ceiling > 0 ? ceiling : INFINITY) {
  rate_ = std::min(ceiling_, kInitialRate);
}

void AdaptiveRate::on_answer(bool retransmitted, int64_t lost_try_ns, double lost_try_rate, int64_t now_ns) {
  loss_ewma_ += ((retransmitted ? 1.0 : 0.0) - loss_ewma_) / 256;
  if (!retransmitted || loss_ewma_ < kLossTolerance) return;
  if (lost_try_ns < last_decrease_ns_) return;  // this episode was already answered
  rate_ = std::max(kMinimumRate, std::min(rate_, lost_try_rate) * 0.5);
  last_decrease_ns_ = now_ns;
  slow_start_ = false;
}

void AdaptiveRate::on_local_congestion(double achieved_rate, int64_t now_ns) {
  rate_ = std::max(kMinimumRate, std::min(rate_, achieved_rate * 0.9));
  last_decrease_ns_ = now_ns;
}

void AdaptiveRate::tick(int64_t now_ns, double achieved_rate, int64_t srtt_ns, int64_t hold_ns) {
  const int64_t interval = std::clamp<int64_t>(2 * srtt_ns, kMinIntervalNs, kMaxIntervalNs);
  if (last_adjust_ns_ == 0) last_adjust_ns_ = now_ns;
  if (now_ns - last_adjust_ns_ < interval) return;
  last_adjust_ns_ = now_ns;
  // Hold after a decrease until its effect can be seen (one reply timeout).
  if (last_decrease_ns_ != 0 && now_ns - last_decrease_ns_ < std::max(hold_ns, 4 * interval)) return;
  // Never run far ahead of what the sender really achieves (CPU-bound path):
  // otherwise a later decrease would take many halvings to bite.
  if (rate_ > 2 * achieved_rate && rate_ > kInitialRate) return;
  const double next = slow_start_ ? rate_ * 2 : rate_ + std::max(500.0, rate_ / 32);
  rate_ = std::min(ceiling_, next);
}

RttEstimator::RttEstimator(uint32_t initial_timeout_ms, uint32_t min_timeout_ms, uint32_t max_timeout_ms)
    : min_ns_(static_cast<int64_t>(min_timeout_ms) * 1'000'000),
      max_ns_(static_cast<int64_t>(max_timeout_ms) * 1'000'000),
      timeout_ns_(static_cast<int64_t>(initial_timeout_ms) * 1'000'000) {}

void RttEstimator::sample(int64_t rtt_ns) {
  const double r = static_cast<double>(std::max<int64_t>(rtt_ns, 0));
  if (samples_++ == 0) {
    srtt_ = r;
    rttvar_ = r / 2;
  } else {
    const double delta = r - srtt_;
    srtt_ += delta / 8;
    rttvar_ += (std::fabs(delta) - rttvar_) / 4;
  }
  const auto t = static_cast<int64_t>(srtt_ + 4 * rttvar_);
  timeout_ns_ = std::clamp(t, min_ns_, max_ns_);
}

}  // namespace portpick
