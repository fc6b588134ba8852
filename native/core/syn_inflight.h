// State of the SYN engine's probes in flight, owned by the engine's scheduling
// thread (no locks): a fixed-capacity slot table with a hash index by
// (address, port), timer lists (for timeouts), and a ring of pulled positions
// (for the resume watermark). Memory is constant for any plan size: capacity
// slots + a bounded position ring.
//
// Timers: every wait is rounded up to one of kTimerLists classes (each ~19 %
// above the previous, from 1 ms to hours), and each class keeps its probes in
// arming order, so its head always has the earliest deadline of the class:
// different destinations may wait differently long without a heap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sweep_types.h"
#include "zeroed_array.h"

namespace portpick {

// A negative answer (RST, ICMP) to a retry, held back until its deadline: a
// SYN-ACK to an earlier try that arrives meanwhile decides the probe instead.
struct HeldAnswer {
  PortState state = PortState::Closed;
  Reason reason = Reason::Reset;
  uint8_t ttl = 0;
  uint8_t tries = 0;
  uint32_t rtt_micros = 0xffffffffu;
};

constexpr uint8_t kTimerLists = 96;
constexpr uint8_t kNoTimer = 0xff;

// The timer class of a wait: the smallest whose duration is ≥ wait_ns.
uint8_t timer_class(int64_t wait_ns);
// The duration of a timer class, ns.
int64_t timer_class_ns(uint8_t timer_class);

struct InflightProbe {
  ProbeTarget target;
  uint64_t sequence = 0;     // pull order (index into the position ring)
  int64_t last_sent_ns = 0;
  int64_t previous_sent_ns = 0;  // the try before the last one
  int64_t deadline_ns = 0;   // when the armed timer expires
  float rate_at_send = 0;    // the rate in effect when the last try was sent
  float rate_at_previous_send = 0;  // … and when the try before it was sent (a loss, if this one is answered)
  HeldAnswer held;
  uint8_t tries = 0;         // tries sent so far
  uint8_t timer = kNoTimer;  // the timer list it is in, kNoTimer when none
  bool waiting_resend = false;  // in the send queue, not in a timer list
  bool holding = false;      // `held` waits for its deadline
  bool in_use = false;
  int32_t hash_next = -1;
  int32_t prev = -1, next = -1;  // timer list (or free list through `next`)
};

class InflightTable {
 public:
  explicit InflightTable(uint32_t capacity);
  bool full() const { return free_head_ < 0 && slots_.size() == capacity_; }
  uint32_t size() const { return size_; }
  uint32_t capacity() const { return capacity_; }

  int32_t insert(const ProbeTarget& target, uint64_t sequence);  // -1 when full
  int32_t find(const Address& address, uint16_t port) const;
  void remove(int32_t slot);  // unlinks from index and timers
  InflightProbe& at(int32_t slot) { return slots_[static_cast<size_t>(slot)]; }

  // Arms the probe's timer: it expires `wait_ns` (rounded up to its class) after
  // `now_ns`. `now_ns` must not decrease between calls. Re-arming moves it.
  void arm(int32_t slot, int64_t now_ns, int64_t wait_ns);
  void disarm(int32_t slot);
  // The armed probe whose deadline is earliest, or -1 when none is armed.
  int32_t earliest() const;

 private:
  uint32_t bucket_of(const Address& address, uint16_t port) const;
  void grow_index();
  uint32_t capacity_;
  std::vector<InflightProbe> slots_;  // grows up to capacity_ (reserved: pages are touched only when used)
  // The index: one bucket per slot ever used (a power of two, at least
  // kMinBuckets). Every insert and every answer touch it at random, so it grows
  // with the slots rather than being sized for the capacity: a sweep whose
  // probes are answered quickly keeps a few thousand in flight and its index
  // stays in the CPU cache (sized for the capacity, 1 MB, each insert and each
  // answer missed the cache; measured: docs/architecture.md).
  static constexpr uint32_t kMinBuckets = 1024;
  std::vector<uint32_t> buckets_;  // 0 = empty, else slot + 1
  uint32_t bucket_mask_;
  int32_t free_head_ = -1;
  int32_t heads_[kTimerLists], tails_[kTimerLists];
  uint64_t non_empty_[2] = {0, 0};  // bit c: timer list c holds a probe
  uint32_t size_ = 0;
};

// Positions in pull order, with done marks; the watermark is the position of the
// oldest probe without a result.
class PositionRing {
 public:
  explicit PositionRing(uint32_t capacity_pow2);
  bool full() const { return next_ - oldest_ >= positions_.size(); }
  uint64_t push(uint64_t position);  // returns the sequence number
  void mark_done(uint64_t sequence);
  // Lowest position without a result; `after_last` when every pulled probe is done.
  uint64_t watermark(uint64_t after_last) const;

 private:
  ZeroedArray<uint64_t> positions_;
  ZeroedArray<uint8_t> done_;
  uint64_t oldest_ = 0, next_ = 0;
};

}  // namespace portpick
