#include "sweep_plan.h"

#include <algorithm>

namespace portpick {

namespace {

uint64_t low64_be(const std::array<uint8_t, 16>& bytes) {
  uint64_t v = 0;
  for (int i = 8; i < 16; ++i) v = (v << 8) | bytes[i];
  return v;
}

uint64_t high64_be(const std::array<uint8_t, 16>& bytes) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | bytes[i];
  return v;
}

// 128-bit big-endian addition of a 64-bit offset, with carry.
std::array<uint8_t, 16> add_be(std::array<uint8_t, 16> bytes, uint64_t offset) {
  unsigned carry = 0;
  for (int i = 15; i >= 0; --i) {
    const unsigned sum = bytes[i] + static_cast<unsigned>(offset & 0xff) + carry;
    bytes[i] = static_cast<uint8_t>(sum);
    carry = sum >> 8;
    offset >>= 8;
    if (offset == 0 && carry == 0) break;
  }
  return bytes;
}

std::string hex6(const std::array<uint8_t, 16>& a) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 16; ++i) {
    s += digits[a[i] >> 4];
    s += digits[a[i] & 15];
    if (i % 2 == 1 && i != 15) s += ':';
  }
  return s;
}

}  // namespace

class PlanCursor final : public TargetCursor {
 public:
  explicit PlanCursor(std::shared_ptr<const SweepPlan> plan)
      : plan_(std::move(plan)), k_(plan_->start_position_) {}

  bool next(ProbeTarget& out) override {
    const SweepPlan& p = *plan_;
    const auto& skips = p.skip_positions_;
    while (k_ < p.shard_size_) {
      const uint64_t k = k_++;
      while (skip_index_ < skips.size() && skips[skip_index_] < k) ++skip_index_;
      if (skip_index_ < skips.size() && skips[skip_index_] == k) continue;
      p.target_of_global(p.shard_index_ + k * p.shard_count_, out);
      out.position = k;
      return true;
    }
    return false;
  }

  uint64_t total() const override { return plan_->planned_; }
  bool includes_family(uint8_t family) const override { return plan_->includes_family(family); }

 private:
  std::shared_ptr<const SweepPlan> plan_;
  uint64_t k_;
  size_t skip_index_ = 0;
};

