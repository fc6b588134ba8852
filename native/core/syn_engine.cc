// The SYN engine's scheduling thread (the caller of run()): pulls probes from the
// cursor, sends SYNs in sendmmsg batches paced by the adaptive token bucket,
// matches the receiver's validated replies to probes in flight, retransmits
// silent probes after a per-destination timeout (syn_timing.h) and delivers
// exactly one result per probe. It alone owns the in-flight state; the receive
// thread (syn_receiver.cc) talks to it only through a lock-free queue.
//
// Deciding a probe:
// - A SYN-ACK to any try sent decides "open", also when it arrives after a
//   later try went out (each try has its own source port: syn_cookie.h).
// - An RST or ICMP error to the first try decides at once. One to a later try
//   is held until that try's retry wait has passed: a SYN-ACK to an earlier try
//   arriving meanwhile wins.
// - Silence: after the last try has waited its final wait, "filtered".
//
// Warm-up: the very first probe goes out alone when its destination is not
// local, and the rest wait until its next hop's neighbour entry (ARP/NDP) is
// resolved or its answer arrives (at most 3 s: ARP gives up after three
// requests a second apart). Until an entry is resolved the kernel queues only
// a few packets and drops the rest of a burst without telling the sender; one
// probe resolves it (neighbour.h).
#include "syn_engine.h"

#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <algorithm>
#include <cmath>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>
#include <unistd.h>

#include "neighbour.h"
#include "packet.h"
#include "rate_control.h"
#include "raw_socket.h"
#include "route.h"
#include "syn_cookie.h"
#include "syn_inflight.h"
#include "syn_receiver.h"
#include "syn_tarpit.h"
#include "syn_timing.h"
#include "thread_name.h"

namespace portpick {
namespace {

// Probes in flight at most: silent probes stay --timeout after their last try,
// so a fast sweep of silent space needs many (pages are touched only as used).
constexpr uint32_t kInflightCapacity = 1u << 18;
constexpr uint32_t kPositionRingSize = 1u << 20;  // pulled-but-unfinished span at most
constexpr uint32_t kReplyQueueSize = 1u << 14;
constexpr unsigned kSendBatch = 64;               // messages per sendmmsg
constexpr size_t kResultBatch = 512;
constexpr int64_t kResultFlushNs = 5'000'000;
// The kernel refusing every packet (ENOBUFS …) for max(this, 5 × --timeout) ends the sweep with an error.
constexpr int64_t kMinSendStallNs = 5'000'000'000;
// The warm-up waits at most this long for the first next hop to resolve.
constexpr int64_t kMaxWarmUpNs = 3'000'000'000;

std::string permission_message(int error) {
  return std::string("Cannot open a raw socket (") + std::strerror(error) +
         "): TCP SYN sweeps need CAP_NET_RAW, which this process lacks; connect sweeps need no privilege";
}

// A second thread that sends IPv4 batches on a raw socket of its own.
//
// Why: on veth and loopback the kernel runs the whole path of a SYN — our
// output, the target's TCP answer, our side's reset — inside sendmmsg(), on
// the sending thread's CPU. One sending thread is then the sweep's limit while
// the other CPU idles; two send in parallel. The scheduling thread keeps all
// bookkeeping: it hands a finished batch over, fills and sends the next itself,
// then collects the helper's count before it reads any reply (so no reply can
// meet a probe whose send is not yet recorded).
class SendHelper {
 public:
  explicit SendHelper(int fd) : fd_(fd), thread_([this] { loop(); }) {}
  ~SendHelper() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
    close(fd_);
  }
  SendHelper(const SendHelper&) = delete;
  SendHelper& operator=(const SendHelper&) = delete;

