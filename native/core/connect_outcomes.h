// What a connect() outcome (0 = connected, else an errno) says about a port.
// The table is not written here: TypeScript holds the one table both connect
// engines use (src/scan/connect-outcomes.ts) and hands it to the native engine
// encoded by this platform's errno numbers, 3 bytes per outcome: the kind, and
// for a decided outcome the port state and reason (the codes of boundary.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sweep_types.h"

namespace portpick {

struct ConnectOutcome {
  ConnectAction action = ConnectAction::Fatal;
  PortState state = PortState::Filtered;
  Reason reason = Reason::Timeout;
};

class ConnectOutcomeTable {
 public:
  static constexpr size_t kMaxCodes = 4096;
  // Reads the encoded table; false (and `error` says why) when it is malformed.
  bool parse(const uint8_t* bytes, size_t length, std::string& error);
  // The outcome of `code` (0 = connected); Fatal for codes the table lacks.
  ConnectOutcome at(int code) const {
    return code >= 0 && static_cast<size_t>(code) < entries_.size() ? entries_[static_cast<size_t>(code)] : ConnectOutcome{};
  }
  bool empty() const { return entries_.empty(); }

 private:
  std::vector<ConnectOutcome> entries_;
};

}  // namespace portpick
