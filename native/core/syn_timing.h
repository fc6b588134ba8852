// How long the SYN engine waits for an answer, per destination.
//
// Round-trip times are estimated per /24 (IPv4) or /64 (IPv6) of destinations
// (RFC 6298 / nmap timing.cc: srtt, rttvar, timeout = srtt + 4·rttvar), plus
// once for the whole sweep. One estimate for the whole sweep is not enough: the
// first answers (often from nearby or local hosts) shrink it to a few
// milliseconds, and a destination that answers more slowly then sees its
// answers arrive after its probes were decided.
//
// - retry_wait(): how long a try waits before the next try is sent. The
//   destination's own estimate when it has one, else the sweep's, else the
//   sweep's timeout (--timeout). Retrying early costs a packet, never a result:
//   a late answer to an earlier try still decides the probe while it is open.
// - final_wait(): how long the last try waits before the probe is called
//   filtered: always the sweep's timeout. Estimates never shorten it: under
//   load (a target's or our own receive backlog) answers come later than any
//   recent round trip predicts, and a probe decided too early loses its open
//   port (its SYN-ACK then arrives for a probe already called filtered).
// Retry waits lie in [min(kMinWaitMs, timeout), timeout].
//
// Estimates live in a fixed direct-mapped table (constant memory): two prefixes
// that collide evict each other, which can only lengthen a wait.
#pragma once

#include <cstdint>

#include "rate_control.h"
#include "sweep_types.h"
#include "zeroed_array.h"

namespace portpick {

class DestinationTiming {
 public:
  static constexpr uint32_t kMinWaitMs = 50;
  static constexpr size_t kPrefixes = 4096;

  explicit DestinationTiming(uint32_t timeout_ms);

  void sample(const Address& destination, int64_t rtt_ns);
  int64_t retry_wait_ns(const Address& destination) const;
  int64_t final_wait_ns(const Address& destination) const;
  // The sweep-wide estimate (for rate control).
  const RttEstimator& sweep() const { return sweep_; }
  int64_t timeout_ns() const { return max_ns_; }

 private:
  struct Prefix {  // plain data: the table starts zeroed without being touched
    uint64_t key;  // prefix_key()
    uint8_t family;
    uint32_t samples;
    double srtt_ns;
    double rttvar_ns;
  };
  const Prefix* find(const Address& destination) const;
  int64_t clamp(double wait_ns) const;
  int64_t min_ns_, max_ns_;
  RttEstimator sweep_;
  ZeroedArray<Prefix> prefixes_;
};

}  // namespace portpick
