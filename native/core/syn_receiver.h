// The SYN engine's receive side: a thread that reads the raw sockets, validates
// every reply statelessly against the SYN cookie and hands accepted replies to
// the scheduling thread through a single-producer single-consumer queue.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "monotonic_clock.h"
#include "packet.h"
#include "raw_socket.h"
#include "syn_cookie.h"

namespace portpick {

// A validated reply: which probe it answers and what it decides.
struct ReplyEvent {
  Address target;
  uint16_t target_port = 0;
  uint16_t local_port = 0;  // our side: the source port of the try it answers
  PortState state = PortState::Filtered;
  Reason reason = Reason::Timeout;
  uint8_t ttl = 0;
  uint8_t try_index = 0;  // which try (0-based) this answers, from local_port
  int64_t received_ns = 0;
};

enum class ReplyVerdict : uint8_t {
  Accepted,  // genuine answer to one of our probes (maybe a duplicate: the scheduler decides)
  Own,       // a packet our own host sent (our SYN looped back on lo, the kernel's RST to a SYN-ACK)
  Invalid,   // to our port range but failing the cookie: stray or spoofed
  Ignored,   // not addressed to our source-port range
};

// Stateless validation against the full 4-tuple: the reply's destination port
// must be the keyed source port of one of the target endpoint's tries, and a
// SYN-ACK/RST counts only if its ack − 1 == the cookie of that 4-tuple, an ICMP
// error only if the quoted sequence == that cookie. A bare SYN (split handshake)
// cannot be verified and is never accepted.
ReplyVerdict validate_reply(const ParsedReply& reply, const SynCookie& cookie, uint16_t port_first,
                            uint32_t port_count, ReplyEvent& out);

// Lock-free single-producer single-consumer ring of reply events.
class ReplyQueue {
 public:
  explicit ReplyQueue(uint32_t capacity_pow2) : events_(capacity_pow2) {}
  bool push(const ReplyEvent& event);
  size_t pop(ReplyEvent* out, size_t max);
  bool empty() const { return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire); }

 private:
  std::vector<ReplyEvent> events_;
  alignas(64) std::atomic<uint64_t> head_{0};  // next to write (producer)
  alignas(64) std::atomic<uint64_t> tail_{0};  // next to read (consumer)
};

struct ReceiverCounters {
  std::atomic<uint64_t> invalid{0};
  std::atomic<uint64_t> kernel_drops{0};  // SO_RXQ_OVFL, summed over sockets
  std::atomic<uint64_t> queue_drops{0};   // the scheduler fell behind (ring full for long)
};

class SynReceiver {
 public:
  SynReceiver(const RawSockets& sockets, const SynCookie& cookie, uint16_t port_first, uint32_t port_count,
              ReplyQueue& queue, ReceiverCounters& counters);
  ~SynReceiver();
  void start();
  // Drains what the sockets hold now, then stops the thread.
  void stop();

 private:
  void loop();
  size_t drain(int fd, int kind);  // returns packets read
  const RawSockets& sockets_;
  const SynCookie& cookie_;
  uint16_t port_first_;
  uint32_t port_count_;
  ReplyQueue& queue_;
  ReceiverCounters& counters_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  uint32_t socket_drops_[4] = {0, 0, 0, 0};
};

}  // namespace portpick
