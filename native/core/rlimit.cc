#include "rlimit.h"

#include <sys/resource.h>

namespace portpick {

DescriptorLimit raise_descriptor_limit() {
  struct rlimit limit {};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {1024, 1024};
  if (limit.rlim_cur < limit.rlim_max) {
    struct rlimit raised = limit;
    raised.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  const uint64_t cap = uint64_t{1} << 30;  // RLIM_INFINITY and friends
  const auto clamp = [cap](rlim_t v) { return v == RLIM_INFINITY || v > cap ? cap : static_cast<uint64_t>(v); };
  return {clamp(limit.rlim_cur), clamp(limit.rlim_max)};
}

}  // namespace portpick
