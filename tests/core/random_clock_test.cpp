// Tests for the injected randomness and clock sources.
#include <gtest/gtest.h>

#include <array>
#include <set>

#include "core/clock.hpp"
#include "core/random.hpp"

namespace agora {
namespace {

TEST(seeded_random, same_seed_same_stream_and_different_seed_differs) {
  seeded_random a{42}, b{42}, c{43};
  for (int i = 0; i < 100; ++i) {
    uint64_t va = a.next();
    EXPECT_EQ(va, b.next());
    EXPECT_NE(va, c.next());
  }
}

TEST(seeded_random, uniform_stays_in_bounds_and_covers_them) {
  seeded_random rng{7};
  std::set<uint64_t> seen;
  for (int i = 0; i < 1'000; ++i) {
    uint64_t v = rng.uniform(10);
    ASSERT_LT(v, 10u);
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(os_random, fills_every_byte_and_differs_between_calls) {
  os_random rng;
  std::array<uint8_t, 64> a{}, b{};
  rng.fill(a);
  rng.fill(b);
  EXPECT_NE(a, b);  // 2^-512 chance of a false failure
}

TEST(manual_clock, moves_only_when_told) {
  manual_clock clock{from_unix_seconds(1'700'000'000)};
  EXPECT_EQ(unix_seconds(clock.now()), 1'700'000'000);
  clock.advance(std::chrono::seconds{90});
  EXPECT_EQ(unix_seconds(clock.now()), 1'700'000'090);
  clock.set(from_unix_seconds(5));
  EXPECT_EQ(unix_seconds(clock.now()), 5);
}

TEST(system_clock_source, reads_a_plausible_wall_time) {
  system_clock_source clock;
  EXPECT_GT(unix_seconds(clock.now()), 1'700'000'000);  // after 2023-11
}

}  // namespace
}  // namespace agora
