#include "connect_engine.h"

#include <algorithm>
#include <cerrno>
#include <new>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "connect_run.h"
#include "monotonic_clock.h"
#include "rlimit.h"
#include "thread_name.h"

namespace portpick {

namespace {

constexpr uint32_t kWindowCap = 20000;
constexpr uint32_t kDescriptorReserve = 256;  // for the host program, epoll, pipes …
// Worker threads: on loopback and AnyIP targets most of a probe's cost is the
// kernel's TCP work done inside connect() on the calling thread, so a second
// thread nearly doubles the rate when a core is free. Small windows and low rate
// ceilings stay on one thread (nothing to gain, and the window stays exact).
constexpr unsigned kMaxWorkers = 2;
constexpr uint32_t kMinWindowPerWorker = 64;
constexpr double kMinRatePerWorker = 10000;

// How many worker threads a sweep with these options gets.
unsigned connect_workers(const EngineOptions& options, uint32_t window) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  unsigned workers = std::min(kMaxWorkers, cores);
  if (window < kMinWindowPerWorker * workers) workers = 1;
  if (options.rate > 0 && options.rate < kMinRatePerWorker * workers) workers = 1;
  return workers;
}

class ConnectEngine final : public ProbeEngine {
 public:
  explicit ConnectEngine(ConnectOutcomeTable outcomes) : outcomes_(std::move(outcomes)) {}

  EngineOutcome run(TargetCursor& targets, const EngineOptions& options, ResultSink& sink, SweepStats& stats,
                    const std::atomic<bool>& stop) override {
    const DescriptorLimit limit = raise_descriptor_limit();
    const uint32_t window = options.window > 0 ? options.window : automatic_connect_window(limit.hard);
    const unsigned workers = connect_workers(options, window);
    ConnectShared shared(targets, stats);
    std::vector<EngineOutcome> outcomes(workers);
    // Every failure inside a worker becomes the sweep's outcome (an exception
    // leaving a thread would end the process).
    const auto work = [&](unsigned index) {
      if (index > 0) name_thread("pp-connect");
      try {
        WorkerLimits limits;
        // The window and the rate ceiling are split between the workers.
        limits.window = window / workers + (index < window % workers ? 1 : 0);
        limits.rate = options.rate / workers;
        limits.workers = workers;
        outcomes[index] = run_connect_worker(shared, options, outcomes_, limits, sink, stats, stop);
      } catch (const std::bad_alloc&) {
        shared.errors.fail({ENOMEM, "malloc", failure_hint::kOutOfMemory, "The connect engine ran out of memory"});
      } catch (const std::system_error& e) {
        shared.errors.fail({e.code().value() != 0 ? e.code().value() : EAGAIN, "pthread_create", failure_hint::kThreadStart,
                            std::string("The connect engine failed: ") + e.what()});
      } catch (const std::exception& e) {
        shared.errors.fail({EIO, "engine", failure_hint::kEngineFailure, std::string("The connect engine failed: ") + e.what()});
      }
    };
    const int64_t start = monotonic_ns();
    std::vector<std::thread> threads;
    for (unsigned i = 1; i < workers; ++i) {
      // A worker that cannot start leaves its share to the others (they pull from one cursor).
      try {
        threads.emplace_back(work, i);
      } catch (const std::system_error&) {
        break;
      }
    }
    work(0);
    for (std::thread& t : threads) t.join();
    const int64_t elapsed = monotonic_ns() - start;
    if (elapsed > 0) {
      stats.current_rate.store(static_cast<double>(stats.sent.load()) * 1e9 / static_cast<double>(elapsed));
    }
    return shared.errors.outcome();
  }

 private:
  ConnectOutcomeTable outcomes_;
};

}  // namespace

uint32_t automatic_connect_window(uint64_t descriptor_hard_limit) {
  if (descriptor_hard_limit <= kDescriptorReserve + kMinConnectWindow) return kMinConnectWindow;
  return static_cast<uint32_t>(std::min<uint64_t>(descriptor_hard_limit - kDescriptorReserve, kWindowCap));
}

std::unique_ptr<ProbeEngine> make_connect_engine(ConnectOutcomeTable outcomes) {
  return std::make_unique<ConnectEngine>(std::move(outcomes));
}

}  // namespace portpick
