#include "neighbour.h"

#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace portpick {
namespace {

constexpr size_t kBuffer = 8192;

// Sends one request and returns the answer's first message (or an NLMSG_ERROR); false on failure.
bool ask(int fd, const void* request, size_t length, uint8_t (&answer)[kBuffer], nlmsghdr*& message) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, request, length, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) return false;
  for (;;) {
    const ssize_t n = recv(fd, answer, sizeof(answer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    message = reinterpret_cast<nlmsghdr*>(answer);
    return NLMSG_OK(message, static_cast<size_t>(n));
  }
}

void add_attribute(nlmsghdr* header, size_t capacity, uint16_t type, const void* data, size_t size) {
  const size_t aligned = NLMSG_ALIGN(header->nlmsg_len);
  auto* attribute = reinterpret_cast<rtattr*>(reinterpret_cast<uint8_t*>(header) + aligned);
  if (aligned + RTA_LENGTH(size) > capacity) return;
  attribute->rta_type = type;
  attribute->rta_len = static_cast<unsigned short>(RTA_LENGTH(size));
  std::memcpy(RTA_DATA(attribute), data, size);
  header->nlmsg_len = static_cast<uint32_t>(aligned + RTA_ALIGN(attribute->rta_len));
}

}  // namespace

NextHopState next_hop_state(const Address& destination) {
  const int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return NextHopState::Unknown;
  const size_t size = destination.family == 4 ? 4 : 16;
  const uint8_t family = destination.family == 4 ? AF_INET : AF_INET6;
  uint8_t answer[kBuffer];
  nlmsghdr* message = nullptr;
  NextHopState state = NextHopState::Unknown;

  // 1. The route: its type, output interface and gateway.
  struct {
    nlmsghdr header;
    rtmsg route;
    uint8_t attributes[64];
  } route_request{};
  route_request.header.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
  route_request.header.nlmsg_type = RTM_GETROUTE;
  route_request.header.nlmsg_flags = NLM_F_REQUEST;
  route_request.header.nlmsg_seq = 1;
  route_request.route.rtm_family = family;
  route_request.route.rtm_dst_len = static_cast<unsigned char>(size * 8);
  add_attribute(&route_request.header, sizeof(route_request), RTA_DST, destination.bytes.data(), size);
  int oif = 0;
  uint8_t hop[16];
  std::memcpy(hop, destination.bytes.data(), size);
  if (ask(fd, &route_request, route_request.header.nlmsg_len, answer, message) && message->nlmsg_type == RTM_NEWROUTE) {
    const auto* route = static_cast<const rtmsg*>(NLMSG_DATA(message));
    if (route->rtm_type != RTN_UNICAST) {
      close(fd);
      return route->rtm_type == RTN_LOCAL ? NextHopState::Ready : NextHopState::Unknown;
    }
    int attributes = static_cast<int>(RTM_PAYLOAD(message));
    for (auto* a = RTM_RTA(route); RTA_OK(a, attributes); a = RTA_NEXT(a, attributes)) {
      if (a->rta_type == RTA_OIF && RTA_PAYLOAD(a) >= sizeof(int)) std::memcpy(&oif, RTA_DATA(a), sizeof(int));
      if (a->rta_type == RTA_GATEWAY && RTA_PAYLOAD(a) >= size) std::memcpy(hop, RTA_DATA(a), size);
    }
  }
  if (oif == 0) {
    close(fd);
    return NextHopState::Unknown;
  }

  // 2. The next hop's neighbour entry.
  struct {
    nlmsghdr header;
    ndmsg neighbour;
    uint8_t attributes[64];
  } neighbour_request{};
  neighbour_request.header.nlmsg_len = NLMSG_LENGTH(sizeof(ndmsg));
  neighbour_request.header.nlmsg_type = RTM_GETNEIGH;
  neighbour_request.header.nlmsg_flags = NLM_F_REQUEST;
  neighbour_request.header.nlmsg_seq = 2;
  neighbour_request.neighbour.ndm_family = family;
  neighbour_request.neighbour.ndm_ifindex = oif;
  add_attribute(&neighbour_request.header, sizeof(neighbour_request), NDA_DST, hop, size);
  if (ask(fd, &neighbour_request, neighbour_request.header.nlmsg_len, answer, message)) {
    if (message->nlmsg_type == RTM_NEWNEIGH) {
      const auto* entry = static_cast<const ndmsg*>(NLMSG_DATA(message));
      if (entry->ndm_state & (NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | NUD_PROBE | NUD_STALE | NUD_DELAY)) {
        state = NextHopState::Ready;
      } else if (entry->ndm_state & NUD_FAILED) {
        state = NextHopState::Failed;
      } else {
        state = NextHopState::Pending;
      }
    } else {
      // No entry: this interface resolves no neighbours (point-to-point), or none was needed yet.
      state = NextHopState::Unknown;
    }
  }
  close(fd);
  return state;
}

}  // namespace portpick
