#include "batch_sink.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>

namespace portpick_binding {

namespace {

void put_u16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v);
  p[1] = static_cast<uint8_t>(v >> 8);
}

void put_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

void put_f64(uint8_t* p, double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  for (int i = 0; i < 8; ++i) p[i] = static_cast<uint8_t>(bits >> (8 * i));
}

}  // namespace

void pack_record(const portpick::ProbeResult& r, uint8_t* out) {
  std::memset(out, 0, kRecordBytes);
  out[0] = r.target.address.family;
  out[1] = static_cast<uint8_t>(r.state);
  out[2] = static_cast<uint8_t>(r.reason);
  out[3] = r.tries;
  put_u16(out + 4, r.target.port);
  put_u16(out + 6, r.flags);
  put_u32(out + 8, r.rtt_micros);
  out[12] = r.ttl;
  std::memcpy(out + 16, r.target.address.bytes.data(), r.target.address.family == 4 ? 4 : 16);
  put_f64(out + 32, static_cast<double>(r.target.position));
}

void BatchSink::deliver(const portpick::ProbeResult* results, size_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t offset = pending_.size();
  try {
    pending_.resize(offset + count * kRecordBytes);
  } catch (const std::bad_alloc&) {
    uint64_t floor = lost_floor_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < count; ++i) floor = std::min<uint64_t>(floor, results[i].target.position);
    lost_floor_.store(floor, std::memory_order_release);
    throw;
  }
  for (size_t i = 0; i < count; ++i) pack_record(results[i], pending_.data() + offset + i * kRecordBytes);
  outstanding_.fetch_add(count, std::memory_order_acq_rel);
  if (pending_.size() >= kBatchRecords * kRecordBytes) wake_.notify_all();
}

void BatchSink::release(uint64_t records) {
  uint64_t current = outstanding_.load(std::memory_order_acquire);
  while (!outstanding_.compare_exchange_weak(current, current - std::min(current, records), std::memory_order_acq_rel)) {
  }
}

void BatchSink::finish() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
  }
  wake_.notify_all();
}

StatsSnapshot snapshot_stats(const portpick::SweepStats& s) {
  const auto d = [](const std::atomic<uint64_t>& v) { return static_cast<double>(v.load(std::memory_order_acquire)); };
  return {d(s.planned),   d(s.sent),      d(s.answered),          d(s.retried),
          d(s.silent),    d(s.send_errors), d(s.receive_drops),   d(s.completed),
          d(s.watermark), s.current_rate.load(), d(s.invalid_replies), d(s.local_deferrals)};
}

std::vector<uint8_t> BatchSink::take(const portpick::SweepStats& stats, bool& finished, StatsSnapshot& snapshot) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(kFlushIntervalMs),
                 [this] { return finished_ || pending_.size() >= kBatchRecords * kRecordBytes; });
  finished = finished_;
  snapshot = snapshot_stats(stats);
  const uint64_t lost = lost_floor_.load(std::memory_order_acquire);
  if (lost != kNothingLost) snapshot[8] = std::min(snapshot[8], static_cast<double>(lost));  // STATS.watermark
  std::vector<uint8_t> out;
  out.swap(pending_);
  return out;
}

}  // namespace portpick_binding
