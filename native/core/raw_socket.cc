#include "raw_socket.h"

#include <linux/filter.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace portpick {
namespace {

constexpr int kReceiveBufferBytes = 32 * 1024 * 1024;

void grow_receive_buffer(int fd) {
  int size = kReceiveBufferBytes;
  // SO_RCVBUFFORCE ignores rmem_max (needs CAP_NET_ADMIN, which a private namespace gives).
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  }
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof(on));
}

// Accept TCP whose destination port is in [first, last]. `ip_header`: the packet
// starts at an IPv4 header (AF_INET raw) rather than at the TCP header (AF_INET6 raw).
int attach_port_filter(int fd, bool ip_header, uint16_t first, uint16_t last) {
  sock_filter with_ip[] = {
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),          // x = IP header length
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),           // a = TCP destination port
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, first, 0, 2),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_filter bare[] = {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 2),
      BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, first, 0, 2),
      BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, last, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog program{};
  if (ip_header) {
    program.len = sizeof(with_ip) / sizeof(with_ip[0]);
    program.filter = with_ip;
  } else {
    program.len = sizeof(bare) / sizeof(bare[0]);
    program.filter = bare;
  }
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program));
}

// Accept ICMP destination unreachable (3) and time exceeded (11).
int attach_icmp_filter(int fd) {
  sock_filter code[] = {
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),
      BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 3, 1, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 11, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  };
  sock_fprog program{static_cast<unsigned short>(sizeof(code) / sizeof(code[0])), code};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program));
}

int open_ipv6(RawSockets& s, uint16_t first, uint16_t last) {
  s.tcp6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
  if (s.tcp6 < 0) return errno;
  int offset = 16;  // TCP checksum field: the kernel fills it with the pseudo-header it really uses
  int on = 1;
  if (setsockopt(s.tcp6, IPPROTO_IPV6, IPV6_CHECKSUM, &offset, sizeof(offset)) != 0 ||
      setsockopt(s.tcp6, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on)) != 0 ||
      setsockopt(s.tcp6, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) != 0 ||
      attach_port_filter(s.tcp6, false, first, last) != 0)
    return errno;
  grow_receive_buffer(s.tcp6);
  s.icmp6 = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
  if (s.icmp6 < 0) return errno;
  icmp6_filter filter;
  ICMP6_FILTER_SETBLOCKALL(&filter);
  ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &filter);
  ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &filter);
  if (setsockopt(s.icmp6, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) != 0 ||
      setsockopt(s.icmp6, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on)) != 0)
    return errno;
  grow_receive_buffer(s.icmp6);
  return 0;
}

}  // namespace

bool raw_sockets_permitted() {
  const int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return false;
  close(fd);
  return true;
}

int open_raw_sockets(RawSockets& s, uint16_t first, uint16_t last, bool with_ipv6) {
  int error = 0;
  s.failed_call = "socket";
  s.send4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (s.send4 < 0) error = errno;
  if (!error) {
    int size = 4 * 1024 * 1024;
    if (setsockopt(s.send4, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
      setsockopt(s.send4, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
    s.tcp4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
    if (s.tcp4 < 0) {
      error = errno;
    } else if (attach_port_filter(s.tcp4, true, first, last) != 0) {
      error = errno;
      s.failed_call = "setsockopt";
    }
  }
  if (!error) {
    grow_receive_buffer(s.tcp4);
    s.icmp4 = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
    if (s.icmp4 < 0) {
      error = errno;
    } else if (attach_icmp_filter(s.icmp4) != 0) {
      error = errno;
      s.failed_call = "setsockopt";
    }
  }
  if (error) {
    close_raw_sockets(s);
    return error;
  }
  grow_receive_buffer(s.icmp4);
  if (!with_ipv6) {
    s.ipv6_error = EAFNOSUPPORT;  // never used: no IPv6 probe is sent
    return 0;
  }
  s.ipv6_error = open_ipv6(s, first, last);
  if (s.ipv6_error) {
    if (s.tcp6 >= 0) close(s.tcp6);
    if (s.icmp6 >= 0) close(s.icmp6);
    s.tcp6 = s.icmp6 = -1;
  } else {
    int size = 4 * 1024 * 1024;
    if (setsockopt(s.tcp6, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0)
      setsockopt(s.tcp6, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  }
  return 0;
}

void close_raw_sockets(RawSockets& s) {
  for (int* fd : {&s.send4, &s.tcp4, &s.icmp4, &s.tcp6, &s.icmp6}) {
    if (*fd >= 0) close(*fd);
    *fd = -1;
  }
}

int send_messages(int fd, mmsghdr* messages, unsigned count, unsigned& sent) {
  sent = 0;
  while (sent < count) {
    const int n = sendmmsg(fd, messages + sent, count - sent, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    sent += static_cast<unsigned>(n);
  }
  return 0;
}

bool read_drop_counter(const msghdr& message, uint32_t& drops) {
  for (cmsghdr* c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&message), c)) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL) {
      std::memcpy(&drops, CMSG_DATA(c), sizeof(drops));
      return true;
    }
  }
  return false;
}

void choose_local_port_range(uint16_t& first, uint16_t& last) {
  unsigned low = 32768, high = 60999;
  if (FILE* f = std::fopen("/proc/sys/net/ipv4/ip_local_port_range", "r")) {
    if (std::fscanf(f, "%u %u", &low, &high) != 2) {
      low = 32768;
      high = 60999;
    }
    std::fclose(f);
  }
  if (high < 65535 && 65535 - high >= 1024) {
    first = static_cast<uint16_t>(high + 1);
    last = 65535;
  } else if (low > 2048) {
    first = 1024;
    last = static_cast<uint16_t>(low - 1);
  } else {
    first = static_cast<uint16_t>(high < 65535 ? high + 1 : 65535);  // a tiny range beats a colliding one
    last = 65535;
  }
}

}  // namespace portpick
