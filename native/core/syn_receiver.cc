#include "syn_receiver.h"

#include "thread_name.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace portpick {

ReplyVerdict validate_reply(const ParsedReply& r, const SynCookie& cookie, uint16_t port_first, uint32_t port_count,
                            ReplyEvent& out) {
  // Packets our host sent itself, seen on lo: our SYN (seq == cookie) and the
  // kernel's RST to a SYN-ACK it never asked for (seq == cookie + 1). Source and
  // destination are swapped relative to a reply.
  if (r.kind == ReplyKind::Syn || (r.kind == ReplyKind::Rst && !(r.tcp_flags & kTcpAck))) {
    const uint32_t own = cookie.cookie(r.target, r.local, r.target_port, r.local_port);
    if (r.sequence - own == (r.kind == ReplyKind::Rst ? 1u : 0u)) return ReplyVerdict::Own;
  }
  if (static_cast<uint32_t>(static_cast<uint16_t>(r.local_port - port_first)) >= port_count) return ReplyVerdict::Ignored;
  // The reply's destination port must be the source port of one of this target endpoint's tries.
  const uint32_t try_index = cookie.try_of_port(r.target, r.target_port, r.local_port, port_first, port_count);
  if (try_index >= kMaxTryPorts) return ReplyVerdict::Invalid;
  out.target = r.target;
  out.target_port = r.target_port;
  out.local_port = r.local_port;
  out.try_index = static_cast<uint8_t>(try_index);
  out.ttl = r.ttl;
  const uint32_t expected = cookie.cookie(r.local, r.target, r.local_port, r.target_port);
  switch (r.kind) {
    case ReplyKind::SynAck:
      if (r.acknowledgment - 1 != expected) return ReplyVerdict::Invalid;
      out.state = PortState::Open;
      out.reason = Reason::SynAck;
      return ReplyVerdict::Accepted;
    case ReplyKind::Rst:
      if (!(r.tcp_flags & kTcpAck) || r.acknowledgment - 1 != expected) return ReplyVerdict::Invalid;
      out.state = PortState::Closed;
      out.reason = Reason::Reset;
      return ReplyVerdict::Accepted;
    case ReplyKind::Syn:
      // A bare SYN back to a probe's source port (a "split handshake") carries no
      // acknowledgment of our cookie: anyone who guesses the source port can send
      // one. It never becomes a result.
      return ReplyVerdict::Invalid;
    case ReplyKind::Icmp:
      if (!r.has_quoted_sequence || r.quoted_sequence != expected) return ReplyVerdict::Invalid;
      if (!classify_icmp(r.target.family, r.icmp_type, r.icmp_code, out.state, out.reason)) return ReplyVerdict::Ignored;
      return ReplyVerdict::Accepted;
    case ReplyKind::None:
      break;
  }
  return ReplyVerdict::Ignored;
}

bool ReplyQueue::push(const ReplyEvent& event) {
  const uint64_t head = head_.load(std::memory_order_relaxed);
  if (head - tail_.load(std::memory_order_acquire) >= events_.size()) return false;
  events_[head & (events_.size() - 1)] = event;
  head_.store(head + 1, std::memory_order_release);
  return true;
}

size_t ReplyQueue::pop(ReplyEvent* out, size_t max) {
  const uint64_t tail = tail_.load(std::memory_order_relaxed);
  const uint64_t head = head_.load(std::memory_order_acquire);
  size_t n = 0;
  while (n < max && tail + n < head) {
    out[n] = events_[(tail + n) & (events_.size() - 1)];
    ++n;
  }
  tail_.store(tail + n, std::memory_order_release);
  return n;
}

SynReceiver::SynReceiver(const RawSockets& sockets, const SynCookie& cookie, uint16_t port_first, uint32_t port_count,
                         ReplyQueue& queue, ReceiverCounters& counters)
    : sockets_(sockets), cookie_(cookie), port_first_(port_first), port_count_(port_count), queue_(queue),
      counters_(counters) {}

SynReceiver::~SynReceiver() { stop(); }

void SynReceiver::start() { thread_ = std::thread([this] { loop(); }); }

void SynReceiver::stop() {
  stopping_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
}

namespace {
constexpr unsigned kBatch = 64;
constexpr size_t kPacketBytes = 512;
constexpr unsigned kIcmpEvery = 8;      // passes between reads of the ICMP sockets while TCP is busy
constexpr size_t kFewPackets = kBatch / 4;  // a pass that read fewer waits before the next
constexpr long kGatherNs = 100'000;     // that wait (100 µs: ~20 answers at 200k/s)
enum SocketKind { kTcp4 = 0, kIcmp4 = 1, kTcp6 = 2, kIcmp6 = 3 };
}  // namespace

