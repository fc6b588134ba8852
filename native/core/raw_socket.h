// Raw sockets of the SYN engine (Linux).
// - IPv4 send: AF_INET/SOCK_RAW/IPPROTO_RAW (implies IP_HDRINCL; never receives).
//   IP_HDRINCL raw sockets go through the kernel's routing and ARP, so loopback,
//   AnyIP and same-LAN targets work without route_localnet tweaks.
// - IPv4 receive: AF_INET/SOCK_RAW/IPPROTO_TCP (classic BPF: destination port in
//   our source-port range) and IPPROTO_ICMP (BPF: unreachable / time exceeded).
// - IPv6: AF_INET6/SOCK_RAW/IPPROTO_TCP sends TCP segments (the kernel builds the
//   IPv6 header and, with IPV6_CHECKSUM, the checksum) and receives (BPF as above);
//   IPPROTO_ICMPV6 with ICMP6_FILTER receives unreachable / time exceeded.
// Every receive socket reports its kernel drop counter (SO_RXQ_OVFL).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <string>

namespace portpick {

struct RawSockets {
  int send4 = -1;
  int tcp4 = -1;
  int icmp4 = -1;
  int tcp6 = -1;   // IPv6 send and receive; -1 when IPv6 is unavailable
  int icmp6 = -1;
  int ipv6_error = 0;  // why tcp6 is -1
  const char* failed_call = "socket";  // the call whose errno open_raw_sockets returned
};

// True when socket(AF_INET, SOCK_RAW, IPPROTO_TCP) succeeds (CAP_NET_RAW held).
bool raw_sockets_permitted();

// Opens every socket (the IPv6 ones only when `with_ipv6`: a sweep without IPv6
// targets would only pay for reading them); on failure of the IPv4 sockets returns
// the errno, names the call in `failed_call` and closes what was opened. IPv6 failures only leave tcp6 = -1
// (ipv6_error says why).
int open_raw_sockets(RawSockets& sockets, uint16_t local_port_first, uint16_t local_port_last, bool with_ipv6 = true);
void close_raw_sockets(RawSockets& sockets);

// sendmmsg until every message is sent or one fails; `sent` = messages sent before
// the failing one. Returns 0 or the errno of message `sent`.
int send_messages(int fd, mmsghdr* messages, unsigned count, unsigned& sent);

// The drop counter carried by an SO_RXQ_OVFL control message, if present.
bool read_drop_counter(const msghdr& message, uint32_t& drops);

// The source-port range that the kernel's own connections never use: above
// ip_local_port_range (e.g. 61000-65535 on Linux defaults), else below it.
void choose_local_port_range(uint16_t& first, uint16_t& last);

}  // namespace portpick