  void submit(mmsghdr* messages, unsigned count) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      messages_ = messages;
      count_ = count;
      submitted_ = true;
    }
    wake_.notify_one();
  }

  // Waits for the submitted batch: how many went out, and the error that stopped the rest (0 = none).
  void wait(unsigned& sent, int& error) {
    std::unique_lock<std::mutex> lock(mutex_);
    finished_.wait(lock, [this] { return completed_; });
    completed_ = false;
    sent = sent_;
    error = error_;
  }

 private:
  void loop() {
    name_thread("pp-send");
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return submitted_ || quit_; });
      if (quit_) return;
      submitted_ = false;
      mmsghdr* messages = messages_;
      const unsigned count = count_;
      lock.unlock();
      unsigned sent = 0;
      const int error = send_messages(fd_, messages, count, sent);
      lock.lock();
      sent_ = sent;
      error_ = error;
      completed_ = true;
      finished_.notify_one();
    }
  }

  int fd_;
  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  mmsghdr* messages_ = nullptr;
  unsigned count_ = 0, sent_ = 0;
  int error_ = 0;
  bool submitted_ = false, completed_ = false, quit_ = false;
  std::thread thread_;
};

// A raw IPv4 socket for the helper, set up like RawSockets::send4; -1 when it cannot be opened (one sender then).
int open_helper_socket() {
  const int fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return -1;
  int size = 4 * 1024 * 1024;
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) != 0) setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
  return fd;
}

class SynSweep {
 public:
  SynSweep(uint64_t seed, uint64_t secret0, uint64_t secret1, const RawSockets& sockets, uint16_t port_first,
           uint16_t port_last, TargetCursor& targets, const EngineOptions& options, ResultSink& sink,
           SweepStats& stats, const std::atomic<bool>& stop)
      : cookie_(seed, secret0, secret1),
        sockets_(sockets),
        port_first_(port_first),
        port_count_(static_cast<uint32_t>(port_last - port_first) + 1),
        targets_(targets),
        options_(options),
        sink_(sink),
        stats_(stats),
        stop_(stop),
        table_(kInflightCapacity),
        positions_(kPositionRingSize),
        queue_(kReplyQueueSize),
        receiver_(sockets, cookie_, port_first, port_count_, queue_, counters_),
        rate_(options.rate),
        timing_(options.timeout_ms),
        template4_(4),
        template6_(6) {}

  // Runs the sweep; returns why it gave up (errno_value 0: it finished or was stopped).
  // Throws std::bad_alloc / std::system_error, after handing over the results decided so far.
  EngineOutcome run();
  const SourceRouter& router() const { return router_; }
  uint64_t self_sourced() const { return self_sourced_; }

 private:
  void loop();
  // How long the kernel may refuse every packet before the sweep gives up.
  int64_t stall_limit_ns() const {
    return std::max<int64_t>(kMinSendStallNs, int64_t{5} * std::max<uint32_t>(options_.timeout_ms, 1) * 1'000'000);
  }
  uint32_t allowed_retries() const {
    if (options_.retries == 0) return 0;
    return std::max(options_.retries, std::min(max_answered_retry_ + 1, kMaxAdaptiveRetries));
  }
  void handle_replies(int64_t now);
  void expire(int64_t now);
  void end_warm_up(int64_t now);
  size_t send(int64_t now, uint32_t budget);
  struct Batch;
  Batch& current(uint8_t family) { return family == 4 ? batch4_[current4_] : batch6_; }
  void flush_batch(uint8_t family, int64_t now);
  // Sends b's messages from `start` on fd, settling each outcome; leaves b empty.
  void send_batch(Batch& b, int fd, unsigned start, int64_t now);
  // Records `sent` probes from `start` as sent at `now` and handles `error`; true when the rest should still be sent.
  bool settle(Batch& b, unsigned& start, unsigned sent, int error, int64_t now);
  // Collects the helper's batch, if one is out.
  void complete_pending(int64_t now);
  // `tries`: how many tries it took (0 = the tries sent).
  void finalize(int32_t slot, PortState state, Reason reason, uint32_t rtt_micros, uint8_t ttl, uint8_t tries = 0);
  // How long the try just sent waits: the final wait when no try may follow it.
  int64_t wait_after_send(const InflightProbe& p) const {
    return p.tries > allowed_retries() ? timing_.final_wait_ns(p.target.address) : timing_.retry_wait_ns(p.target.address);
  }
  void deliver(bool force, int64_t now);
  void publish_stats();
  void adjust_rate(int64_t now);

