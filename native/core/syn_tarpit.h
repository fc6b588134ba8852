// Tarpit guard: a host that answers "open" on an implausible share of the ports
// probed (> 90 % of at least 100) is probably a tarpit, WAF or SYN proxy. Results
// are streamed, so the flag cannot reach results already delivered: once a host
// crosses the threshold, its later "open" results carry record_flag::kTarpit (the first
// ~100 do not; consumers should treat any flagged result as marking the host).
// Counters live in a fixed direct-mapped table (constant memory): two hosts that
// collide evict each other, which can only delay a flag, never invent one.
#pragma once

#include <cstddef>
#include <cstdint>

#include "sweep_types.h"
#include "zeroed_array.h"

namespace portpick {

class TarpitGuard {
 public:
  static constexpr uint32_t kMinimumProbes = 100;
  static constexpr double kOpenShare = 0.9;
  static constexpr size_t kHosts = size_t{1} << 16;  // counters table (direct-mapped)

  TarpitGuard();
  // Records one result of `address`; returns record_flag::kTarpit when it should carry the flag.
  uint16_t record(const Address& address, PortState state);
  // Asks the CPU to load `address`'s counters ahead of a record() for it. The
  // counters of a large sweep's hosts are spread over 1.8 MB: answers taken one
  // by one missed the cache one after another; prefetched for a whole batch of
  // answers, the misses overlap (measured: docs/architecture.md).
  void prefetch(const Address& address) const { __builtin_prefetch(&hosts_[slot_of(address)]); }
  uint64_t flagged_hosts() const { return flagged_hosts_; }

 private:
  static size_t slot_of(const Address& address);
  struct Host {  // plain data: the table starts zeroed without being touched
    uint8_t family;
    uint8_t address[16];
    bool flagged;
    uint32_t decided;
    uint32_t open;
  };
  ZeroedArray<Host> hosts_;
  uint64_t flagged_hosts_ = 0;
};

}  // namespace portpick
