#include "syn_timing.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace portpick {
namespace {

// The /24 or /64 of an address: its first 3 or 8 bytes as one number (the
// family is compared apart).
uint64_t prefix_key(const Address& a) {
  uint64_t key = 0;
  std::memcpy(&key, a.bytes.data(), a.family == 4 ? 3 : 8);
  return key;
}

// Every send and every answer look their prefix up: one multiply (Fibonacci
// hashing: the product's top bits depend on every bit of the key).
size_t slot_of(uint64_t key, uint8_t family) {
  static_assert(DestinationTiming::kPrefixes == size_t{1} << 12, "slot_of() takes the product's top 12 bits");
  return static_cast<size_t>(((key ^ family) * 0x9e3779b97f4a7c15ull) >> 52);
}

}  // namespace

DestinationTiming::DestinationTiming(uint32_t timeout_ms)
    : min_ns_(static_cast<int64_t>(std::min(kMinWaitMs, std::max<uint32_t>(timeout_ms, 1))) * 1'000'000),
      max_ns_(static_cast<int64_t>(std::max<uint32_t>(timeout_ms, 1)) * 1'000'000),
      sweep_(std::max<uint32_t>(timeout_ms, 1), std::min(kMinWaitMs, std::max<uint32_t>(timeout_ms, 1)),
             std::max<uint32_t>(timeout_ms, 1)),
      prefixes_(kPrefixes) {}

const DestinationTiming::Prefix* DestinationTiming::find(const Address& destination) const {
  const uint64_t key = prefix_key(destination);
  const Prefix& p = prefixes_[slot_of(key, destination.family)];
  if (p.samples == 0 || p.family != destination.family || p.key != key) return nullptr;
  return &p;
}

void DestinationTiming::sample(const Address& destination, int64_t rtt_ns) {
  sweep_.sample(rtt_ns);
  const double r = static_cast<double>(std::max<int64_t>(rtt_ns, 0));
  const uint64_t key = prefix_key(destination);
  Prefix& p = prefixes_[slot_of(key, destination.family)];
  if (p.samples == 0 || p.family != destination.family || p.key != key) {
    p.family = destination.family;
    p.key = key;
    p.samples = 1;
    p.srtt_ns = r;
    p.rttvar_ns = r / 2;
    return;
  }
  const double delta = r - p.srtt_ns;
  p.srtt_ns += delta / 8;
  p.rttvar_ns += (std::fabs(delta) - p.rttvar_ns) / 4;
  if (p.samples < 0xffffffffu) ++p.samples;
}

int64_t DestinationTiming::clamp(double wait_ns) const {
  return std::clamp(static_cast<int64_t>(wait_ns), min_ns_, max_ns_);
}

int64_t DestinationTiming::retry_wait_ns(const Address& destination) const {
  if (const Prefix* p = find(destination)) return clamp(p->srtt_ns + 4 * p->rttvar_ns);
  return sweep_.has_samples() ? sweep_.timeout_ns() : max_ns_;
}

int64_t DestinationTiming::final_wait_ns(const Address&) const { return max_ns_; }

}  // namespace portpick
