#include "syn_tarpit.h"

#include <cstring>

namespace portpick {
namespace {
constexpr size_t kHosts = 1 << 16;
}

TarpitGuard::TarpitGuard() : hosts_(kHosts) {}

uint16_t TarpitGuard::record(const Address& address, PortState state) {
  uint32_t h = 2166136261u;
  for (uint8_t b : address.bytes) h = (h ^ b) * 16777619u;
  Host& host = hosts_[(h ^ (h >> 16)) & (kHosts - 1)];
  if (host.family != address.family || std::memcmp(host.address, address.bytes.data(), 16) != 0) {
    host = Host{};
    host.family = address.family;
    std::memcpy(host.address, address.bytes.data(), 16);
  }
  ++host.decided;
  if (state == PortState::Open) ++host.open;
  if (!host.flagged && host.decided >= kMinimumProbes &&
      static_cast<double>(host.open) > kOpenShare * static_cast<double>(host.decided)) {
    host.flagged = true;
    ++flagged_hosts_;
  }
  return host.flagged && state == PortState::Open ? record_flag::kTarpit : 0;
}

}  // namespace portpick
