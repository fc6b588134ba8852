#include "permutation.h"

namespace portpick {

uint32_t fmix32(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

Permutation::Permutation(uint64_t total, uint64_t seed) : total_(total) {
  const uint32_t seed_lo = static_cast<uint32_t>(seed);
  const uint32_t seed_hi = static_cast<uint32_t>(seed >> 32);
  for (uint32_t r = 0; r < 4; ++r) {
    round_keys_[r] = fmix32(seed_lo ^ fmix32(seed_hi + r * 0x9e3779b9u));
  }
  uint32_t bits = 2;
  while (bits < 64 && (uint64_t{1} << bits) < total) ++bits;
  if (bits & 1u) ++bits;
  half_bits_ = bits / 2;
  half_mask_ = static_cast<uint32_t>((uint64_t{1} << half_bits_) - 1);
}

uint64_t Permutation::encrypt(uint64_t x) const {
  uint32_t left = static_cast<uint32_t>(x >> half_bits_);
  uint32_t right = static_cast<uint32_t>(x) & half_mask_;
  for (uint32_t r = 0; r < 4; ++r) {
    const uint32_t mixed = left ^ (fmix32(right ^ round_keys_[r]) & half_mask_);
    left = right;
    right = mixed;
  }
  return (static_cast<uint64_t>(left) << half_bits_) | right;
}

uint64_t Permutation::permute(uint64_t g) const {
  if (total_ <= 1) return g;
  // Cycle walking: encrypt is a bijection on [0, 2^bits), so following its
  // cycle from g < N until it lands below N again is a bijection on [0, N).
  uint64_t x = g;
  do {
    x = encrypt(x);
  } while (x >= total_);
  return x;
}

}  // namespace portpick
