#include "selftest.h"

#include <algorithm>
#include <cerrno>
#include <string>
#include <unordered_set>

#include "completion_window.h"
#include "congestion_cap.h"
#include "connect_engine.h"
#include "permutation.h"
#include "rate_control.h"
#include "sweep_plan.h"

namespace portpick {

namespace {

const uint64_t kSeeds[] = {0, 1, 0x0123456789abcdefull, 0xffffffffffffffffull, 0x9e3779b97f4a7c15ull};

// True when permute is a bijection on [0, n) for `seed`; on failure `detail` says where.
bool exhaustive_bijection(uint64_t n, uint64_t seed, std::string& detail) {
  const Permutation perm(n, seed);
  std::vector<bool> seen(n, false);
  for (uint64_t g = 0; g < n; ++g) {
    const uint64_t x = perm.permute(g);
    if (x >= n || seen[x]) {
      detail = "N=" + std::to_string(n) + " seed=" + std::to_string(seed) + ": position " + std::to_string(g) +
               (x >= n ? " mapped out of range to " : " repeated index ") + std::to_string(x);
      return false;
    }
    seen[x] = true;
  }
  return true;
}

SelfTestResult small_bijections() {
  SelfTestResult r{"permutation: bijection for every N ≤ 1100 and 5 seeds", true, ""};
  for (uint64_t seed : kSeeds) {
    for (uint64_t n = 0; n <= 1100 && r.ok; ++n) r.ok = exhaustive_bijection(n, seed, r.detail);
  }
  if (r.ok) r.detail = "5,505 permutations checked exhaustively";
  return r;
}

SelfTestResult medium_bijections() {
  SelfTestResult r{"permutation: bijection for N around powers of two up to 2^21", true, ""};
  const uint64_t sizes[] = {4095, 4096, 4097, 65535, 65536, 65537, 65535 * 3, (1u << 20) + 7, (1u << 21) - 1};
  for (uint64_t n : sizes) {
    for (int s = 0; s < 2 && r.ok; ++s) r.ok = exhaustive_bijection(n, kSeeds[s + 2], r.detail);
  }
  if (r.ok) r.detail = "9 sizes × 2 seeds checked exhaustively";
  return r;
}

SelfTestResult large_sampled() {
  SelfTestResult r{"permutation: in range and injective on samples of N up to 2^48", true, ""};
  const uint64_t sizes[] = {(uint64_t{1} << 32) + 3, 16777216ull * 1000, (uint64_t{1} << 48) - 1, uint64_t{1} << 48};
  for (uint64_t n : sizes) {
    const Permutation perm(n, kSeeds[2]);
    std::unordered_set<uint64_t> seen;
    // Two windows: the start and a strided sample across the whole range.
    for (uint64_t i = 0; i < 50000 && r.ok; ++i) {
      const uint64_t g = i < 25000 ? i : 25000 + ((n - 25000) / 25000) * (i - 25000);
      const uint64_t x = perm.permute(g);
      if (x >= n || !seen.insert(x).second) {
        r.ok = false;
        r.detail = "N=" + std::to_string(n) + ": position " + std::to_string(g) + " gave " + std::to_string(x);
      }
    }
  }
  if (r.ok) r.detail = "4 sizes × 50,000 positions";
  return r;
}

SelfTestResult seeds_differ() {
  SelfTestResult r{"permutation: different seeds give different orders", true, ""};
  const Permutation a(1000, 1), b(1000, 2), c(1000, uint64_t{1} << 32);
  int same_ab = 0, same_ac = 0;
  for (uint64_t g = 0; g < 1000; ++g) {
    same_ab += a.permute(g) == b.permute(g);
    same_ac += a.permute(g) == c.permute(g);
  }
  r.ok = same_ab < 50 && same_ac < 50;
  r.detail = "fixed points shared: seed 1 vs 2: " + std::to_string(same_ab) + ", vs 2^32: " + std::to_string(same_ac);
  return r;
}

SweepPlanConfig small_config() {
  SweepPlanConfig c;
  // 198.18.0.0-198.18.0.9 and 198.18.1.250-198.18.2.4 (crosses an octet), plus 2001:db8::fffe-2001:db8::1:2.
  c.ipv4_ranges = {0xc6120000u, 0xc6120009u, 0xc61201fau, 0xc6120204u};
  std::array<uint8_t, 16> first{0x20, 0x01, 0x0d, 0xb8};
  std::array<uint8_t, 16> last = first;
  first[14] = 0xff;
  first[15] = 0xfe;
  last[13] = 1;
  last[15] = 2;
  c.ipv6_ranges = {first, last};
  c.port_set.assign(8192, 0);
  for (uint16_t p : {22, 80, 443, 65535}) c.port_set[p >> 3] |= static_cast<uint8_t>(1u << (p & 7));
  c.seed = 42;
  return c;
}

std::string key(const ProbeTarget& t) {
  std::string k(reinterpret_cast<const char*>(t.address.bytes.data()), 16);
  k += static_cast<char>(t.address.family);
  k += std::to_string(t.port);
  return k;
}

SelfTestResult plan_mapping() {
  SelfTestResult r{"plan: every (address, port) of the ranges exactly once", true, ""};
  std::string error;
  auto plan = SweepPlan::build(small_config(), error);
  if (!plan) return {r.name, false, error};
  // 10 + 11 IPv4 + 5 IPv6 (::fffe, ::ffff, ::1:0, ::1:1, ::1:2) addresses × 4 ports.
  if (plan->address_count() != 26 || plan->total() != 104) {
    return {r.name, false, "expected 26 addresses and 104 probes, got " + std::to_string(plan->address_count()) +
                               " and " + std::to_string(plan->total())};
  }
  const Address a20 = plan->address_at(20);  // last IPv4: 198.18.2.4
  const Address a24 = plan->address_at(24);  // 2001:db8::1:1 (after ::fffe, ::ffff, ::1:0)
  if (a20.family != 4 || a20.bytes[2] != 2 || a20.bytes[3] != 4 || a24.family != 6 || a24.bytes[13] != 1 ||
      a24.bytes[15] != 1 || a24.bytes[14] != 0 || a24.bytes[3] != 0xb8) {
    return {r.name, false, "address_at gave the wrong address at a range or carry boundary"};
  }
  std::unordered_set<std::string> seen;
  auto cursor = plan->cursor();
  ProbeTarget t;
  uint64_t expected_position = 0;
  while (cursor->next(t)) {
    if (t.position != expected_position++) return {r.name, false, "positions not consecutive"};
    if (!seen.insert(key(t)).second) return {r.name, false, "duplicate target " + key(t)};
  }
  r.ok = seen.size() == 104 && cursor->total() == 104;
  r.detail = std::to_string(seen.size()) + " distinct targets";
  return r;
}

SelfTestResult shards_partition() {
  SelfTestResult r{"plan: shards 0/3, 1/3, 2/3 are disjoint and complete", true, ""};
  std::unordered_set<std::string> seen;
  uint64_t sum = 0;
  for (uint64_t i = 0; i < 3; ++i) {
    SweepPlanConfig c = small_config();
    c.shard_index = i;
    c.shard_count = 3;
    std::string error;
    auto plan = SweepPlan::build(c, error);
    if (!plan) return {r.name, false, error};
    sum += plan->planned();
    auto cursor = plan->cursor();
    ProbeTarget t;
    while (cursor->next(t)) {
      if (!seen.insert(key(t)).second) return {r.name, false, "target in two shards: " + key(t)};
    }
  }
  r.ok = seen.size() == 104 && sum == 104;
  r.detail = std::to_string(seen.size()) + " targets, planned sum " + std::to_string(sum);
  return r;
}

SelfTestResult resume_skips() {
  SelfTestResult r{"plan: resume yields exactly the positions not done", true, ""};
  SweepPlanConfig c = small_config();
  c.shard_index = 1;
  c.shard_count = 2;  // 52 positions
  c.start_position = 10;
  c.skip_positions = {3, 12, 12, 13, 40, 51, 52, 900};  // 3 < start, 52 and 900 beyond the shard: ignored
  std::string error;
  auto plan = SweepPlan::build(c, error);
  if (!plan) return {r.name, false, error};
  std::vector<uint64_t> positions;
  auto cursor = plan->cursor();
  ProbeTarget t;
  while (cursor->next(t)) positions.push_back(t.position);
  std::vector<uint64_t> expected;
  for (uint64_t k = 10; k < 52; ++k) {
    if (k != 12 && k != 13 && k != 40 && k != 51) expected.push_back(k);
  }
  r.ok = positions == expected && plan->planned() == expected.size() && plan->shard_size() == 52;
  r.detail = std::to_string(positions.size()) + " positions yielded, " + std::to_string(expected.size()) + " expected";
  return r;
}

SelfTestResult plan_rejects() {
  SelfTestResult r{"plan: malformed configs are rejected with a message", true, ""};
  std::string error;
  SweepPlanConfig c = small_config();
  c.shard_index = 3;
  c.shard_count = 3;
  r.ok = !SweepPlan::build(c, error) && !error.empty();
  c = small_config();
  c.port_set.resize(100);
  r.ok = r.ok && !SweepPlan::build(c, error);
  c = small_config();
  c.ipv4_ranges = {0, 0xffffffffu};
  for (auto& b : c.port_set) b = 0xff;
  c.port_set[0] = 0xfe;  // (2^32 + 2^28 + 1) addresses × 65535 ports > 2^48
  c.ipv6_ranges[1] = c.ipv6_ranges[0];
  c.ipv6_ranges[1][12] = 0x10;
  c.ipv6_ranges[1][13] = 0;
  c.ipv6_ranges[0][12] = 0;
  c.ipv6_ranges[0][13] = 0;
  c.ipv6_ranges[0][14] = 0;
  c.ipv6_ranges[0][15] = 0;
  c.ipv6_ranges[1][14] = 0;
  c.ipv6_ranges[1][15] = 0;
  r.ok = r.ok && !SweepPlan::build(c, error);
  r.detail = error;
  return r;
}

SelfTestResult completion_window() {
  SelfTestResult r{"watermark: advances only past finished positions", true, ""};
  CompletionWindow w(5);
  const uint64_t a = w.pull(5), b = w.pull(7), c = w.pull(8);
  r.ok = w.watermark() == 5;
  w.finish(b);
  r.ok = r.ok && w.watermark() == 5;
  w.finish(a);
  r.ok = r.ok && w.watermark() == 8;
  w.finish(c);
  r.ok = r.ok && w.watermark() == 9 && automatic_connect_window(20000) == 19744 &&
         automatic_connect_window(1 << 20) == 20000 && automatic_connect_window(100) == 8;
  r.detail = "final watermark " + std::to_string(w.watermark());
  return r;
}

SelfTestResult connect_pacing() {
  SelfTestResult r{"connect pacing: one token when pacing begins, then the rate, never more than the burst", true, ""};
  const int64_t t = 1'000'000'000;
  TokenBucket bucket;
  r.ok = bucket.take(t, 100) == 100;  // no rate: unlimited
  bucket.set_rate(1000, 10, t);
  bucket.set_tokens(1);
  const uint32_t first = bucket.take(t, 100);
  const int64_t wait = bucket.wait_ns(t);
  const uint32_t later = bucket.take(t + 5'000'000, 100);
  const uint32_t capped = bucket.take(t + 2'000'000'000, 100);
  r.ok = r.ok && first == 1 && wait > 0 && wait <= 1'000'001 && later == 5 && capped == 10;
  r.detail = std::to_string(first) + ", wait " + std::to_string(wait) + " ns, " + std::to_string(later) + ", " +
             std::to_string(capped);
  return r;
}

SelfTestResult congestion_cap() {
  SelfTestResult r{"congestion cap: a burst of loss halves the rate, sparse loss does not; held, then raised 10 %", true, ""};
  const int64_t t = 1'000'000'000;
  const int64_t window = CongestionCap::kLossWindowNs;
  CongestionCap sparse;
  sparse.on_loss(t, 2, 0, 40000);
  sparse.on_loss(t + window, 2, 1000, 40000);  // 2 losses in 1,000 completed: below 5 %
  CongestionCap burst;
  burst.on_loss(t, 2, 0, 40000);
  burst.on_loss(t + window, 3, 10, 40000);  // 2 in 10
  const double halved = burst.rate_cap(t + window + 1);
  const double held = burst.rate_cap(t + window + CongestionCap::kLossHoldNs / 2);
  const double raised = burst.rate_cap(t + window + CongestionCap::kLossHoldNs);
  r.ok = sparse.rate_cap(t + window) == 0 && halved == 20000 && held == 20000 && raised > 21999 && raised < 22001 &&
         burst.max_answered_try() == 3;
  r.detail = "cap " + std::to_string(halved) + ", held " + std::to_string(held) + ", raised " + std::to_string(raised);
  return r;
}

}  // namespace

std::vector<SelfTestResult> core_selftests() {
  return {small_bijections(), medium_bijections(), large_sampled(), seeds_differ(),   plan_mapping(),
          shards_partition(), resume_skips(),      plan_rejects(),  completion_window(), connect_pacing(),
          congestion_cap()};
}

std::vector<SelfTestResult> all_selftests() {
  std::vector<SelfTestResult> results = core_selftests();
  for (SelfTestResult& r : syn_selftests()) results.push_back(std::move(r));
  return results;
}

}  // namespace portpick
