// Collects engine results as packed 40-byte little-endian records (the layout
// of RECORD in src/native.ts) for the flusher thread to hand to JavaScript.
// deliver() runs on the engine thread, take() on the flusher thread.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "sweep_types.h"

namespace portpick_binding {

constexpr size_t kRecordBytes = 40;
// A batch is flushed at this many records, or every kFlushIntervalMs, whichever first.
constexpr size_t kBatchRecords = 4096;
constexpr int kFlushIntervalMs = 50;

// Packs one result at `out` (kRecordBytes bytes).
void pack_record(const portpick::ProbeResult& result, uint8_t* out);

// The STATS vector of src/native.ts.
constexpr size_t kStatsLength = 12;
using StatsSnapshot = std::array<double, kStatsLength>;
StatsSnapshot snapshot_stats(const portpick::SweepStats& stats);

class BatchSink final : public portpick::ResultSink {
 public:
  void deliver(const portpick::ProbeResult* results, size_t count) override;

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
  std::vector<uint8_t> pending_;
  bool finished_ = false;
};

}  // namespace portpick_binding
