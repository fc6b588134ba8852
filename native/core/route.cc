#include "route.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace portpick {
namespace {

constexpr size_t kPrefixCacheSize = 4096;  // direct-mapped, power of two
constexpr size_t kAddressCacheSize = 65536;

uint32_t hash_bytes(const Address& a) {
  uint32_t h = 2166136261u ^ a.family;
  for (uint8_t b : a.bytes) h = (h ^ b) * 16777619u;
  h ^= h >> 15;
  return h;
}

Address prefix_of(const Address& a) {
  Address p = a;
  if (a.family == 4) {
    p.bytes[3] = 0;  // /24
  } else {
    for (size_t i = 8; i < 16; ++i) p.bytes[i] = 0;  // /64
  }
  return p;
}

bool same(const Address& a, const Address& b) { return a.family == b.family && a.bytes == b.bytes; }

}  // namespace

SourceRouter::SourceRouter() : SourceRouter(LongRoutes::from_kernel()) {}

SourceRouter::SourceRouter(LongRoutes routes)
    : long_routes_(std::move(routes)), prefix_cache_(kPrefixCacheSize), address_cache_(kAddressCacheSize) {}

SourceRouter::~SourceRouter() {
  if (udp4_ >= 0) close(udp4_);
  if (udp6_ >= 0) close(udp6_);
}

int SourceRouter::socket_for(uint8_t family) {
  int& fd = family == 4 ? udp4_ : udp6_;
  if (fd < 0) fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  return fd;
}

RouteAnswer SourceRouter::lookup_uncached(const Address& destination) {
  RouteAnswer answer;
  ++kernel_lookups_;
  const int fd = socket_for(destination.family);
  if (fd < 0) {
    answer.error = errno;
    return answer;
  }
  sockaddr_storage storage{};
  socklen_t length;
  if (destination.family == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(9);  // any port: connect() on UDP sends nothing
    std::memcpy(&sin->sin_addr, destination.bytes.data(), 4);
    length = sizeof(sockaddr_in);
  } else {
    auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
    sin6->sin6_family = AF_INET6;
    sin6->sin6_port = htons(9);
    std::memcpy(&sin6->sin6_addr, destination.bytes.data(), 16);
    length = sizeof(sockaddr_in6);
  }
  // Dissolve the previous association first: a connected UDP socket keeps the
  // source address of its first connect(), and a later connect() would answer
  // that address again instead of the one the kernel picks for this destination.
  sockaddr unspecified{};
  unspecified.sa_family = AF_UNSPEC;
  connect(fd, &unspecified, sizeof(unspecified));
  if (connect(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
    answer.error = errno;
    return answer;
  }
  sockaddr_storage local{};
  socklen_t local_length = sizeof(local);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) != 0) {
    answer.error = errno;
    return answer;
  }
  answer.source.family = destination.family;
  if (destination.family == 4) {
    std::memcpy(answer.source.bytes.data(), &reinterpret_cast<sockaddr_in*>(&local)->sin_addr, 4);
  } else {
    std::memcpy(answer.source.bytes.data(), &reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr, 16);
  }
  return answer;
}

bool SourceRouter::matches(const Entry& e, const Address& key) {
  return e.valid && e.family == key.family && std::memcmp(e.key, key.bytes.data(), 16) == 0;
}

void SourceRouter::store(Entry& e, const Address& key, const RouteAnswer& answer) {
  e.valid = 1;
  e.self = 0;
  e.family = key.family;
  std::memcpy(e.key, key.bytes.data(), 16);
  std::memcpy(e.source, answer.source.bytes.data(), 16);
  e.error = answer.error;
}

RouteAnswer SourceRouter::answer_of(const Entry& e) {
  RouteAnswer answer;
  answer.error = e.error;
  answer.source.family = e.family;
  std::memcpy(answer.source.bytes.data(), e.source, 16);
  return answer;
}

RouteAnswer SourceRouter::lookup(const Address& destination) {
  // The small prefix cache first: a /24 (/64) has an answer there only when one
  // route covers all of it and either that route is not local or each of its
  // addresses is its own source (kSelf, below). Then none of its addresses
  // needs an entry of its own, and a sweep of remote hosts, or of AnyIP, never
  // touches the large address cache.
  const Address prefix = prefix_of(destination);
  Entry& by_prefix = prefix_cache_[hash_bytes(prefix) & (kPrefixCacheSize - 1)];
  const bool prefix_known = matches(by_prefix, prefix);
  if (prefix_known && by_prefix.self == kSelf) return RouteAnswer{0, destination};
  if (prefix_known && by_prefix.self == 0) return answer_of(by_prefix);
  Entry& by_address = address_cache_[hash_bytes(destination) & (kAddressCacheSize - 1)];
  if (matches(by_address, destination)) return answer_of(by_address);
  const RouteAnswer answer = lookup_uncached(destination);
  if (answer.error != 0) return answer;  // never cached
  if (same(answer.source, destination)) {
    store(by_address, destination, answer);
    // A local route (AnyIP, this host's addresses) gives each destination
    // itself as source, unless the route names one (`src`): then every
    // destination gets that one. So when one route covers the /24 (/64) and
    // two different addresses of it were each their own source, the route
    // names none, and every address of it is its own: answered without a
    // lookup per address (a connect and a getsockname each).
    if (long_routes_.split(destination)) return answer;
    if (prefix_known && by_prefix.self == kSelfSeen) {
      if (std::memcmp(by_prefix.source, destination.bytes.data(), 16) != 0) by_prefix.self = kSelf;
    } else {
      store(by_prefix, prefix, answer);
      by_prefix.self = kSelfSeen;
    }
  } else {
    note_source(answer.source);
    if (long_routes_.split(destination)) store(by_address, destination, answer); else store(by_prefix, prefix, answer);
  }
  return answer;
}

void SourceRouter::note_source(const Address& source) {
  if (sources_.size() >= kMaxReported) return;
  for (const Address& known : sources_)
    if (same(known, source)) return;
  sources_.push_back(source);
}

}  // namespace portpick
