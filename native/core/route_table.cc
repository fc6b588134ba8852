#include "route_table.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace portpick {
namespace {

uint32_t v4_key(const Address& a) {
  return (static_cast<uint32_t>(a.bytes[0]) << 16) | (static_cast<uint32_t>(a.bytes[1]) << 8) | a.bytes[2];
}

uint64_t v6_key(const Address& a) {
  uint64_t k = 0;
  for (int i = 0; i < 8; ++i) k = (k << 8) | a.bytes[i];
  return k;
}

// Dumps every route of `family`; calls `each(destination, prefix_length)`. False when the dump failed.
template <typename Each>
bool dump_routes(uint8_t family, Each each) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return false;
  struct {
    nlmsghdr header;
    rtmsg message;
  } request{};
  request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  request.header.nlmsg_type = RTM_GETROUTE;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = 1;
  request.message.rtm_family = family == 4 ? AF_INET : AF_INET6;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &request, request.header.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    close(fd);
    return false;
  }
  std::vector<uint8_t> buffer(64 * 1024);
  bool ok = false, done = false;
  while (!done) {
    const ssize_t n = recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size_t length = static_cast<size_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer.data()); NLMSG_OK(h, length); h = NLMSG_NEXT(h, length)) {
      if (h->nlmsg_type == NLMSG_DONE) {
        ok = done = true;
        break;
      }
      if (h->nlmsg_type == NLMSG_ERROR) {
        done = true;
        break;
      }
      if (h->nlmsg_type != RTM_NEWROUTE || h->nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg))) continue;
      const auto* route = static_cast<const rtmsg*>(NLMSG_DATA(h));
      Address destination;
      destination.family = family;  // a route without RTA_DST is a default route (all zero)
      int attributes = static_cast<int>(RTM_PAYLOAD(h));
      for (auto* a = RTM_RTA(route); RTA_OK(a, attributes); a = RTA_NEXT(a, attributes)) {
        const size_t size = family == 4 ? 4 : 16;
        if (a->rta_type == RTA_DST && RTA_PAYLOAD(a) >= size) std::memcpy(destination.bytes.data(), RTA_DATA(a), size);
      }
      each(destination, route->rtm_dst_len);
    }
  }
  close(fd);
  return ok;
}

}  // namespace

LongRoutes LongRoutes::from_kernel() {
  LongRoutes table;
  size_t seen = 0;
  const auto each = [&](const Address& destination, uint8_t length) {
    if (length > (destination.family == 4 ? 24 : 64) && seen++ < kMaxLongRoutes) table.add(destination, length);
  };
  const bool v4 = dump_routes(4, each);
  const bool v6 = dump_routes(6, each);
  table.finish();
  table.complete4_ = v4 && seen <= kMaxLongRoutes;
  table.complete6_ = v6 && seen <= kMaxLongRoutes;
  return table;
}

LongRoutes LongRoutes::from_routes(const std::vector<std::pair<Address, uint8_t>>& routes) {
  LongRoutes table;
  for (const auto& [address, length] : routes)
    if (length > (address.family == 4 ? 24 : 64)) table.add(address, length);
  table.finish();
  table.complete4_ = table.complete6_ = true;
  return table;
}

void LongRoutes::add(const Address& address, uint8_t) {
  if (address.family == 4) v4_.push_back(v4_key(address)); else v6_.push_back(v6_key(address));
}

void LongRoutes::finish() {
  std::sort(v4_.begin(), v4_.end());
  v4_.erase(std::unique(v4_.begin(), v4_.end()), v4_.end());
  std::sort(v6_.begin(), v6_.end());
  v6_.erase(std::unique(v6_.begin(), v6_.end()), v6_.end());
}

bool LongRoutes::split(const Address& address) const {
  if (!complete(address.family)) return true;
  if (address.family == 4) return std::binary_search(v4_.begin(), v4_.end(), v4_key(address));
  return std::binary_search(v6_.begin(), v6_.end(), v6_key(address));
}

}  // namespace portpick
