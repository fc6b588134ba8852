#include "syn_inflight.h"

#include <algorithm>
#include <cmath>

namespace portpick {

namespace {

// Duration of each timer class: 1 ms · 2^(c/4), rounded up to whole microseconds
// (1 ms … about 4 h), ascending. Built once at load, so a lookup costs no guard.
struct TimerClassTable {
  int64_t ns[kTimerLists];
};
const TimerClassTable kTimerClassNs = [] {
  TimerClassTable t{};
  for (int c = 0; c < kTimerLists; ++c) t.ns[c] = static_cast<int64_t>(std::ceil(1000.0 * std::exp2(c / 4.0))) * 1000;
  return t;
}();

bool same_address(const Address& a, const Address& b) { return a.family == b.family && a.bytes == b.bytes; }

uint32_t round_up_pow2(uint32_t v) {
  uint32_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

}  // namespace

uint8_t timer_class(int64_t wait_ns) {
  // Every send arms a timer: a binary search, not a walk through the classes.
  const int64_t* end = kTimerClassNs.ns + kTimerLists - 1;  // waits beyond the last class take the last
  return static_cast<uint8_t>(std::lower_bound(kTimerClassNs.ns, end, wait_ns) - kTimerClassNs.ns);
}

int64_t timer_class_ns(uint8_t timer_class) { return kTimerClassNs.ns[timer_class < kTimerLists ? timer_class : kTimerLists - 1]; }

// At most one slot per bucket on average (load factor ≤ 1): chains stay short.
InflightTable::InflightTable(uint32_t capacity)
    : capacity_(capacity),
      buckets_(std::min(round_up_pow2(capacity), kMinBuckets)),
      bucket_mask_(static_cast<uint32_t>(buckets_.size() - 1)) {
  slots_.reserve(capacity);
  for (uint8_t c = 0; c < kTimerLists; ++c) heads_[c] = tails_[c] = -1;
}

// Doubles the index and relinks every probe in flight (at most log2(capacity /
// kMinBuckets) times in a sweep).
void InflightTable::grow_index() {
  buckets_.assign(buckets_.size() * 2, 0);
  bucket_mask_ = static_cast<uint32_t>(buckets_.size() - 1);
  for (size_t s = 0; s < slots_.size(); ++s) {
    InflightProbe& p = slots_[s];
    if (!p.in_use) continue;
    const uint32_t b = bucket_of(p.target.address, p.target.port);
    p.hash_next = static_cast<int32_t>(buckets_[b]) - 1;
    buckets_[b] = static_cast<uint32_t>(s) + 1;
  }
}

uint32_t InflightTable::bucket_of(const Address& address, uint16_t port) const {
  uint64_t h = 0x9e3779b97f4a7c15ull ^ (static_cast<uint64_t>(port) << 8) ^ address.family;
  for (size_t i = 0; i < 16; i += 8) {
    uint64_t w = 0;
    for (size_t j = 0; j < 8; ++j) w |= static_cast<uint64_t>(address.bytes[i + j]) << (8 * j);
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    h ^= h >> 33;
  }
  return static_cast<uint32_t>(h) & bucket_mask_;
}

int32_t InflightTable::insert(const ProbeTarget& target, uint64_t sequence) {
  int32_t slot;
  if (free_head_ >= 0) {
    slot = free_head_;
    free_head_ = slots_[static_cast<size_t>(slot)].next;
  } else if (slots_.size() < capacity_) {
    slot = static_cast<int32_t>(slots_.size());
    slots_.emplace_back();  // not in use yet: grow_index() leaves it out
    if (slots_.size() > buckets_.size()) grow_index();
  } else {
    return -1;
  }
  InflightProbe& p = slots_[static_cast<size_t>(slot)];
  p = InflightProbe{};
  p.target = target;
  p.sequence = sequence;
  p.in_use = true;
  const uint32_t b = bucket_of(target.address, target.port);
  p.hash_next = static_cast<int32_t>(buckets_[b]) - 1;
  buckets_[b] = static_cast<uint32_t>(slot) + 1;
  ++size_;
  return slot;
}

int32_t InflightTable::find(const Address& address, uint16_t port) const {
  for (int32_t s = static_cast<int32_t>(buckets_[bucket_of(address, port)]) - 1; s >= 0; s = slots_[static_cast<size_t>(s)].hash_next) {
    const InflightProbe& p = slots_[static_cast<size_t>(s)];
    if (p.target.port == port && same_address(p.target.address, address)) return s;
  }
  return -1;
}

void InflightTable::remove(int32_t slot) {
  InflightProbe& p = slots_[static_cast<size_t>(slot)];
  disarm(slot);
  uint32_t& head = buckets_[bucket_of(p.target.address, p.target.port)];
  if (static_cast<int32_t>(head) - 1 == slot) {
    head = static_cast<uint32_t>(p.hash_next + 1);
  } else {
    int32_t* link = &slots_[static_cast<size_t>(head - 1)].hash_next;
    while (*link != slot) link = &slots_[static_cast<size_t>(*link)].hash_next;
    *link = p.hash_next;
  }
  p.in_use = false;
  p.next = free_head_;
  free_head_ = slot;
  --size_;
}

void InflightTable::arm(int32_t slot, int64_t now_ns, int64_t wait_ns) {
  disarm(slot);
  InflightProbe& p = slots_[static_cast<size_t>(slot)];
  const uint8_t c = timer_class(wait_ns);
  p.timer = c;
  p.deadline_ns = now_ns + timer_class_ns(c);
  p.prev = tails_[c];
  p.next = -1;
  if (tails_[c] >= 0) slots_[static_cast<size_t>(tails_[c])].next = slot; else heads_[c] = slot;
  tails_[c] = slot;
  non_empty_[c >> 6] |= uint64_t{1} << (c & 63);
}

void InflightTable::disarm(int32_t slot) {
  InflightProbe& p = slots_[static_cast<size_t>(slot)];
  if (p.timer == kNoTimer) return;
  const uint8_t c = p.timer;
  if (p.prev >= 0) slots_[static_cast<size_t>(p.prev)].next = p.next; else heads_[c] = p.next;
  if (p.next >= 0) slots_[static_cast<size_t>(p.next)].prev = p.prev; else tails_[c] = p.prev;
  if (heads_[c] < 0) non_empty_[c >> 6] &= ~(uint64_t{1} << (c & 63));
  p.prev = p.next = -1;
  p.timer = kNoTimer;
}

int32_t InflightTable::earliest() const {
  int32_t best = -1;
  for (int word = 0; word < 2; ++word) {
    for (uint64_t bits = non_empty_[word]; bits != 0; bits &= bits - 1) {
      const int32_t head = heads_[word * 64 + __builtin_ctzll(bits)];
      if (best < 0 || slots_[static_cast<size_t>(head)].deadline_ns < slots_[static_cast<size_t>(best)].deadline_ns) best = head;
    }
  }
  return best;
}

PositionRing::PositionRing(uint32_t capacity_pow2) : positions_(capacity_pow2), done_(capacity_pow2) {}


uint64_t PositionRing::push(uint64_t position) {
  const uint64_t sequence = next_++;
  const size_t i = sequence & (positions_.size() - 1);
  positions_[i] = position;
  done_[i] = 0;
  return sequence;
}

void PositionRing::mark_done(uint64_t sequence) {
  const size_t mask = positions_.size() - 1;
  done_[sequence & mask] = 1;
  while (oldest_ < next_ && done_[oldest_ & mask]) ++oldest_;
}

uint64_t PositionRing::watermark(uint64_t after_last) const {
  return oldest_ < next_ ? positions_[oldest_ & (positions_.size() - 1)] : after_last;
}

}  // namespace portpick