  SynCookie cookie_;
  const RawSockets& sockets_;
  uint16_t port_first_;
  uint32_t port_count_;
  TargetCursor& targets_;
  const EngineOptions& options_;
  ResultSink& sink_;
  SweepStats& stats_;
  const std::atomic<bool>& stop_;

  InflightTable table_;
  PositionRing positions_;
  ReplyQueue queue_;
  ReceiverCounters counters_;
  SynReceiver receiver_;
  SourceRouter router_;
  TarpitGuard tarpit_;
  AdaptiveRate rate_;
  TokenBucket bucket_;
  DestinationTiming timing_;
  SynTemplate template4_, template6_;

  std::deque<std::pair<int32_t, uint64_t>> send_queue_;  // (slot, sequence): retransmissions and deferrals
  bool exhausted_ = false;
  uint64_t after_last_position_ = 0;
  uint32_t max_answered_retry_ = 0;
  uint64_t duplicates_ = 0;
  uint64_t self_sourced_ = 0;  // probes whose first try left from the target's own address
  bool warming_ = true;            // the first probe waits alone for its answer (see the top of this file)
  int64_t warm_until_ns_ = 0;
  int64_t next_warm_poll_ns_ = 0;
  Address warm_destination_;
  int32_t warm_slot_ = -1;
  uint64_t warm_sequence_ = 0;
  int64_t stalled_since_ns_ = 0;  // since when every send was refused; 0 = sending
  int stall_error_ = 0;
  EngineOutcome outcome_;

  // Per-family sendmmsg batches (two for IPv4: one may be out with the helper).
  struct Batch {
    unsigned count = 0;
    int32_t slots[kSendBatch];
    uint8_t packets[kSendBatch][kIpv6HeaderBytes + kTcpSynHeaderBytes];
    sockaddr_in6 names[kSendBatch];
    iovec vectors[kSendBatch];
    mmsghdr messages[kSendBatch];
  };
  Batch batch4_[2], batch6_;
  unsigned current4_ = 0;
  std::unique_ptr<SendHelper> helper_;
  bool pending4_ = false;
  unsigned pending_index_ = 0;
  int64_t pending_now_ = 0;
  // A full IPv4 batch goes to the helper at this size (half the send budget, 16-64).
  unsigned handoff_size_ = kSendBatch;

  std::vector<ProbeResult> results_;
  int64_t last_delivery_ns_ = 0;
  int64_t rate_window_start_ns_ = 0;
  uint64_t rate_window_sent_ = 0;
  double achieved_rate_ = 0;
};

EngineOutcome SynSweep::run() {
  // Fine-grained sleeps: pacing at a few thousand SYNs/s needs ~100 µs waits, not the default 50 µs slack on top.
  const int previous_slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
  prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
  try {
    loop();
  } catch (...) {
    // Stop both helper threads and hand over the results decided so far before the failure travels on.
    if (previous_slack > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(previous_slack), 0, 0, 0);
    helper_.reset();
    receiver_.stop();
    try {
      deliver(true, monotonic_ns());
    } catch (...) {
    }
    throw;
  }
  if (previous_slack > 0) prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(previous_slack), 0, 0, 0);
  return outcome_;
}

