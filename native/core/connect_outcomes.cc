#include "connect_outcomes.h"

namespace portpick {

bool ConnectOutcomeTable::parse(const uint8_t* bytes, size_t length, std::string& error) {
  if (length == 0 || length % 3 != 0 || length / 3 > kMaxCodes) {
    error = "Expected connect outcomes as 3-byte entries, 1 to " + std::to_string(kMaxCodes) + " of them, got " +
            std::to_string(length) + " bytes";
    return false;
  }
  std::vector<ConnectOutcome> entries(length / 3);
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint8_t action = bytes[i * 3], state = bytes[i * 3 + 1], reason = bytes[i * 3 + 2];
    if (action > static_cast<uint8_t>(ConnectAction::Deferred)) {
      error = "Expected a connect outcome kind from 0 to 3 for code " + std::to_string(i) + ", got " + std::to_string(action);
      return false;
    }
    entries[i].action = static_cast<ConnectAction>(action);
    if (entries[i].action != ConnectAction::Decided) continue;
    if (state < static_cast<uint8_t>(PortState::Open) || state > static_cast<uint8_t>(PortState::Unreachable) ||
        reason < static_cast<uint8_t>(Reason::SynAck) || reason > static_cast<uint8_t>(Reason::IcmpOther)) {
      error = "Expected a known port state and reason for connect outcome " + std::to_string(i) + ", got " +
              std::to_string(state) + " and " + std::to_string(reason);
      return false;
    }
    entries[i].state = static_cast<PortState>(state);
    entries[i].reason = static_cast<Reason>(reason);
  }
  entries_ = std::move(entries);
  return true;
}

}  // namespace portpick
