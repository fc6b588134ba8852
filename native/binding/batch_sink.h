// Collects engine results as packed little-endian records (the record layout of
// boundary.h) for the flusher thread to hand to JavaScript.
// deliver() runs on engine threads, take() on the flusher thread, release() on
// the JavaScript thread.
//
// High-water mark: records delivered and not yet released by JavaScript (those
// waiting here, those in batches on their way, those its consumer has not
// taken) are counted; at the mark the sink reports itself backlogged and the
// engine starts no new probe until JavaScript releases records.
//
// A failure to store records (out of memory) loses them: the sink remembers the
// lowest position lost, and every stats snapshot's watermark stays below it, so
// a resume probes them again.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "sweep_types.h"

namespace portpick_binding {

// A batch is flushed at this many records, or every kFlushIntervalMs, whichever first.
constexpr size_t kBatchRecords = 4096;
constexpr int kFlushIntervalMs = 50;

// Packs one result at `out` (portpick::record::kBytes bytes).
void pack_record(const portpick::ProbeResult& result, uint8_t* out);

// The stats vector (indexes: portpick::stats_index).
using StatsSnapshot = std::array<double, portpick::stats_index::kLength>;
StatsSnapshot snapshot_stats(const portpick::SweepStats& stats);

class BatchSink final : public portpick::ResultSink {
 public:
  // `high_water_mark`: records outstanding at most before the engine pauses; 0 = no mark.
  explicit BatchSink(uint64_t high_water_mark = 0) : high_water_mark_(high_water_mark) {}
  void deliver(const portpick::ProbeResult* results, size_t count) override;
  bool backlogged() const override {
    return high_water_mark_ > 0 && outstanding_.load(std::memory_order_acquire) >= high_water_mark_;
  }
  // JavaScript's consumer took (or dropped) `records` records.
  void release(uint64_t records);
  // True once a deliver() lost records (out of memory).
  bool lost_records() const { return lost_floor_.load(std::memory_order_acquire) != kNothingLost; }
  void set_high_water_mark(uint64_t records) { high_water_mark_ = records; }

  // Called once by the engine thread when the engine returned.
  void finish();

  // Waits until a full batch is ready, the engine finished, or the interval
  // passed; then takes the packed records. `finished` tells whether the engine
  // had finished before the take (so nothing more will come). `stats` is read
  // just before the records are taken, so its watermark never runs ahead of
  // the records handed out so far.
  std::vector<uint8_t> take(const portpick::SweepStats& stats, bool& finished, StatsSnapshot& snapshot);

  // Wakes a waiting take() early (stop requested).
  void nudge() { wake_.notify_all(); }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  static constexpr uint64_t kNothingLost = ~uint64_t{0};
  std::vector<uint8_t> pending_;
  bool finished_ = false;
  uint64_t high_water_mark_;
  std::atomic<uint64_t> outstanding_{0};
  std::atomic<uint64_t> lost_floor_{kNothingLost};  // lowest position of a lost record
};

}  // namespace portpick_binding
