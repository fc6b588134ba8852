// Keyed SYN cookies: the sequence number of every SYN is SipHash-2-4 of the
// probe's 4-tuple under a per-sweep key, so a reply is validated statelessly
// (its ack − 1 must equal the cookie) and spoofed or stray packets are rejected.
// The same key picks each probe's source port, stable across retries.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sweep_types.h"

namespace portpick {

// SipHash-2-4 (Aumasson & Bernstein) of `length` bytes under the key (k0, k1).
uint64_t siphash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t length);

// The SYN of try t (0-based) carries sequence cookie + t, so a reply tells which
// try it answers (no retransmission ambiguity for RTT and loss, unlike Karn's
// problem in TCP) at a cost of 4 bits of forgery resistance (28 remain).
constexpr uint32_t kCookieTries = 16;

class SynCookie {
 public:
  // `seed` keys the cookie; `secret` (e.g. 128 random bits per engine) is mixed in
  // so that a known --seed does not let others forge answers. Both zero-secret and
  // random-secret cookies are deterministic for the lifetime of the object.
  SynCookie(uint64_t seed, uint64_t secret0, uint64_t secret1);

  // Cookie of one probe: local = our source endpoint, target = the probed endpoint.
  uint32_t cookie(const Address& local, const Address& target, uint16_t local_port, uint16_t target_port) const;

  // Keyed source port in [first, first + count) for a target endpoint (count ≥ 1).
  uint16_t source_port(const Address& target, uint16_t target_port, uint16_t first, uint32_t count) const;

 private:
  uint64_t k0_, k1_;
};

}  // namespace portpick
