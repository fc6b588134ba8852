#include "syn_cookie.h"

#include <cstring>

namespace portpick {
namespace {

inline uint64_t rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }
inline uint64_t load_le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}
inline void sip_round(uint64_t& v0, uint64_t& v1, uint64_t& v2, uint64_t& v3) {
  v0 += v1; v1 = rotl(v1, 13); v1 ^= v0; v0 = rotl(v0, 32);
  v2 += v3; v3 = rotl(v3, 16); v3 ^= v2;
  v0 += v3; v3 = rotl(v3, 21); v3 ^= v0;
  v2 += v1; v1 = rotl(v1, 17); v1 ^= v2; v2 = rotl(v2, 32);
}
uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
// Address bytes in a fixed 17-byte form (family first) so IPv4 and IPv6 never alias.
size_t put_address(uint8_t* out, const Address& a) {
  out[0] = a.family;
  std::memcpy(out + 1, a.bytes.data(), a.family == 4 ? 4 : 16);
  return a.family == 4 ? 5 : 17;
}

}  // namespace

uint64_t siphash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t length) {
  uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
  uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
  const size_t whole = length & ~static_cast<size_t>(7);
  for (size_t i = 0; i < whole; i += 8) {
    const uint64_t m = load_le64(data + i);
    v3 ^= m;
    sip_round(v0, v1, v2, v3);
    sip_round(v0, v1, v2, v3);
    v0 ^= m;
  }
  uint64_t b = static_cast<uint64_t>(length) << 56;
  for (size_t i = 0; i < (length & 7); ++i) b |= static_cast<uint64_t>(data[whole + i]) << (8 * i);
  v3 ^= b;
  sip_round(v0, v1, v2, v3);
  sip_round(v0, v1, v2, v3);
  v0 ^= b;
  v2 ^= 0xff;
  for (int i = 0; i < 4; ++i) sip_round(v0, v1, v2, v3);
  return v0 ^ v1 ^ v2 ^ v3;
}

SynCookie::SynCookie(uint64_t seed, uint64_t secret0, uint64_t secret1) {
  uint64_t state = seed;
  k0_ = splitmix64(state) ^ secret0;
  k1_ = splitmix64(state) ^ secret1;
}

uint32_t SynCookie::cookie(const Address& local, const Address& target, uint16_t local_port,
                           uint16_t target_port) const {
  uint8_t buffer[40];
  size_t n = put_address(buffer, local);
  n += put_address(buffer + n, target);
  buffer[n++] = static_cast<uint8_t>(local_port >> 8);
  buffer[n++] = static_cast<uint8_t>(local_port);
  buffer[n++] = static_cast<uint8_t>(target_port >> 8);
  buffer[n++] = static_cast<uint8_t>(target_port);
  return static_cast<uint32_t>(siphash24(k0_, k1_, buffer, n));
}

uint32_t SynCookie::base_offset(const Address& target, uint16_t target_port, uint32_t count) const {
  uint8_t buffer[24];
  size_t n = put_address(buffer, target);
  buffer[n++] = static_cast<uint8_t>(target_port >> 8);
  buffer[n++] = static_cast<uint8_t>(target_port);
  buffer[n++] = 0x5a;  // domain separation from cookie()
  const uint64_t h = siphash24(k1_, k0_, buffer, n);
  return static_cast<uint32_t>(h % count);
}

uint16_t SynCookie::source_port(const Address& target, uint16_t target_port, uint16_t first, uint32_t count,
                                uint32_t try_index) const {
  const uint32_t slot = try_index < kMaxTryPorts ? try_index : kMaxTryPorts - 1;
  return static_cast<uint16_t>(first + (base_offset(target, target_port, count) + slot) % count);
}

uint32_t SynCookie::try_of_port(const Address& target, uint16_t target_port, uint16_t local_port, uint16_t first,
                                uint32_t count) const {
  const uint32_t offset = static_cast<uint16_t>(local_port - first);
  if (offset >= count) return kMaxTryPorts;
  const uint32_t slot = (offset + count - base_offset(target, target_port, count)) % count;
  return slot < kMaxTryPorts ? slot : kMaxTryPorts;
}

}  // namespace portpick
