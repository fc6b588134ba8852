// The plan of one sweep: address ranges × sorted ports, keyed order, shard and
// resume. Targets are generated on demand (masscan/zmap style): the plan holds
// only the ranges it was given, so a /8 × 1000 ports costs no more memory than
// one host.
//
// Index space (fixed: seeds, shards and resume files depend on it; src/scan/plan.ts
// computes the same): probes 0..N-1 with
// N = A × P, A addresses (IPv4 ranges in order, then IPv6 ranges in order),
// P ports ascending. Index x → address x mod A, port floor(x / A). Global
// position g is visited as permute(g); shard i of n takes g = i + k·n, and k is
// the shard-local position reported with every result.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "permutation.h"
#include "probe_engine.h"
#include "sweep_types.h"

namespace portpick {

// Plain copy of NativeSweepConfig's plan fields (see src/native.ts).
struct SweepPlanConfig {
  std::vector<uint32_t> ipv4_ranges;               // pairs [first, last], host order, inclusive
  std::vector<std::array<uint8_t, 16>> ipv6_ranges;  // pairs first, last (big-endian), inclusive
  std::vector<uint8_t> port_set;                   // 8192 bytes, bit (p & 7) of byte (p >> 3)
  uint64_t seed = 0;
  uint64_t shard_index = 0;
  uint64_t shard_count = 1;
  uint64_t start_position = 0;
  std::vector<uint64_t> skip_positions;  // sorted, shard-local
};

class SweepPlan : public std::enable_shared_from_this<SweepPlan> {
 public:
  // Validates and builds; on a bad config returns null and sets `error` to
  // "Expected …, got …".
  static std::shared_ptr<const SweepPlan> build(const SweepPlanConfig& config, std::string& error);

  uint64_t address_count() const { return address_count_; }
  uint64_t port_count() const { return ports_.size(); }
  uint64_t total() const { return total_; }  // N over all shards
  // Shard-local positions in this shard: |{k : shard_index + k·shard_count < N}|.
  uint64_t shard_size() const { return shard_size_; }
  // Probes a cursor yields: shard_size minus resumed positions.
  uint64_t planned() const { return planned_; }
  uint64_t start_position() const { return start_position_; }

  Address address_at(uint64_t address_index) const;
  uint16_t port_at(uint64_t port_index) const { return ports_[port_index]; }
  // True when some address of the plan has this family (4 or 6).
  bool includes_family(uint8_t family) const {
    for (const Range& range : ranges_)
      if (range.family == family && range.size > 0) return true;
    return false;
  }
  // The probe of global position g (its `position` is left to the caller).
  void target_of_global(uint64_t g, ProbeTarget& out) const;

  // A fresh cursor over this shard's remaining probes, in permuted order.
  std::unique_ptr<TargetCursor> cursor() const;

 private:
  friend class PlanCursor;
  SweepPlan(uint64_t total, uint64_t seed) : permutation_(total, seed), total_(total) {}

  struct Range {
    uint8_t family;
    std::array<uint8_t, 16> first;  // IPv4 in bytes 0..3 (network order)
    uint64_t start_index;           // cumulative address index of `first`
    uint64_t size;
  };

  Permutation permutation_;
  uint64_t total_;
  std::vector<Range> ranges_;
  std::vector<uint16_t> ports_;
  uint64_t address_count_ = 0;
  uint64_t shard_index_ = 0;
  uint64_t shard_count_ = 1;
  uint64_t shard_size_ = 0;
  uint64_t start_position_ = 0;
  uint64_t planned_ = 0;
  std::vector<uint64_t> skip_positions_;  // deduplicated, ≥ start_position, < shard_size
};

}  // namespace portpick