std::shared_ptr<const SweepPlan> SweepPlan::build(const SweepPlanConfig& c, std::string& error) {
  if (c.ipv4_ranges.size() % 2 != 0) {
    error = "Expected ipv4Ranges to hold [first, last] pairs, got an odd length " +
            std::to_string(c.ipv4_ranges.size());
    return nullptr;
  }
  if (c.port_set.size() != 8192) {
    error = "Expected portSet to be 8192 bytes, got " + std::to_string(c.port_set.size());
    return nullptr;
  }
  if (c.shard_count == 0 || c.shard_index >= c.shard_count) {
    error = "Expected shardIndex < shardCount and shardCount ≥ 1, got shard " +
            std::to_string(c.shard_index) + " of " + std::to_string(c.shard_count);
    return nullptr;
  }
  std::vector<Range> ranges;
  uint64_t addresses = 0;
  for (size_t i = 0; i < c.ipv4_ranges.size(); i += 2) {
    const uint32_t first = c.ipv4_ranges[i];
    const uint32_t last = c.ipv4_ranges[i + 1];
    if (last < first) {
      error = "Expected IPv4 range first ≤ last, got " + std::to_string(first) + " > " + std::to_string(last);
      return nullptr;
    }
    Range r{4, {}, addresses, uint64_t{last} - first + 1};
    r.first[0] = static_cast<uint8_t>(first >> 24);
    r.first[1] = static_cast<uint8_t>(first >> 16);
    r.first[2] = static_cast<uint8_t>(first >> 8);
    r.first[3] = static_cast<uint8_t>(first);
    addresses += r.size;
    ranges.push_back(r);
  }
  if (c.ipv6_ranges.size() % 2 != 0) {
    error = "Expected ipv6Ranges to hold first/last pairs, got an odd count";
    return nullptr;
  }
  for (size_t i = 0; i < c.ipv6_ranges.size(); i += 2) {
    const auto& first = c.ipv6_ranges[i];
    const auto& last = c.ipv6_ranges[i + 1];
    // Each range spans ≤ 2^32 addresses, so the high halves differ by at most a carry.
    const uint64_t span = low64_be(last) - low64_be(first);
    const uint64_t high_diff = high64_be(last) - high64_be(first);
    const bool carries = low64_be(last) < low64_be(first);
    if (!(last >= first) || high_diff != (carries ? 1u : 0u) || span >= (uint64_t{1} << 32)) {
      error = "Expected an IPv6 range first ≤ last spanning at most 2^32 addresses, got " + hex6(first) +
              " - " + hex6(last);
      return nullptr;
    }
    Range r{6, first, addresses, span + 1};
    addresses += r.size;
    ranges.push_back(r);
  }
  std::vector<uint16_t> ports;
  for (uint32_t p = 1; p < 65536; ++p) {
    if (c.port_set[p >> 3] & (1u << (p & 7))) ports.push_back(static_cast<uint16_t>(p));
  }
  if (c.port_set[0] & 1u) {
    error = "Expected port 0 to be absent from portSet, got it set";
    return nullptr;
  }
  // N = A × P must stay ≤ 2^48 (A < 2^40 here in practice; check without overflow).
  if (!ports.empty() && addresses > Permutation::kMaxTotal / ports.size()) {
    error = "Expected at most 2^48 probes, got " + std::to_string(addresses) + " addresses × " +
            std::to_string(ports.size()) + " ports";
    return nullptr;
  }
  const uint64_t total = addresses * ports.size();

  std::shared_ptr<SweepPlan> plan(new SweepPlan(total, c.seed));
  plan->ranges_ = std::move(ranges);
  plan->ports_ = std::move(ports);
  plan->address_count_ = addresses;
  plan->shard_index_ = c.shard_index;
  plan->shard_count_ = c.shard_count;
  plan->shard_size_ = total > c.shard_index ? (total - c.shard_index - 1) / c.shard_count + 1 : 0;
  plan->start_position_ = std::min(c.start_position, plan->shard_size_);
  std::vector<uint64_t> skips;
  skips.reserve(c.skip_positions.size());
  for (uint64_t s : c.skip_positions) {
    if (s >= plan->start_position_ && s < plan->shard_size_) skips.push_back(s);
  }
  std::sort(skips.begin(), skips.end());
  skips.erase(std::unique(skips.begin(), skips.end()), skips.end());
  plan->skip_positions_ = std::move(skips);
  plan->planned_ = plan->shard_size_ - plan->start_position_ - plan->skip_positions_.size();
  return plan;
}

Address SweepPlan::address_at(uint64_t index) const {
  // Last range whose start_index ≤ index.
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), index,
                             [](uint64_t v, const Range& r) { return v < r.start_index; });
  const Range& r = *(it - 1);
  const uint64_t offset = index - r.start_index;
  Address a;
  a.family = r.family;
  if (r.family == 4) {
    const uint32_t first = (uint32_t{r.first[0]} << 24) | (uint32_t{r.first[1]} << 16) |
                           (uint32_t{r.first[2]} << 8) | r.first[3];
    const uint32_t v = first + static_cast<uint32_t>(offset);
    a.bytes[0] = static_cast<uint8_t>(v >> 24);
    a.bytes[1] = static_cast<uint8_t>(v >> 16);
    a.bytes[2] = static_cast<uint8_t>(v >> 8);
    a.bytes[3] = static_cast<uint8_t>(v);
  } else {
    a.bytes = add_be(r.first, offset);
  }
  return a;
}

void SweepPlan::target_of_global(uint64_t g, ProbeTarget& out) const {
  const uint64_t x = permutation_.permute(g);
  out.address = address_at(x % address_count_);
  out.port = ports_[x / address_count_];
}

std::unique_ptr<TargetCursor> SweepPlan::cursor() const {
  // The plan is always owned by a shared_ptr (build() is the only way to make one).
  return std::make_unique<PlanCursor>(shared_from_this());
}

}  // namespace portpick