void SynReceiver::loop() {
  name_thread("pp-receive");
  pollfd fds[4];
  int kinds[4];
  nfds_t count = 0;
  const int all[4] = {sockets_.tcp4, sockets_.icmp4, sockets_.tcp6, sockets_.icmp6};
  for (int k = 0; k < 4; ++k) {
    if (all[k] < 0) continue;
    fds[count] = pollfd{all[k], POLLIN, 0};
    kinds[count++] = k;
  }
  // Every recvmmsg is a system call, and on these virtual machines a system call
  // costs as much as the kernel's whole answer to a SYN; the receiver shares the
  // cores with the senders and with that answering. So: the TCP sockets (nearly
  // every answer) are read on every pass; the ICMP sockets (errors only, rare)
  // every kIcmpEvery passes and whenever TCP is quiet; after a pass that found
  // only a few packets the thread waits kGatherNs so that the next recvmmsg reads
  // a batch instead of one or two packets. Measured RTTs grow by at most that wait.
  unsigned pass = 0;
  while (!stopping_.load(std::memory_order_acquire)) {
    size_t tcp = 0;
    for (nfds_t i = 0; i < count; ++i)
      if (kinds[i] == kTcp4 || kinds[i] == kTcp6) tcp += drain(fds[i].fd, kinds[i]);
    size_t read = tcp;
    if (tcp == 0 || ++pass % kIcmpEvery == 0) {
      for (nfds_t i = 0; i < count; ++i)
        if (kinds[i] == kIcmp4 || kinds[i] == kIcmp6) read += drain(fds[i].fd, kinds[i]);
    }
    if (read == 0) {
      poll(fds, count, 5);  // ≤ 5 ms, to notice stop()
    } else if (read < kFewPackets) {
      const timespec gather{0, kGatherNs};
      nanosleep(&gather, nullptr);
    }
  }
  // Final pass: whatever arrived before stop() was asked.
  for (nfds_t i = 0; i < count; ++i) drain(fds[i].fd, kinds[i]);
}

size_t SynReceiver::drain(int fd, int kind) {
  size_t total = 0;
  static thread_local uint8_t buffers[kBatch][kPacketBytes];
  static thread_local uint8_t controls[kBatch][128];
  static thread_local sockaddr_in6 names[kBatch];
  mmsghdr messages[kBatch];
  iovec vectors[kBatch];
  for (int round = 0; round < 64; ++round) {
    for (unsigned i = 0; i < kBatch; ++i) {
      vectors[i] = iovec{buffers[i], kPacketBytes};
      messages[i] = mmsghdr{};
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_name = &names[i];
      messages[i].msg_hdr.msg_namelen = sizeof(names[i]);
      messages[i].msg_hdr.msg_control = controls[i];
      messages[i].msg_hdr.msg_controllen = sizeof(controls[i]);
    }
    const int n = recvmmsg(fd, messages, kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) return total;
    total += static_cast<size_t>(n);
    const int64_t now = monotonic_ns();
    for (int i = 0; i < n; ++i) {
      const msghdr& h = messages[i].msg_hdr;
      uint32_t drops;
      if (read_drop_counter(h, drops) && drops != socket_drops_[kind]) {
        counters_.kernel_drops.fetch_add(drops - socket_drops_[kind], std::memory_order_relaxed);
        socket_drops_[kind] = drops;
      }
      const size_t length = messages[i].msg_len;
      ParsedReply reply;
      bool parsed = false;
      if (kind == kTcp4 || kind == kIcmp4) {
        parsed = parse_ipv4_packet(buffers[i], length, reply);
      } else {
        Address source, destination;
        source.family = destination.family = 6;
        std::memcpy(source.bytes.data(), &names[i].sin6_addr, 16);
        uint8_t hop_limit = 0;
        bool have_destination = false;
        for (cmsghdr* c = CMSG_FIRSTHDR(&h); c != nullptr; c = CMSG_NXTHDR(const_cast<msghdr*>(&h), c)) {
          if (c->cmsg_level != IPPROTO_IPV6) continue;
          if (c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo info;
            std::memcpy(&info, CMSG_DATA(c), sizeof(info));
            std::memcpy(destination.bytes.data(), &info.ipi6_addr, 16);
            have_destination = true;
          } else if (c->cmsg_type == IPV6_HOPLIMIT) {
            int hops;
            std::memcpy(&hops, CMSG_DATA(c), sizeof(hops));
            hop_limit = static_cast<uint8_t>(hops);
          }
        }
        if (kind == kTcp6) {
          parsed = have_destination && parse_ipv6_tcp(buffers[i], length, source, destination, hop_limit, reply);
        } else {
          parsed = parse_icmpv6(buffers[i], length, hop_limit, reply);
        }
      }
      if (!parsed) continue;
      ReplyEvent event;
      const ReplyVerdict verdict = validate_reply(reply, cookie_, port_first_, port_count_, event);
      if (verdict == ReplyVerdict::Invalid) {
        counters_.invalid.fetch_add(1, std::memory_order_relaxed);
      } else if (verdict == ReplyVerdict::Accepted) {
        event.received_ns = now;
        // The scheduler drains quickly; wait briefly rather than lose an answer.
        int spins = 0;
        while (!queue_.push(event)) {
          if (++spins > 20000) {
            counters_.queue_drops.fetch_add(1, std::memory_order_relaxed);
            break;
          }
          std::this_thread::yield();
        }
      }
    }
    if (static_cast<unsigned>(n) < kBatch) return total;
  }
  return total;
}

}  // namespace portpick
