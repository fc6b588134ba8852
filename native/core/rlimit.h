// File-descriptor budget for the connect engine (one descriptor per probe in flight).
#pragma once

#include <cstdint>

namespace portpick {

struct DescriptorLimit {
  uint64_t soft = 0;  // after raising
  uint64_t hard = 0;
};

// Raises RLIMIT_NOFILE's soft limit to its hard limit (once per process is
// enough; repeated calls are harmless) and returns both.
DescriptorLimit raise_descriptor_limit();

}  // namespace portpick
