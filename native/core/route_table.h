// Where routes more specific than a /24 (IPv4) or /64 (IPv6) lie, so that the
// source-address cache (route.h) shares one lookup across a /24 (/64) only when
// every address in it takes the same route.
//
// Read once per sweep from the kernel (an rtnetlink RTM_GETROUTE dump of every
// table, unprivileged): each route whose prefix is longer than /24 (/64) marks
// the /24 (/64) it lies in — host routes of local and broadcast addresses, a
// /28 to another gateway, an unreachable /30. Routes the kernel adds later are
// not seen (a sweep uses the routes of its start). When the table cannot be read
// or holds more than kMaxLongRoutes long routes, every /24 (/64) counts as
// marked: lookups are then per address (correct, only slower).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sweep_types.h"

namespace portpick {

class LongRoutes {
 public:
  static constexpr size_t kMaxLongRoutes = 100000;

  // Reads the kernel's routing tables.
  static LongRoutes from_kernel();
  // For tests: the given routes (address, prefix length).
  static LongRoutes from_routes(const std::vector<std::pair<Address, uint8_t>>& routes);

  // True when a route longer than /24 (/64) lies inside the /24 (/64) of `address`.
  bool split(const Address& address) const;
  bool complete(uint8_t family) const { return family == 4 ? complete4_ : complete6_; }
  size_t count() const { return v4_.size() + v6_.size(); }

 private:
  void add(const Address& address, uint8_t prefix_length);
  void finish();
  std::vector<uint32_t> v4_;  // the /24s (address >> 8) holding a longer route, sorted
  std::vector<uint64_t> v6_;  // the /64s (first 8 bytes) holding a longer route, sorted
  bool complete4_ = false, complete6_ = false;
};

}  // namespace portpick
