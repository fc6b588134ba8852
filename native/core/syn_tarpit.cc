#include "syn_tarpit.h"

#include <cstring>

namespace portpick {
TarpitGuard::TarpitGuard() : hosts_(kHosts) {}

// The address as two 64-bit words, mixed by multiplication; the product's top
// 16 bits pick the slot (Fibonacci hashing).
size_t TarpitGuard::slot_of(const Address& address) {
  static_assert(kHosts == size_t{1} << 16, "slot_of() takes the product's top 16 bits");
  uint64_t low = 0, high = 0;
  std::memcpy(&low, address.bytes.data(), 8);
  std::memcpy(&high, address.bytes.data() + 8, 8);
  const uint64_t key = low ^ (high * 0xc2b2ae3d27d4eb4full) ^ address.family;
  return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> 48);
}

uint16_t TarpitGuard::record(const Address& address, PortState state) {
  Host& host = hosts_[slot_of(address)];
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
