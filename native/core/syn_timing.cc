#include "syn_timing.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace portpick {
namespace {

// The /24 or /64 of an address: family and its first 3 or 8 bytes.
void prefix_key(const Address& a, uint8_t key[8]) {
  std::memset(key, 0, 8);
  std::memcpy(key, a.bytes.data(), a.family == 4 ? 3 : 8);
}

uint32_t slot_of(const Address& a) {
  uint8_t key[8];
  prefix_key(a, key);
  uint32_t h = 2166136261u ^ a.family;
  for (uint8_t b : key) h = (h ^ b) * 16777619u;
  h ^= h >> 13;
  return h & (DestinationTiming::kPrefixes - 1);
}

}  // namespace

DestinationTiming::DestinationTiming(uint32_t timeout_ms)
    : min_ns_(static_cast<int64_t>(std::min(kMinWaitMs, std::max<uint32_t>(timeout_ms, 1))) * 1'000'000),
      max_ns_(static_cast<int64_t>(std::max<uint32_t>(timeout_ms, 1)) * 1'000'000),
      sweep_(std::max<uint32_t>(timeout_ms, 1), std::min(kMinWaitMs, std::max<uint32_t>(timeout_ms, 1)),
             std::max<uint32_t>(timeout_ms, 1)),
      prefixes_(kPrefixes) {}

const DestinationTiming::Prefix* DestinationTiming::find(const Address& destination) const {
  const Prefix& p = prefixes_[slot_of(destination)];
  uint8_t key[8];
  prefix_key(destination, key);
  if (p.samples == 0 || p.family != destination.family || std::memcmp(p.key, key, 8) != 0) return nullptr;
  return &p;
}

void DestinationTiming::sample(const Address& destination, int64_t rtt_ns) {
  sweep_.sample(rtt_ns);
  const double r = static_cast<double>(std::max<int64_t>(rtt_ns, 0));
  Prefix& p = prefixes_[slot_of(destination)];
  uint8_t key[8];
  prefix_key(destination, key);
  if (p.samples == 0 || p.family != destination.family || std::memcmp(p.key, key, 8) != 0) {
    p.family = destination.family;
    std::memcpy(p.key, key, 8);
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
