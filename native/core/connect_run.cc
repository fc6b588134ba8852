#include "connect_run.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "monotonic_clock.h"
#include "rate_control.h"

namespace portpick {

namespace {

constexpr int kMaxEvents = 1024;
// Launches per loop turn before results are flushed and `stop` is checked again
// (on loopback nearly every probe is decided inside connect() itself).
constexpr uint32_t kLaunchBurst = 2048;
constexpr int64_t kMillis = 1000000;
constexpr int64_t kStopPollNs = 20 * kMillis;
constexpr int64_t kDeferralBackoffNs = 2 * kMillis;
constexpr int64_t kWindowRegrowQuietNs = 100 * kMillis;
// Nothing in flight and every launch deferred for this long: give up with an error.
constexpr int64_t kStallLimitNs = 30000 * kMillis;
// Probes a worker takes from the shared cursor per lock.
constexpr size_t kCursorBlock = 64;
// A probe answered after the kernel retransmitted its SYN (Linux waits
// TCP_TIMEOUT_INIT = 1 s before the first retransmission) proves a SYN was
// lost, as one answered only on a later try does (congestion_cap.h).
constexpr int64_t kKernelSynRetransmitNs = 1000 * kMillis;
// Proven loss also earns silent probes extra tries (sweep_types.h), up to this many in all.
constexpr uint32_t kMaxAdaptiveTries = kMaxAdaptiveRetries + 1;
// Spare sockets kept per address family for the next probe.
constexpr size_t kSpareSockets = 16;

// Local resource shortage: try the same probe again later, never a port state.
bool is_transient(int err) {
  return err == EMFILE || err == ENFILE || err == EADDRNOTAVAIL || err == ENOBUFS || err == ENOMEM ||
         err == EAGAIN || err == EINTR;
}

socklen_t to_sockaddr(const ProbeTarget& t, sockaddr_storage& storage) {
  std::memset(&storage, 0, sizeof storage);
  if (t.address.family == 4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(&storage);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(t.port);
    std::memcpy(&sin->sin_addr, t.address.bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(&storage);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(t.port);
  std::memcpy(&sin6->sin6_addr, t.address.bytes.data(), 16);
  return sizeof(sockaddr_in6);
}

std::string describe(const ProbeTarget& t) {
  char text[INET6_ADDRSTRLEN] = "?";
  inet_ntop(t.address.family == 4 ? AF_INET : AF_INET6, t.address.bytes.data(), text, sizeof text);
  return (t.address.family == 4 ? std::string(text) : "[" + std::string(text) + "]") + ":" +
         std::to_string(t.port);
}

// A probe waiting to be (re)launched.
struct Pending {
  ProbeTarget target;
  uint64_t ticket;  // CompletionWindow ticket
  uint8_t tries;    // tries already made
};

// A probe in flight.
struct Slot {
  Pending probe;
  int64_t started_ns = 0;
  int fd = -1;
  uint32_t generation = 0;
  bool busy = false;
};

struct Deadline {
  int64_t at_ns;
  uint32_t slot;
  uint32_t generation;
};

class ConnectRun {
 public:
  ConnectRun(ConnectShared& shared, const EngineOptions& options, const ConnectOutcomeTable& outcomes, WorkerLimits limits,
             ResultSink& sink, SweepStats& stats, const std::atomic<bool>& stop)
      : shared_(shared), options_(options), outcomes_(outcomes), limits_(limits), sink_(sink), stats_(stats), stop_(stop) {}

  ~ConnectRun() {
    for (Slot& s : slots_) {
      if (s.busy) close(s.fd);
    }
    for (auto& pool : spare_sockets_) {
      for (int fd : pool) close(fd);
    }
    if (epoll_fd_ >= 0) close(epoll_fd_);
  }

  EngineOutcome run();

 private:
  EngineOutcome run_loop();
  void fill(int64_t now);
  void launch(Pending probe, int64_t now);
  void decide(int fd, const Pending& probe, uint8_t tries, int64_t started_ns, int err, int64_t now);
  // Closes `fd`, or keeps it for the next probe when `reusable` and the pool has room.
  void release_socket(int fd, int family_index, bool reusable);
  void on_silent(const Pending& probe, uint8_t tries);
  // Re-queues a probe that met a local shortage (`shortage`: shrink the window) or a self-connect.
  // `cause`/`syscall`: the error that deferred it (named if the sweep stalls).
  void defer(const Pending& probe, int64_t now, bool shortage = true, int cause = EMFILE, const char* syscall = "connect");
  void emit(const Pending& probe, uint8_t tries, PortState state, Reason reason, uint32_t rtt_micros);
  void handle_event(const epoll_event& event, int64_t now);
  void expire(int64_t now);
  void flush();
  void fail(int err, const char* syscall, const char* hint, std::string message) {
    if (outcome_.errno_value == 0) {
      outcome_ = {err, syscall, hint, std::move(message)};
      shared_.errors.fail(outcome_);
    }
  }
  bool can_launch_now(int64_t now) const;
  int wait_timeout_ms(int64_t now) const;
  // Sets the pacing to the rate in effect now: the user's ceiling, or the congestion cap when lower.
  void pace(int64_t now);
  // A retry answered, or an answer after the kernel's own SYN retransmission: a SYN was lost.
  void on_loss(int64_t now, uint8_t answered_try);

  ConnectShared& shared_;
  const EngineOptions& options_;
  const ConnectOutcomeTable& outcomes_;
  const WorkerLimits limits_;
  ResultSink& sink_;
  SweepStats& stats_;
  const std::atomic<bool>& stop_;

  EngineOutcome outcome_;
  std::deque<Pending> fresh_;           // taken from the shared cursor, not launched yet
  std::vector<uint64_t> finished_tickets_;  // results not yet delivered
  int epoll_fd_ = -1;
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_slots_;
  std::deque<Deadline> deadlines_;
  std::deque<Pending> waiting_;  // retries and deferred probes, launched before new ones
  std::vector<ProbeResult> results_;
  // Sockets whose connect() failed synchronously (refused, unreachable): the
  // kernel already disconnected them, so they can connect again at once. On
  // loopback this halves the system calls per closed port.
  std::vector<int> spare_sockets_[2];  // [0] IPv4, [1] IPv6
  bool exhausted_ = false;
  bool synchronous_ = false;  // decide() runs on a connect() return value, not an epoll event
  uint32_t in_flight_ = 0;
  uint32_t max_window_ = kMinConnectWindow;
  uint32_t window_limit_ = kMinConnectWindow;
  int64_t timeout_ns_ = 0;
  uint8_t max_tries_ = 1;
  int64_t backoff_until_ns_ = 0;
  int64_t last_deferral_ns_ = 0;
  int64_t stalled_since_ns_ = 0;  // 0 = not stalled
  double rate_ = 0;  // in effect for this worker, 0 = none
  TokenBucket pacing_;
  // currentRate bookkeeping.
  int64_t rate_mark_ns_ = 0;
  uint64_t rate_mark_sent_ = 0;
};

EngineOutcome ConnectRun::run() {
  try {
    return run_loop();
  } catch (...) {
    // Hand over the results decided so far before the failure travels on.
    try {
      flush();
    } catch (...) {
    }
    throw;
  }
}

EngineOutcome ConnectRun::run_loop() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) {
    const int err = errno;
    return {err, "epoll_create1", err == EMFILE || err == ENFILE ? failure_hint::kDescriptorLimit : failure_hint::kEngineFailure,
            std::string("epoll_create1 failed: ") + std::strerror(err)};
  }
  max_window_ = limits_.window;
  window_limit_ = max_window_;
  slots_.resize(max_window_);
  free_slots_.reserve(max_window_);
  for (uint32_t i = max_window_; i > 0; --i) free_slots_.push_back(i - 1);
  timeout_ns_ = int64_t{std::max<uint32_t>(options_.timeout_ms, 1)} * kMillis;
  max_tries_ = static_cast<uint8_t>(std::min<uint32_t>(options_.retries, 254) + 1);
  results_.reserve(kLaunchBurst + kMaxEvents);
  finished_tickets_.reserve(kLaunchBurst + kMaxEvents);
  const int64_t start = monotonic_ns();
  rate_mark_ns_ = start;
  pace(start);

  std::vector<epoll_event> events(kMaxEvents);
  while (outcome_.errno_value == 0) {
    if (stop_.load(std::memory_order_relaxed) || shared_.errors.failed()) break;  // abandon what is in flight
    int64_t now = monotonic_ns();
    expire(now);
    fill(now);
    flush();
    if (outcome_.errno_value != 0) break;
    if (in_flight_ == 0 && waiting_.empty() && exhausted_) break;
    const int n = epoll_wait(epoll_fd_, events.data(), kMaxEvents, wait_timeout_ms(monotonic_ns()));
    if (n < 0 && errno != EINTR) {
      const int err = errno;
      fail(err, "epoll_wait", failure_hint::kEngineFailure, std::string("epoll_wait failed: ") + std::strerror(err));
      break;
    }
    now = monotonic_ns();
    for (int i = 0; i < n; ++i) handle_event(events[static_cast<size_t>(i)], now);
    flush();
    if (now - rate_mark_ns_ >= 250 * kMillis) {
      // stats.sent counts every worker's probes: the rate of the whole sweep.
      const uint64_t sent = stats_.sent.load(std::memory_order_relaxed);
      stats_.current_rate.store(static_cast<double>(sent - rate_mark_sent_) * 1e9 /
                                static_cast<double>(now - rate_mark_ns_));
      rate_mark_ns_ = now;
      rate_mark_sent_ = sent;
    }
  }
  flush();
  return outcome_;
}

bool ConnectRun::can_launch_now(int64_t now) const {
  if (in_flight_ >= window_limit_ || now < backoff_until_ns_) return false;
  if (waiting_.empty() && exhausted_) return false;
  if (waiting_.empty() && sink_.backlogged()) return false;  // new probes wait for the consumer; retries go on
  return true;
}

void ConnectRun::pace(int64_t now) {
  // Both the ceiling and the cap are split between the workers.
  const double cap = shared_.congestion.rate_cap(now) / limits_.workers;
  const double rate = cap > 0 && (limits_.rate <= 0 || cap < limits_.rate) ? cap : limits_.rate;
  if (rate == rate_) return;
  const bool starts = rate_ <= 0;
  rate_ = rate;
  pacing_.set_rate(rate_, std::max(1.0, rate_ / 100.0), now);  // at most 10 ms worth at once
  if (starts) pacing_.set_tokens(1);  // pacing that begins lets one probe leave at once
}

void ConnectRun::on_loss(int64_t now, uint8_t answered_try) {
  shared_.congestion.on_loss(now, answered_try, stats_.completed.load(std::memory_order_relaxed),
                             stats_.current_rate.load(std::memory_order_relaxed));
}

int ConnectRun::wait_timeout_ms(int64_t now) const {
  int64_t wake = now + kStopPollNs;
  const bool room = in_flight_ < window_limit_ && !(waiting_.empty() && (exhausted_ || sink_.backlogged()));
  if (room) {
    if (now < backoff_until_ns_) {
      wake = std::min(wake, backoff_until_ns_);
    } else if (const int64_t pause = pacing_.wait_ns(now); pause > 0) {
      wake = std::min(wake, now + pause);
    } else {
      return 0;
    }
  }
  if (!deadlines_.empty()) wake = std::min(wake, std::max(deadlines_.front().at_ns, now));
  if (wake <= now) return 0;
  return static_cast<int>((wake - now + kMillis - 1) / kMillis);
}

void ConnectRun::fill(int64_t now) {
  pace(now);
  if (window_limit_ < max_window_ && now - last_deferral_ns_ > kWindowRegrowQuietNs) {
    // Quiet since the last shortage: grow back towards the configured window.
    window_limit_ = std::min(max_window_, window_limit_ + window_limit_ / 4 + 1);
  }
  const uint32_t budget = pacing_.take(now, kLaunchBurst);  // all of it when not paced
  uint32_t launched = 0;
  while (launched < budget && can_launch_now(now)) {
    Pending probe;
    if (!waiting_.empty()) {
      probe = waiting_.front();
      waiting_.pop_front();
    } else if (!fresh_.empty() || shared_.cursor.take(fresh_, kCursorBlock)) {
      probe = fresh_.front();
      fresh_.pop_front();
    } else {
      exhausted_ = true;
      break;
    }
    ++launched;
    launch(probe, now);
    if (outcome_.errno_value != 0) break;
  }
  pacing_.give_back(budget - launched);
}

void ConnectRun::release_socket(int fd, int family_index, bool reusable) {
  auto& pool = spare_sockets_[family_index];
  if (reusable && pool.size() < kSpareSockets) {
    pool.push_back(fd);
  } else {
    close(fd);
  }
}

void ConnectRun::launch(Pending probe, int64_t now) {
  const bool v4 = probe.target.address.family == 4;
  auto& pool = spare_sockets_[v4 ? 0 : 1];
  int fd = -1;
  if (!pool.empty()) {
    fd = pool.back();
    pool.pop_back();
  } else {
    fd = socket(v4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  }
  if (fd < 0) {
    const int err = errno;
    if (is_transient(err)) return defer(probe, now, true, err, "socket");
    return fail(err, "socket", failure_hint::kEngineFailure,
                std::string("socket() failed for ") + describe(probe.target) + ": " + std::strerror(err));
  }
  sockaddr_storage address;
  const socklen_t length = to_sockaddr(probe.target, address);
  const auto* sa = reinterpret_cast<const sockaddr*>(&address);
  int err = connect(fd, sa, length) == 0 ? 0 : errno;
  if (err != EINPROGRESS && outcomes_.at(err).action == ConnectAction::Deferred) {
    close(fd);
    return defer(probe, now, true, err, "connect");
  }
  const uint8_t tries = static_cast<uint8_t>(probe.tries + 1);
  stats_.sent.fetch_add(1, std::memory_order_relaxed);
  if (probe.tries > 0) stats_.retried.fetch_add(1, std::memory_order_relaxed);
  stalled_since_ns_ = 0;
  if (err == EINPROGRESS) {
    // On loopback and AnyIP the whole handshake (or the RST) is processed before
    // connect() returns; asking again reports it without an epoll round trip.
    // Elsewhere it answers EALREADY and costs one cheap system call.
    const int again = connect(fd, sa, length) == 0 ? 0 : errno;
    if (again == EALREADY || again == EINPROGRESS) {
      if (free_slots_.empty()) {  // cannot happen: in_flight_ < window_limit_ ≤ slots
        close(fd);
        return fail(EINVAL, "connect", failure_hint::kEngineFailure, "connect engine slot accounting failed");
      }
      const uint32_t index = free_slots_.back();
      Slot& slot = slots_[index];
      epoll_event event{};
      event.events = EPOLLOUT;
      event.data.u64 = (uint64_t{slot.generation} << 32) | index;
      if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
        const int ctl_err = errno;
        close(fd);
        if (is_transient(ctl_err) || ctl_err == ENOSPC) return defer(probe, now, true, ctl_err, "epoll_ctl");
        return fail(ctl_err, "epoll_ctl", failure_hint::kEngineFailure, std::string("epoll_ctl failed: ") + std::strerror(ctl_err));
      }
      free_slots_.pop_back();
      slot.probe = probe;
      slot.probe.tries = tries;
      slot.fd = fd;
      slot.started_ns = now;
      slot.busy = true;
      ++in_flight_;
      deadlines_.push_back({now + timeout_ns_, index, slot.generation});
      return;
    }
    err = again == EISCONN ? 0 : again;
  }
  const ConnectAction action = outcomes_.at(err).action;
  if (tries > 1 && (action == ConnectAction::Decided || action == ConnectAction::Fatal)) {
    on_loss(now, tries);  // a retry answered at once
  }
  synchronous_ = true;
  decide(fd, probe, tries, now, err, monotonic_ns());
  synchronous_ = false;
}

void ConnectRun::decide(int fd, const Pending& probe, uint8_t tries, int64_t started_ns, int err,
                        int64_t now) {
  const uint32_t rtt = static_cast<uint32_t>(std::clamp<int64_t>((now - started_ns) / 1000, 0, 0xfffffffe));
  const int family_index = probe.target.address.family == 4 ? 0 : 1;
  const ConnectOutcome outcome = outcomes_.at(err);
  switch (outcome.action) {
    case ConnectAction::Decided:
      if (err == 0) {
        // A socket whose source address and port equal its destination connected
        // to itself (TCP simultaneous open on loopback): nobody listens there.
        sockaddr_storage local{};
        socklen_t local_length = sizeof local;
        sockaddr_storage remote{};
        const socklen_t remote_length = to_sockaddr(probe.target, remote);
        const bool self = getsockname(fd, reinterpret_cast<sockaddr*>(&local), &local_length) == 0 &&
                          local_length == remote_length && std::memcmp(&local, &remote, remote_length) == 0;
        const linger abort_on_close{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close);
        close(fd);
        if (self) {
          Pending again = probe;
          again.tries = static_cast<uint8_t>(tries - 1);
          return defer(again, now, false);
        }
      } else {
        // A socket whose connect() failed synchronously is disconnected already and can connect again.
        release_socket(fd, family_index,
                       synchronous_ && (err == ECONNREFUSED || err == EHOSTUNREACH || err == ENETUNREACH));
      }
      return emit(probe, tries, outcome.state, outcome.reason, rtt);
    case ConnectAction::Silent:
      close(fd);
      return on_silent(probe, tries);
    case ConnectAction::Deferred: {
      close(fd);
      Pending again = probe;
      again.tries = static_cast<uint8_t>(tries - 1);
      return defer(again, now, true, err, "connect");
    }
    case ConnectAction::Fatal:
      break;
  }
  close(fd);
  fail(err, "connect", failure_hint::kUnexpectedConnectError,
       std::string("connect() to ") + describe(probe.target) + " failed: " + std::strerror(err) +
           ", which no port state explains");
}

void ConnectRun::on_silent(const Pending& probe, uint8_t tries) {
  // Proven loss earns one try more than the highest try ever answered (never with --retries 0).
  const uint8_t proven = shared_.congestion.max_answered_try();
  const uint8_t allowed = max_tries_ > 1 && proven >= max_tries_
                              ? static_cast<uint8_t>(std::min<uint32_t>(proven + 1u, std::max<uint32_t>(max_tries_, kMaxAdaptiveTries)))
                              : max_tries_;
  if (tries < allowed) {
    Pending again = probe;
    again.tries = tries;
    waiting_.push_back(again);
    return;
  }
  stats_.silent.fetch_add(1, std::memory_order_relaxed);
  emit(probe, tries, PortState::Filtered, Reason::Timeout, 0xffffffffu);
}

void ConnectRun::defer(const Pending& probe, int64_t now, bool shortage, int cause, const char* syscall) {
  stats_.local_deferrals.fetch_add(1, std::memory_order_relaxed);
  waiting_.push_front(probe);
  if (!shortage) return;
  window_limit_ = std::max(kMinConnectWindow, std::min(window_limit_, in_flight_) * 3 / 4);
  backoff_until_ns_ = now + kDeferralBackoffNs;
  last_deferral_ns_ = now;
  if (in_flight_ == 0) {
    if (stalled_since_ns_ == 0) {
      stalled_since_ns_ = now;
    } else if (now - stalled_since_ns_ > kStallLimitNs) {
      const bool ports = cause == EADDRNOTAVAIL || cause == EADDRINUSE;
      fail(cause, syscall, ports ? failure_hint::kLocalPortsExhausted : failure_hint::kDescriptorLimit,
           std::string("connect sweep stalled: no socket could be opened or connected for 30 s (last error ") +
               std::strerror(cause) + (ports ? ": local ports exhausted)" : ": file descriptors or buffers exhausted)"));
    }
  }
}

void ConnectRun::emit(const Pending& probe, uint8_t tries, PortState state, Reason reason, uint32_t rtt_micros) {
  ProbeResult r;
  r.target = probe.target;
  r.state = state;
  r.reason = reason;
  r.tries = tries;
  r.rtt_micros = rtt_micros;
  results_.push_back(r);
  if (reason != Reason::Timeout) stats_.answered.fetch_add(1, std::memory_order_relaxed);
  finished_tickets_.push_back(probe.ticket);
}

void ConnectRun::handle_event(const epoll_event& event, int64_t now) {
  const uint32_t index = static_cast<uint32_t>(event.data.u64);
  const uint32_t generation = static_cast<uint32_t>(event.data.u64 >> 32);
  if (index >= slots_.size()) return;
  Slot& slot = slots_[index];
  if (!slot.busy || slot.generation != generation) return;
  int err = 0;
  socklen_t length = sizeof err;
  if (getsockopt(slot.fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
  if (err == 0 && !(event.events & EPOLLOUT)) err = ECONNREFUSED;  // hung up without an error or a connection
  const int fd = slot.fd;
  const Pending probe = slot.probe;
  const int64_t started = slot.started_ns;
  slot.busy = false;
  slot.fd = -1;
  ++slot.generation;
  free_slots_.push_back(index);
  --in_flight_;
  // The try counted in probe.tries is the one that just answered.
  Pending base = probe;
  base.tries = static_cast<uint8_t>(probe.tries - 1);
  const ConnectAction action = outcomes_.at(err).action;
  if ((action == ConnectAction::Decided || action == ConnectAction::Fatal) &&
      (probe.tries > 1 || now - started >= kKernelSynRetransmitNs)) {
    on_loss(now, probe.tries);
  }
  decide(fd, base, probe.tries, started, err, now);
}

void ConnectRun::expire(int64_t now) {
  while (!deadlines_.empty() && deadlines_.front().at_ns <= now) {
    const Deadline d = deadlines_.front();
    deadlines_.pop_front();
    Slot& slot = slots_[d.slot];
    if (!slot.busy || slot.generation != d.generation) continue;  // already answered
    close(slot.fd);
    const Pending probe = slot.probe;
    slot.busy = false;
    slot.fd = -1;
    ++slot.generation;
    free_slots_.push_back(d.slot);
    --in_flight_;
    Pending base = probe;
    base.tries = static_cast<uint8_t>(probe.tries - 1);
    on_silent(base, probe.tries);
  }
}

void ConnectRun::flush() {
  if (results_.empty()) return;
  sink_.deliver(results_.data(), results_.size());
  stats_.completed.fetch_add(results_.size(), std::memory_order_relaxed);
  // Finished (and the watermark published) after delivery: every position below
  // the watermark is in the sink already.
  shared_.cursor.finish(finished_tickets_);
  results_.clear();
}

}  // namespace

EngineOutcome run_connect_worker(ConnectShared& shared, const EngineOptions& options, const ConnectOutcomeTable& outcomes,
                                 WorkerLimits limits, ResultSink& sink, SweepStats& stats, const std::atomic<bool>& stop) {
  ConnectRun run(shared, options, outcomes, limits, sink, stats, stop);
  return run.run();
}

}  // namespace portpick
