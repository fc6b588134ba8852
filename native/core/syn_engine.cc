// Placeholder until the SYN engine lands: reports ENOTSUP honestly.
#include "syn_engine.h"

#include <cerrno>

namespace portpick {
namespace {
class UnavailableSynEngine final : public ProbeEngine {
 public:
  EngineOutcome run(TargetCursor&, const EngineOptions&, ResultSink&, SweepStats&,
                    const std::atomic<bool>&) override {
    return {ENOTSUP, "the SYN engine is not built into this version; use --mode connect"};
  }
};
}  // namespace

bool can_use_raw_sockets() { return false; }
std::unique_ptr<ProbeEngine> make_syn_engine(uint64_t) { return std::make_unique<UnavailableSynEngine>(); }
std::vector<SelfTestResult> syn_selftests() { return {}; }

}  // namespace portpick
