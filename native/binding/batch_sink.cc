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
  namespace field = portpick::record;
  std::memset(out, 0, field::kBytes);
  out[field::kFamily] = r.target.address.family;
  out[field::kState] = static_cast<uint8_t>(r.state);
  out[field::kReason] = static_cast<uint8_t>(r.reason);
  out[field::kTries] = r.tries;
  put_u16(out + field::kPort, r.target.port);
  put_u16(out + field::kFlags, r.flags);
  put_u32(out + field::kRttMicros, r.rtt_micros);
  out[field::kTtl] = r.ttl;
  std::memcpy(out + field::kAddress, r.target.address.bytes.data(), r.target.address.family == 4 ? 4 : 16);
  put_f64(out + field::kPosition, static_cast<double>(r.target.position));
}

void BatchSink::deliver(const portpick::ProbeResult* results, size_t count) {
  std::lock_guard<std::mutex> lock(mutex_);
  const size_t offset = pending_.size();
  try {
    pending_.resize(offset + count * portpick::record::kBytes);
  } catch (const std::bad_alloc&) {
    uint64_t floor = lost_floor_.load(std::memory_order_relaxed);
    for (size_t i = 0; i < count; ++i) floor = std::min<uint64_t>(floor, results[i].target.position);
    lost_floor_.store(floor, std::memory_order_release);
    throw;
  }
  for (size_t i = 0; i < count; ++i) pack_record(results[i], pending_.data() + offset + i * portpick::record::kBytes);
  outstanding_.fetch_add(count, std::memory_order_acq_rel);
  if (pending_.size() >= kBatchRecords * portpick::record::kBytes) wake_.notify_all();
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
  namespace at = portpick::stats_index;
  const auto d = [](const std::atomic<uint64_t>& v) { return static_cast<double>(v.load(std::memory_order_acquire)); };
  StatsSnapshot out{};
  out[at::kPlanned] = d(s.planned);
  out[at::kSent] = d(s.sent);
  out[at::kAnswered] = d(s.answered);
  out[at::kRetried] = d(s.retried);
  out[at::kSilent] = d(s.silent);
  out[at::kSendErrors] = d(s.send_errors);
  out[at::kReceiveDrops] = d(s.receive_drops);
  out[at::kCompleted] = d(s.completed);
  out[at::kWatermark] = d(s.watermark);
  out[at::kCurrentRate] = s.current_rate.load();
  out[at::kInvalidReplies] = d(s.invalid_replies);
  out[at::kLocalDeferrals] = d(s.local_deferrals);
  return out;
}

std::vector<uint8_t> BatchSink::take(const portpick::SweepStats& stats, bool& finished, StatsSnapshot& snapshot) {
  std::unique_lock<std::mutex> lock(mutex_);
  wake_.wait_for(lock, std::chrono::milliseconds(kFlushIntervalMs),
                 [this] { return finished_ || pending_.size() >= kBatchRecords * portpick::record::kBytes; });
  finished = finished_;
  snapshot = snapshot_stats(stats);
  const uint64_t lost = lost_floor_.load(std::memory_order_acquire);
  double& watermark = snapshot[portpick::stats_index::kWatermark];
  if (lost != kNothingLost) watermark = std::min(watermark, static_cast<double>(lost));
  std::vector<uint8_t> out;
  out.swap(pending_);
  return out;
}

}  // namespace portpick_binding
