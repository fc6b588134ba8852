// A keyed bijection on [0, N) for N ≤ 2^48: a 4-round Feistel network over the
// smallest even bit width that covers N, with cycle walking for the excess.
// The exact recipe is fixed (seeds, shards and resume files depend on it) and
// src/scan/permutation.ts implements it bit for bit for the TypeScript engine:
// the same (N, seed) gives the same order in both (test/native/permutation.test.ts).
// Constant memory, O(1) expected time per index (fewer than 4 Feistel
// evaluations on average, since the Feistel domain is below 4·N).
#pragma once

#include <cstdint>

namespace portpick {

// MurmurHash3's 32-bit finaliser.
uint32_t fmix32(uint32_t h);

class Permutation {
 public:
  // The largest N supported (the TypeScript side rejects larger plans).
  static constexpr uint64_t kMaxTotal = uint64_t{1} << 48;

  // `total` must be ≤ kMaxTotal (checked by the caller: SweepPlan / the binding).
  Permutation(uint64_t total, uint64_t seed);

  uint64_t total() const { return total_; }

  // The permuted index of global position g (g < total); identity when total ≤ 1.
  uint64_t permute(uint64_t g) const;

 private:
  uint64_t encrypt(uint64_t x) const;

  uint64_t total_;
  uint32_t half_bits_ = 1;
  uint32_t half_mask_ = 1;  // M - 1
  uint32_t round_keys_[4] = {0, 0, 0, 0};
};

}  // namespace portpick
