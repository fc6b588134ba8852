// Plain C++17 types shared by the sweep plan, the probe engines and the binding.
// No Node headers here: native/core is testable without Node.
#pragma once

#include <array>
#include <cstddef>
#include <atomic>
#include <cstdint>
#include <vector>

#include "boundary.h"

namespace portpick {

// One address: IPv4 in bytes[0..3] (network order) with family 4, IPv6 in all 16 with family 6.
struct Address {
  uint8_t family = 4;
  std::array<uint8_t, 16> bytes{};
};

// One probe to send: where, and its shard-local position (for resume bookkeeping).
struct ProbeTarget {
  Address address;
  uint16_t port = 0;
  uint64_t position = 0;
};

// The decided state of one probe. Every planned probe yields exactly one result.
struct ProbeResult {
  ProbeTarget target;
  PortState state = PortState::Filtered;
  Reason reason = Reason::Timeout;
  uint8_t tries = 1;
  uint8_t ttl = 0;
  uint16_t flags = 0;
  uint32_t rtt_micros = 0xffffffffu;
};

// Counters of a running sweep. Written by engine threads, read by the binding.
struct SweepStats {
  std::atomic<uint64_t> planned{0};
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> answered{0};
  std::atomic<uint64_t> retried{0};
  std::atomic<uint64_t> silent{0};
  std::atomic<uint64_t> send_errors{0};
  std::atomic<uint64_t> receive_drops{0};
  std::atomic<uint64_t> completed{0};
  std::atomic<uint64_t> watermark{0};
  std::atomic<double> current_rate{0.0};
  std::atomic<uint64_t> invalid_replies{0};
  std::atomic<uint64_t> local_deferrals{0};
};

// Where engines put results. Implementations must be safe to call from any one
// engine thread at a time per sink (the engine serialises its own calls).
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void deliver(const ProbeResult* results, size_t count) = 0;
  // True while the results delivered and not yet taken by their consumer reach
  // its high-water mark: engines then start no new probe (retries and probes in
  // flight go on), so a slow consumer bounds the memory results take.
  virtual bool backlogged() const { return false; }
};

// Tuning handed to an engine; already validated in TypeScript.
struct EngineOptions {
  double rate = 0;            // probes/s ceiling, 0 = no cap
  uint32_t timeout_ms = 1000; // per-try timeout / initial reply wait
  uint32_t retries = 1;       // extra tries for silent probes
  uint32_t window = 0;        // connect: probes in flight, 0 = auto from RLIMIT_NOFILE
};

// Like nmap (max_successful_tryno + 1): when retransmissions are seen to be
// answered (proven loss), silent probes get one try more than the highest try
// that ever succeeded, up to this many retries in all (both engines). With
// --retries 0, never.
constexpr uint32_t kMaxAdaptiveRetries = 5;

}  // namespace portpick
