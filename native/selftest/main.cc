// `portpick_core_selftest`: runs the core's unprivileged self-tests without
// Node (masscan --selftest style). Exit status 0 when all pass.
#include <cstdio>

#include "selftest.h"

int main() {
  int failures = 0;
  for (const portpick::SelfTestResult& r : portpick::all_selftests()) {
    std::printf("%s  %s  (%s)\n", r.ok ? "ok  " : "FAIL", r.name.c_str(), r.detail.c_str());
    if (!r.ok) ++failures;
  }
  std::printf("%d failure(s)\n", failures);
  return failures == 0 ? 0 : 1;
}
