// The one clock of the engines: CLOCK_MONOTONIC in nanoseconds, signed so that
// differences of two readings (and deadlines before a reading) need no casts.
// 2^63 ns is about 292 years of uptime.
#pragma once

#include <cstdint>
#include <ctime>

namespace portpick {

inline int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace portpick
