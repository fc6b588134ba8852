// Which source address the kernel would use towards a destination: a UDP socket
// connect() + getsockname() (no packet is sent; the socket is disconnected
// before each lookup, or it would keep its first source). Answers are cached:
// - per /24 (IPv4) or /64 (IPv6) of remote destinations when no route more
//   specific than that lies inside it (route_table.h), so a sweep costs one
//   lookup per /24 (/64);
// - per address otherwise, and for a destination on a local route (loopback,
//   AnyIP, this host's own addresses), which is its own source, as the kernel
//   chooses;
// - never for an error (no route, a broadcast address, a prohibit route …):
//   each destination that meets one is looked up again, so an error stays with
//   the one address and a transient one passes.
// Loopback and same-LAN targets need nothing more: the SYNs go through the
// kernel's routing and neighbour resolution.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "route_table.h"
#include "sweep_types.h"
#include "zeroed_array.h"

namespace portpick {

struct RouteAnswer {
  int error = 0;   // 0, or the errno of the route lookup (ENETUNREACH, EHOSTUNREACH, EACCES …)
  Address source;  // valid when error == 0
};

class SourceRouter {
 public:
  SourceRouter();
  // With given long routes (tests).
  explicit SourceRouter(LongRoutes routes);
  ~SourceRouter();
  SourceRouter(const SourceRouter&) = delete;
  SourceRouter& operator=(const SourceRouter&) = delete;

  RouteAnswer lookup(const Address& destination);
  // Uncached lookup (one connect + getsockname).
  RouteAnswer lookup_uncached(const Address& destination);
  uint64_t kernel_lookups() const { return kernel_lookups_; }
  // The sources lookup() answered (for the sweep's summary): the distinct ones
  // other than the destination itself, the first kMaxReported of them.
  static constexpr size_t kMaxReported = 16;
  const std::vector<Address>& sources() const { return sources_; }

 private:
  // Plain data so that the caches start zeroed without being touched (valid = 0).
  struct Entry {
    uint8_t valid;
    uint8_t family;
    // Prefix entries only: kSelfSeen after one address of the /24 (/64) was
    // its own source (`source` holds it), kSelf once a second, different one
    // was too: then every address of it is its own source (see lookup()).
    uint8_t self;
    uint8_t key[16];
    uint8_t source[16];
    int error;
  };
  static constexpr uint8_t kSelfSeen = 1, kSelf = 2;
  static bool matches(const Entry& e, const Address& key);
  static void store(Entry& e, const Address& key, const RouteAnswer& answer);
  static RouteAnswer answer_of(const Entry& e);
  int socket_for(uint8_t family);
  void note_source(const Address& source);
  int udp4_ = -1, udp6_ = -1;
  uint64_t kernel_lookups_ = 0;
  std::vector<Address> sources_;
  LongRoutes long_routes_;
  ZeroedArray<Entry> prefix_cache_;   // /24s (/64s) that one route covers: remote, or each address its own source
  ZeroedArray<Entry> address_cache_;  // local destinations (source == destination) and the rest, per address
};

}  // namespace portpick
