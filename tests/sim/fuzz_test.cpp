// Fuzzing (sim/fuzz.hpp): a seed draws the same world every time, different seeds draw
// different worlds, and a range of seeds runs without breaking an invariant (the CI share of
// `agora-sim fuzz`).
#include <gtest/gtest.h>

#include "sim/fuzz.hpp"

namespace agora::sim {
namespace {

TEST(fuzz, a_seed_draws_the_same_world_and_replays_it) {
  const scenario a = random_scenario(77);
  const scenario b = random_scenario(77);
  EXPECT_EQ(a.duration_s, b.duration_s);
  ASSERT_EQ(a.providers.size(), b.providers.size());
  EXPECT_EQ(a.providers[0].price_per_million_micros, b.providers[0].price_per_million_micros);
  EXPECT_EQ(a.faults.size(), b.faults.size());
  EXPECT_TRUE(a.expect.holds_closed);
  int differ = 0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const scenario c = random_scenario(seed);
    differ += c.duration_s != a.duration_s || c.providers.size() != a.providers.size();
  }
  EXPECT_GT(differ, 10);
  const fuzz_result x = fuzz_one(77, nullptr);
  const fuzz_result y = fuzz_one(77, nullptr);
  EXPECT_EQ(x.report.trace_hash, y.report.trace_hash);
  EXPECT_TRUE(x.ok);
}

TEST(fuzz, draws_every_kind_of_fault_and_behaviour) {
  bool partition = false, relay = false, escrow = false, mid = false, lossy = false;
  bool liar = false, silent = false, offline = false, lazy = false, skewed = false;
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    const scenario s = random_scenario(seed);
    for (const fault_spec& f : s.faults) {
      partition |= f.kind == fault_kind::partition;
      relay |= f.kind == fault_kind::relay_crash;
      escrow |= f.kind == fault_kind::escrow_crash;
      mid |= f.mid_settlement;
    }
    lossy |= s.network.loss_permille > 0 && s.network.duplicate_permille > 0;
    skewed |= s.clock_skew.bound_ms > 0;
    for (const provider_spec& p : s.providers) {
      liar |= p.wrong_result_p > 0;
      lazy |= p.lazy_p > 0;
      silent |= p.fail_after_accept_permille > 0;
      offline |= !p.offline.empty();
    }
    EXPECT_EQ(s.network.direction == fault_direction::both, false);
  }
  EXPECT_TRUE(partition && relay && escrow && mid && lossy && liar && silent && offline);
  EXPECT_TRUE(lazy && skewed);
}

// The CI share of fuzzing; `agora-sim fuzz --seeds 1..10000` runs more.
TEST(fuzz, a_range_of_seeds_keeps_every_invariant) {
  constexpr uint64_t seeds = 200;
  for (uint64_t seed = 1'000; seed < 1'000 + seeds; ++seed) {
    const fuzz_result f = fuzz_one(seed, nullptr);
    ASSERT_TRUE(f.ok) << "seed " << seed << ": "
                      << (f.report.violations.empty() ? std::string("an expectation failed")
                                                      : f.report.violations[0])
                      << "\n"
                      << last_lines(f.report.trace_text, 20);
  }
}

}  // namespace
}  // namespace agora::sim
