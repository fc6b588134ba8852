// Keyed SYN cookies: the sequence number of every SYN is SipHash-2-4 of the
// probe's 4-tuple under a per-sweep key, so a reply is validated statelessly
// (its ack − 1 must equal the cookie) and spoofed or stray packets are rejected.
// The same key picks each probe's source ports: one per try, so every try has a
// 4-tuple of its own (as nmap encodes the try in the source port). A second SYN
// on the 4-tuple of an unanswered first one meets the target's half-open
// connection and is answered with RST; with its own 4-tuple it is answered as
// the port deserves, and the reply's destination port names the try it answers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sweep_types.h"

namespace portpick {

// SipHash-2-4 (Aumasson & Bernstein) of `length` bytes under the key (k0, k1).
uint64_t siphash24(uint64_t k0, uint64_t k1, const uint8_t* data, size_t length);

// Tries with a source port of their own; later tries (only with --retries above
// 15) reuse the last one's. try_of_port() answers kMaxTryPorts for "no try".
constexpr uint32_t kMaxTryPorts = 16;

class SynCookie {
 public:
  // `seed` keys the cookie; `secret` (e.g. 128 random bits per engine) is mixed in
  // so that a known --seed does not let others forge answers. Both zero-secret and
  // random-secret cookies are deterministic for the lifetime of the object.
  SynCookie(uint64_t seed, uint64_t secret0, uint64_t secret1);

  // Cookie of one probe: local = our source endpoint, target = the probed endpoint.
  uint32_t cookie(const Address& local, const Address& target, uint16_t local_port, uint16_t target_port) const;

  // Keyed source port of try `try_index` (0-based) towards a target endpoint, in
  // [first, first + count) (count ≥ 1). Consecutive tries take consecutive ports
  // (wrapping inside the range) from a keyed base, so tries never share a port
  // while count ≥ kMaxTryPorts.
  uint16_t source_port(const Address& target, uint16_t target_port, uint16_t first, uint32_t count,
                       uint32_t try_index = 0) const;

  // The try whose source port `local_port` is (0-based, < kMaxTryPorts), or
  // kMaxTryPorts when `local_port` is no try's port for this target endpoint.
  // With count < kMaxTryPorts tries wrap: the answer is the lowest such try.
  uint32_t try_of_port(const Address& target, uint16_t target_port, uint16_t local_port, uint16_t first,
                       uint32_t count) const;

 private:
  uint32_t base_offset(const Address& target, uint16_t target_port, uint32_t count) const;
  uint64_t k0_, k1_;
};

}  // namespace portpick
