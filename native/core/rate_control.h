// Pacing and timing of the engines:
// - TokenBucket: the sending rate in effect (probes/s) with a small burst; both
//   engines pace their launches with it.
// - AdaptiveRate (the SYN engine): the rate in effect under the --rate ceiling, and the burst (how
//   many SYNs may leave back to back). Slow start (doubling per interval) until the
//   first loss, then additive increase; on loss the rate drops to half (of the rate in
//   effect, or of the rate at which the lost try was sent if lower: that undoes a
//   slow-start overshoot at once). The burst is ~200 µs worth of the rate, because
//   policers with small buckets (e.g. nftables `limit`, burst 5 packets) drop
//   micro-bursts even below their rate. A loss is a probe answered on a retransmission (its earlier try vanished,
//   as in nmap's timing.cc); random loss below kLossTolerance of answers (a slow
//   moving average) does not slow the sweep down. Only a loss of a try sent after the
//   last decrease counts, so one episode causes one decrease (its effect is seen
//   one timeout later, and the rate is held that long).
// - RttEstimator: srtt/rttvar as in RFC 6298 / nmap timing.cc; timeout = srtt + 4·rttvar, clamped.
#pragma once

#include <algorithm>
#include <cstdint>

namespace portpick {

class TokenBucket {
 public:
  // rate ≤ 0 means unlimited; `burst` = tokens that may accumulate (≥ 1).
  void set_rate(double rate, double burst, int64_t now_ns);
  // Makes `tokens` available now (at most the burst), e.g. one when pacing
  // begins mid-sweep, so that the next probe need not wait a whole interval.
  void set_tokens(double tokens) { tokens_ = std::min(burst_, tokens); }
  // Takes up to `wanted` tokens; returns how many were available.
  uint32_t take(int64_t now_ns, uint32_t wanted);
  // Returns tokens taken but not used.
  void give_back(uint32_t unused) { tokens_ = std::min(burst_, tokens_ + unused); }
  // Nanoseconds until at least one token is available (0 when one is).
  int64_t wait_ns(int64_t now_ns) const;

 private:
  void refill(int64_t now_ns);
  double rate_ = 0;
  double tokens_ = 0;
  double burst_ = 1;
  int64_t last_ns_ = 0;
};

class AdaptiveRate {
 public:
  static constexpr double kInitialRate = 10000;
  static constexpr double kMinimumRate = 100;
  static constexpr double kLossTolerance = 0.05;
  static constexpr double kMaxBurst = 256;
  static constexpr double kBurstSeconds = 0.0002;
  // Above this rate, bursts may span kFastBurstSeconds: at 10⁵ SYNs/s and more, a
  // burst is one round of the sending loop, and longer rounds keep both sending
  // threads busy (the pacing at a few thousand per second is unchanged).
  static constexpr double kFastRate = 100000;
  static constexpr double kFastBurstSeconds = 0.0005;
  static constexpr int64_t kMinIntervalNs = 5'000'000;    // adjust at most every 5 ms …
  static constexpr int64_t kMaxIntervalNs = 200'000'000;  // … and at least every 200 ms

  // ceiling ≤ 0: no cap.
  explicit AdaptiveRate(double ceiling);
  double rate() const { return rate_; }
  // SYNs that may leave back to back (≥ 1).
  uint32_t burst() const {
    return static_cast<uint32_t>(std::clamp(rate_ * (rate_ >= kFastRate ? kFastBurstSeconds : kBurstSeconds), 1.0, kMaxBurst));
  }
  // One answered probe: `retransmitted` when it was answered on a try after the first;
  // the unanswered earlier try was sent at `lost_try_ns` with `lost_try_rate` in effect.
  void on_answer(bool retransmitted, int64_t lost_try_ns, double lost_try_rate, int64_t now_ns);
  // The sender could not keep up with the rate in effect (ENOBUFS or CPU bound).
  void on_local_congestion(double achieved_rate, int64_t now_ns);
  // Called often; adjusts at most once per interval (about one smoothed RTT, so a
  // change is seen before the next one). `achieved_rate` = what the sender actually did.
  // `hold_ns`: how long after a decrease before increasing again (the reply timeout).
  void tick(int64_t now_ns, double achieved_rate, int64_t srtt_ns, int64_t hold_ns);
  double loss_fraction() const { return loss_ewma_; }

 private:
  double ceiling_;
  double rate_;
  bool slow_start_ = true;
  double loss_ewma_ = 0;
  int64_t last_adjust_ns_ = 0;
  int64_t last_decrease_ns_ = 0;
};

class RttEstimator {
 public:
  RttEstimator(uint32_t initial_timeout_ms, uint32_t min_timeout_ms, uint32_t max_timeout_ms);
  void sample(int64_t rtt_ns);
  int64_t timeout_ns() const { return timeout_ns_; }
  int64_t srtt_ns() const { return static_cast<int64_t>(srtt_); }
  bool has_samples() const { return samples_ > 0; }

 private:
  double srtt_ = 0, rttvar_ = 0;
  uint64_t samples_ = 0;
  int64_t min_ns_, max_ns_, timeout_ns_;
};

}  // namespace portpick
