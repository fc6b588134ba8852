// State of the SYN engine's probes in flight, owned by the engine's scheduling
// thread (no locks): a fixed-capacity slot table with a hash index by
// (address, port), a list ordered by last send time (for timeouts), and a
// ring of pulled positions (for the resume watermark). Memory is constant for
// any plan size: capacity slots + a bounded position ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sweep_types.h"
#include "zeroed_array.h"

namespace portpick {

struct InflightProbe {
  ProbeTarget target;
  uint64_t sequence = 0;     // pull order (index into the position ring)
  int64_t last_sent_ns = 0;
  int64_t previous_sent_ns = 0;  // the try before the last one
  float rate_at_send = 0;    // the rate in effect when the last try was sent
  float rate_at_previous_send = 0;  // … and when the try before it was sent (a loss, if this one is answered)
  uint16_t local_port = 0;
  uint8_t tries = 0;         // tries sent so far
  bool waiting_resend = false;  // in the send queue, not in the timeout list
  bool in_use = false;
  int32_t hash_next = -1;
  int32_t prev = -1, next = -1;  // timeout list (or free list through `next`)
};

class InflightTable {
 public:
  explicit InflightTable(uint32_t capacity);
  bool full() const { return free_head_ < 0 && slots_.size() == capacity_; }
  uint32_t size() const { return size_; }
  uint32_t capacity() const { return capacity_; }

  int32_t insert(const ProbeTarget& target, uint64_t sequence);  // -1 when full
  int32_t find(const Address& address, uint16_t port) const;
  void remove(int32_t slot);  // unlinks from index and lists
  InflightProbe& at(int32_t slot) { return slots_[static_cast<size_t>(slot)]; }

  // Timeout list: ordered by last send time.
  void append_sent(int32_t slot);  // after a send: to the tail
  void unlink_sent(int32_t slot);
  int32_t oldest_sent() const { return head_; }

 private:
  uint32_t bucket_of(const Address& address, uint16_t port) const;
  uint32_t capacity_;
  std::vector<InflightProbe> slots_;  // grows up to capacity_ (reserved: pages are touched only when used)
  ZeroedArray<uint32_t> buckets_;     // 0 = empty, else slot + 1
  uint32_t bucket_mask_;
  int32_t free_head_ = -1;
  int32_t head_ = -1, tail_ = -1;
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
