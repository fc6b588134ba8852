// Tracks which pulled probes have a result, to publish the resume watermark:
// every shard-local position below it has a result. Positions are pulled from
// the cursor in increasing order and finish in any order; the window holds only
// the span from the oldest unfinished probe to the newest pulled one (bounded
// by the probes in flight plus those that finished after the oldest one).
// Single-threaded: owned by one engine thread.
#pragma once

#include <cstdint>
#include <deque>

namespace portpick {

class CompletionWindow {
 public:
  // `floor`: positions below it are already done (resume start position).
  explicit CompletionWindow(uint64_t floor) : floor_(floor) {}

  // Registers a newly pulled position (strictly increasing); returns its ticket.
  uint64_t pull(uint64_t position) {
    entries_.push_back({position, false});
    return base_ticket_ + entries_.size() - 1;
  }

  // Marks the probe of `ticket` finished.
  void finish(uint64_t ticket) {
    entries_[static_cast<size_t>(ticket - base_ticket_)].done = true;
    while (!entries_.empty() && entries_.front().done) {
      floor_ = entries_.front().position + 1;
      entries_.pop_front();
      ++base_ticket_;
    }
  }

  // Every position below this has a result.
  uint64_t watermark() const { return entries_.empty() ? floor_ : entries_.front().position; }

 private:
  struct Entry {
    uint64_t position;
    bool done;
  };
  std::deque<Entry> entries_;
  uint64_t base_ticket_ = 0;
  uint64_t floor_;
};

}  // namespace portpick