void SynSweep::loop() {
  stats_.planned.store(targets_.total(), std::memory_order_relaxed);
  results_.reserve(kResultBatch);
  receiver_.start();
  if (std::thread::hardware_concurrency() > 1) {
    const int fd = open_helper_socket();
    // The second sender is optional: without a thread for it, one thread sends.
    if (fd >= 0) {
      try {
        helper_ = std::make_unique<SendHelper>(fd);
      } catch (const std::system_error&) {
        close(fd);
      }
    }
  }
  int64_t now = monotonic_ns();
  warm_until_ns_ = now + kMaxWarmUpNs;
  bucket_.set_rate(rate_.rate(), rate_.burst(), now);
  rate_window_start_ns_ = last_delivery_ns_ = now;
  while (!stop_.load(std::memory_order_relaxed)) {
    now = monotonic_ns();
    const bool had_replies = !queue_.empty();
    handle_replies(now);
    expire(now);
    adjust_rate(now);
    const uint32_t budget = bucket_.take(now, rate_.burst());
    const size_t sent = budget > 0 ? send(now, budget) : 0;
    if (sent < budget) bucket_.give_back(static_cast<uint32_t>(budget - sent));
    deliver(false, now);
    publish_stats();
    if (exhausted_ && table_.size() == 0) break;
    if (stalled_since_ns_ != 0 && now - stalled_since_ns_ > stall_limit_ns()) {
      // The kernel has refused every packet for long: give up rather than hang (probes in flight are abandoned).
      outcome_ = EngineOutcome(stall_error_, "sendmmsg", failure_hint::kSendBufferStall,
                               std::string("The SYN engine could not send for ") + std::to_string(stall_limit_ns() / 1'000'000'000) +
                                   " s: every packet was refused (" + std::strerror(stall_error_) + ")");
      break;
    }
    if (sent == 0 && !had_replies) {
      // Nothing to do right now: sleep until the next token, timeout or reply (≤ 1 ms).
      int64_t wait = 1'000'000;
      // New probes wait while the consumer is behind (sink backlogged): then only retries and replies wake us.
      const bool fresh = !exhausted_ && !sink_.backlogged() && !(warming_ && table_.size() > 0);
      if (!send_queue_.empty() || fresh) wait = std::min(wait, std::max<int64_t>(bucket_.wait_ns(now), 20'000));
      const int32_t earliest = table_.earliest();
      if (earliest >= 0) wait = std::min(wait, table_.at(earliest).deadline_ns - now);
      wait = std::max<int64_t>(wait, 20'000);
      // While sending, wake often enough to keep the pacing smooth; while only waiting
      // for replies/timeouts, 1 ms granularity is plenty.
      const bool sending = !send_queue_.empty() || fresh;
      if (queue_.empty()) std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(wait, sending ? 200'000 : 1'000'000)));
    }
  }
  helper_.reset();
  receiver_.stop();
  if (!stop_.load(std::memory_order_relaxed) && outcome_.errno_value == 0) handle_replies(monotonic_ns());
  deliver(true, monotonic_ns());
  publish_stats();
}

void SynSweep::adjust_rate(int64_t now) {
  if (now - rate_window_start_ns_ >= AdaptiveRate::kMinIntervalNs) {
    const uint64_t sent = stats_.sent.load(std::memory_order_relaxed);
    achieved_rate_ = static_cast<double>(sent - rate_window_sent_) * 1e9 / static_cast<double>(now - rate_window_start_ns_);
    rate_window_sent_ = sent;
    rate_window_start_ns_ = now;
  }
  const double before = rate_.rate();
  const uint32_t burst_before = rate_.burst();
  const RttEstimator& rtt = timing_.sweep();
  rate_.tick(now, achieved_rate_, rtt.has_samples() ? rtt.srtt_ns() : 0, rtt.timeout_ns());
  if (rate_.rate() != before || rate_.burst() != burst_before) bucket_.set_rate(rate_.rate(), rate_.burst(), now);
}

void SynSweep::handle_replies(int64_t now) {
  ReplyEvent events[256];
  size_t n;
  while ((n = queue_.pop(events, 256)) > 0) {
    for (size_t i = 0; i < n; ++i) tarpit_.prefetch(events[i].target);
    for (size_t i = 0; i < n; ++i) {
      const ReplyEvent& e = events[i];
      warming_ = false;  // an answer came back: the path (and its neighbour entry) works
      // Matched on (address, port, local port): the local port names the try, which must have been sent.
      const int32_t slot = table_.find(e.target, e.target_port);
      if (slot < 0 || e.try_index >= table_.at(slot).tries) {
        ++duplicates_;  // a second answer, one arriving after the probe was decided, or to a try never sent
        continue;
      }
      InflightProbe& p = table_.at(slot);
      // The reply names the try it answers (by its source port), so timing is unambiguous.
      const uint32_t answered_try = e.try_index;
      int64_t sent_ns = -1;
      if (answered_try + 1u == p.tries) sent_ns = p.last_sent_ns;
      else if (answered_try + 2u == p.tries) sent_ns = p.previous_sent_ns;
      const int64_t rtt = sent_ns >= 0 ? std::max<int64_t>(e.received_ns - sent_ns, 0) : -1;
      if (rtt >= 0) timing_.sample(p.target.address, rtt);
      const uint32_t rtt_micros = rtt >= 0 ? static_cast<uint32_t>(std::min<int64_t>(rtt / 1000, 0xfffffffe)) : 0xffffffffu;
      const uint8_t tries = static_cast<uint8_t>(answered_try + 1);
      if (p.holding && e.state != PortState::Open) continue;  // a negative answer is held already; only a SYN-ACK changes it
      if (!p.holding) {
        if (answered_try >= 1 && answered_try + 1u == p.tries) {
          // The latest try was answered and the one before it never was: a loss.
          const double before = rate_.rate();
          rate_.on_answer(true, p.previous_sent_ns, p.rate_at_previous_send, now);
          if (rate_.rate() != before) bucket_.set_rate(rate_.rate(), rate_.burst(), now);
          max_answered_retry_ = std::max(max_answered_retry_, answered_try);
        } else {
          // First try answered, or a late answer to an earlier try (the wait was too short, not a loss).
          rate_.on_answer(false, 0, 0, now);
        }
      }
      if (e.state != PortState::Open && answered_try > 0) {
        // An earlier try may still be answered with a SYN-ACK: hold this answer until then.
        p.waiting_resend = false;  // a queued resend is skipped
        p.holding = true;
        p.held = HeldAnswer{e.state, e.reason, e.ttl, tries, rtt_micros};
        table_.arm(slot, now, timing_.retry_wait_ns(p.target.address));
        continue;
      }
      stats_.answered.fetch_add(1, std::memory_order_relaxed);
      finalize(slot, e.state, e.reason, rtt_micros, e.ttl, tries);
    }
  }
}

void SynSweep::end_warm_up(int64_t now) {
  warming_ = false;
  // The warm-up probe's try left only now (the kernel held it until its next hop resolved): its wait starts now.
  if (warm_slot_ < 0) return;
  InflightProbe& p = table_.at(warm_slot_);
  if (p.in_use && p.sequence == warm_sequence_ && p.timer != kNoTimer && !p.holding) {
    p.last_sent_ns = now;
    table_.arm(warm_slot_, now, wait_after_send(p));
  }
}

void SynSweep::expire(int64_t now) {
  const uint32_t allowed = allowed_retries();
  int32_t slot;
  while ((slot = table_.earliest()) >= 0) {
    InflightProbe& p = table_.at(slot);
    if (p.deadline_ns > now) break;
    if (warming_ && slot == warm_slot_ && p.sequence == warm_sequence_ && !p.holding) {
      // The warm-up probe waits in the kernel for its next hop: not silent yet.
      table_.arm(slot, now, 1'000'000);
      continue;
    }
    table_.disarm(slot);
    if (p.holding) {
      stats_.answered.fetch_add(1, std::memory_order_relaxed);
      finalize(slot, p.held.state, p.held.reason, p.held.rtt_micros, p.held.ttl, p.held.tries);
    } else if (p.tries <= allowed) {
      p.waiting_resend = true;
      send_queue_.emplace_back(slot, p.sequence);
    } else {
      stats_.silent.fetch_add(1, std::memory_order_relaxed);
      finalize(slot, PortState::Filtered, Reason::Timeout, 0xffffffffu, 0);
    }
  }
}

size_t SynSweep::send(int64_t now, uint32_t budget) {
  size_t queued = 0;
  auto enqueue = [&](int32_t slot) {
    InflightProbe& p = table_.at(slot);
    const Address& destination = p.target.address;
    const RouteAnswer route = router_.lookup(destination);
    int error = route.error;
    if (!error && destination.family == 6 && sockets_.tcp6 < 0) error = sockets_.ipv6_error ? sockets_.ipv6_error : EAFNOSUPPORT;
    if (error) {
      stats_.send_errors.fetch_add(1, std::memory_order_relaxed);
      const bool host = error == EHOSTUNREACH;
      const bool prohibited = error == EACCES || error == EPERM;
      finalize(slot, prohibited ? PortState::Filtered : PortState::Unreachable,
               prohibited ? Reason::IcmpProhibited : host ? Reason::HostUnreachable : Reason::NetUnreachable,
               0xffffffffu, 0);
      return;
    }
    const bool self_sourced = route.source.family == destination.family && route.source.bytes == destination.bytes;
    if (p.tries == 0 && self_sourced) ++self_sourced_;
    // A local destination needs no neighbour: no warm-up. Otherwise this probe is the warm-up's one.
    if (warming_ && self_sourced) warming_ = false;
    if (warming_) warm_destination_ = destination;
    // Each try leaves from a source port of its own (a 4-tuple of its own).
    const uint16_t local_port = cookie_.source_port(destination, p.target.port, port_first_, port_count_, p.tries);
    const uint32_t sequence = cookie_.cookie(route.source, destination, local_port, p.target.port);
    Batch& b = current(destination.family);
    SynTemplate& t = destination.family == 4 ? template4_ : template6_;
    t.set(route.source, destination, local_port, p.target.port, sequence);
    const unsigned i = b.count++;
    b.slots[i] = slot;
    sockaddr_in6& name = b.names[i];
    std::memset(&name, 0, sizeof(name));
    if (destination.family == 4) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&name);
      sin->sin_family = AF_INET;
      std::memcpy(&sin->sin_addr, destination.bytes.data(), 4);
      std::memcpy(b.packets[i], t.bytes(), t.size());
      b.vectors[i] = iovec{b.packets[i], t.size()};
    } else {
      name.sin6_family = AF_INET6;
      std::memcpy(&name.sin6_addr, destination.bytes.data(), 16);
      std::memcpy(b.packets[i], t.tcp_bytes(), t.tcp_size());
      b.vectors[i] = iovec{b.packets[i], t.tcp_size()};
    }
    b.messages[i] = mmsghdr{};
    b.messages[i].msg_hdr.msg_name = &name;
    b.messages[i].msg_hdr.msg_namelen = destination.family == 4 ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
    b.messages[i].msg_hdr.msg_iov = &b.vectors[i];
    b.messages[i].msg_hdr.msg_iovlen = 1;
    ++queued;
    if (b.count == kSendBatch || (destination.family == 4 && helper_ && !pending4_ && b.count >= handoff_size_)) {
      flush_batch(destination.family, now);
    }
  };
  handoff_size_ = std::clamp<unsigned>(budget / 2, 16, kSendBatch);
  // Retransmissions and deferred sends first: they are the oldest work.
  while (queued < budget && !send_queue_.empty()) {
    const auto [slot, sequence] = send_queue_.front();
    send_queue_.pop_front();
    InflightProbe& p = table_.at(slot);
    if (!p.in_use || p.sequence != sequence || !p.waiting_resend) continue;  // decided meanwhile
    p.waiting_resend = false;
    enqueue(slot);
  }
  while (queued < budget && !exhausted_ && !table_.full() && !positions_.full() && !sink_.backlogged()) {
    if (warming_ && table_.size() > 0) {
      // The warm-up probe is out: the rest wait for its next hop (polled at most every millisecond).
      if (now >= warm_until_ns_) {
        end_warm_up(now);
      } else if (now >= next_warm_poll_ns_) {
        next_warm_poll_ns_ = now + 1'000'000;
        if (next_hop_state(warm_destination_) != NextHopState::Pending) end_warm_up(now);
      }
      if (warming_) break;
    }
    ProbeTarget target;
    if (!targets_.next(target)) {
      exhausted_ = true;
      break;
    }
    after_last_position_ = target.position + 1;
    const uint64_t sequence = positions_.push(target.position);
    const int32_t slot = table_.insert(target, sequence);
    if (warming_) {
      warm_slot_ = slot;
      warm_sequence_ = sequence;
    }
    enqueue(slot);
    if (warming_ && table_.size() > 0) {
      // The warm-up probe: send it now, ask about its next hop once it is out.
      next_warm_poll_ns_ = now + 1'000'000;
      break;
    }
  }
  flush_batch(4, now);
  flush_batch(6, now);
  complete_pending(now);
  return queued;
}

void SynSweep::flush_batch(uint8_t family, int64_t now) {
  Batch& b = current(family);
  if (b.count == 0) return;
  if (family == 4 && helper_ && !pending4_ && b.count >= handoff_size_) {
    // Out to the helper; this thread fills the other batch meanwhile.
    helper_->submit(b.messages, b.count);
    pending4_ = true;
    pending_index_ = current4_;
    pending_now_ = now;
    current4_ ^= 1u;
    return;
  }
  send_batch(b, family == 4 ? sockets_.send4 : sockets_.tcp6, 0, now);
  if (family == 4) complete_pending(now);
}

void SynSweep::complete_pending(int64_t now) {
  if (!pending4_) return;
  unsigned sent = 0;
  int error = 0;
  helper_->wait(sent, error);
  pending4_ = false;
  Batch& b = batch4_[pending_index_];
  unsigned start = 0;
  if (settle(b, start, sent, error, pending_now_)) send_batch(b, sockets_.send4, start, now);
  b.count = 0;
}

void SynSweep::send_batch(Batch& b, int fd, unsigned start, int64_t now) {
  while (start < b.count) {
    unsigned sent = 0;
    const int error = send_messages(fd, b.messages + start, b.count - start, sent);
    if (!settle(b, start, sent, error, now)) break;
  }
  b.count = 0;
}

bool SynSweep::settle(Batch& b, unsigned& start, unsigned sent, int error, int64_t now) {
  const float rate = static_cast<float>(rate_.rate());
  for (unsigned i = start; i < start + sent; ++i) {
    InflightProbe& p = table_.at(b.slots[i]);
    if (p.tries > 0) stats_.retried.fetch_add(1, std::memory_order_relaxed);
    ++p.tries;
    p.rate_at_previous_send = p.rate_at_send;
    p.rate_at_send = rate;
    p.previous_sent_ns = p.last_sent_ns;
    p.last_sent_ns = now;
    table_.arm(b.slots[i], now, wait_after_send(p));
  }
  stats_.sent.fetch_add(sent, std::memory_order_relaxed);
  start += sent;
  if (sent > 0) stalled_since_ns_ = 0;
  if (error == 0) return start < b.count;
  if (error == ENOBUFS || error == EAGAIN || error == ENOMEM) {
    if (stalled_since_ns_ == 0) stalled_since_ns_ = now;
    stall_error_ = error;
    // Local queue full: defer the rest (they keep their tries) and slow down.
    stats_.local_deferrals.fetch_add(b.count - start, std::memory_order_relaxed);
    for (unsigned i = start; i < b.count; ++i) {
      InflightProbe& p = table_.at(b.slots[i]);
      p.waiting_resend = true;
      send_queue_.emplace_front(b.slots[i], p.sequence);
    }
    rate_.on_local_congestion(achieved_rate_ > 0 ? achieved_rate_ : rate_.rate(), now);
    bucket_.set_rate(rate_.rate(), rate_.burst(), now);
    return false;
  }
  // This one probe cannot be sent (no route, rejected by a local firewall …).
  stats_.send_errors.fetch_add(1, std::memory_order_relaxed);
  const bool prohibited = error == EACCES || error == EPERM;
  finalize(b.slots[start], prohibited ? PortState::Filtered : PortState::Unreachable,
           prohibited ? Reason::IcmpProhibited : error == EHOSTUNREACH ? Reason::HostUnreachable : Reason::NetUnreachable,
           0xffffffffu, 0);
  ++start;
  return start < b.count;
}

void SynSweep::finalize(int32_t slot, PortState state, Reason reason, uint32_t rtt_micros, uint8_t ttl, uint8_t tries) {
  InflightProbe& p = table_.at(slot);
  ProbeResult r;
  r.target = p.target;
  r.state = state;
  r.reason = reason;
  r.tries = tries > 0 ? tries : static_cast<uint8_t>(std::max<int>(p.tries, 1));
  r.ttl = ttl;
  r.rtt_micros = rtt_micros;
  r.flags = tarpit_.record(p.target.address, state);
  results_.push_back(r);
  positions_.mark_done(p.sequence);
  table_.remove(slot);
  stats_.completed.fetch_add(1, std::memory_order_relaxed);
}

void SynSweep::deliver(bool force, int64_t now) {
  if (results_.empty()) return;
  if (!force && results_.size() < kResultBatch && now - last_delivery_ns_ < kResultFlushNs) return;
  publish_stats();
  sink_.deliver(results_.data(), results_.size());
  results_.clear();
  last_delivery_ns_ = now;
}

void SynSweep::publish_stats() {
  stats_.watermark.store(positions_.watermark(after_last_position_), std::memory_order_relaxed);
  stats_.current_rate.store(rate_.rate(), std::memory_order_relaxed);
  stats_.invalid_replies.store(counters_.invalid.load(std::memory_order_relaxed) + duplicates_, std::memory_order_relaxed);
  stats_.receive_drops.store(
      counters_.kernel_drops.load(std::memory_order_relaxed) + counters_.queue_drops.load(std::memory_order_relaxed),
      std::memory_order_relaxed);
}

class SynEngine final : public ProbeEngine {
 public:
  explicit SynEngine(uint64_t seed) : seed_(seed) {}

  EngineOutcome run(TargetCursor& targets, const EngineOptions& options, ResultSink& sink, SweepStats& stats,
                    const std::atomic<bool>& stop) override {
    uint16_t first = 0, last = 0;
    choose_local_port_range(first, last);
    RawSockets sockets;
    const int error = open_raw_sockets(sockets, first, last, targets.includes_family(6));
    if (error == EPERM || error == EACCES) {
      return {error, sockets.failed_call, failure_hint::kRawSocketPermission, permission_message(error)};
    }
    if (error) {
      return {error, sockets.failed_call,
              error == EMFILE || error == ENFILE ? failure_hint::kDescriptorLimit : failure_hint::kEngineFailure,
              std::string("Cannot open the raw sockets of the SYN engine: ") + std::strerror(error)};
    }
    // The cookie key must be unpredictable, or anyone could forge answers: no
    // fallback to a clock or an address when the kernel cannot give randomness.
    uint64_t secret[2] = {0, 0};
    if (getrandom(secret, sizeof(secret), 0) != static_cast<ssize_t>(sizeof(secret))) {
      const int random_error = errno != 0 ? errno : EIO;
      close_raw_sockets(sockets);
      return {random_error, "getrandom", failure_hint::kRandomnessUnavailable,
              std::string("Cannot key the SYN cookies: getrandom() failed (") + std::strerror(random_error) + ")"};
    }
    EngineOutcome outcome;
    {
      auto sweep = std::make_unique<SynSweep>(seed_, secret[0], secret[1], sockets, first, last, targets, options, sink,
                                              stats, stop);
      outcome = sweep->run();
      outcome.sources = sweep->router().sources();
      outcome.self_sourced = sweep->self_sourced();
    }
    close_raw_sockets(sockets);
    return outcome;
  }

 private:
  uint64_t seed_;
};

}  // namespace

bool can_use_raw_sockets() { return raw_sockets_permitted(); }

std::unique_ptr<ProbeEngine> make_syn_engine(uint64_t seed) { return std::make_unique<SynEngine>(seed); }

}  // namespace portpick
