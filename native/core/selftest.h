// Unprivileged self-tests of the core (no network, no Node): the permutation,
// shards, resume and the plan's index → (address, port) mapping. The binding's
// selfTest() and native/selftest/main.cc run these plus syn_selftests().
#pragma once

#include <vector>

#include "syn_engine.h"

namespace portpick {

std::vector<SelfTestResult> core_selftests();

// core_selftests() followed by syn_selftests().
std::vector<SelfTestResult> all_selftests();

}  // namespace portpick
