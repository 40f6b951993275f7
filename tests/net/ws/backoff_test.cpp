// backoff_delay: exponential growth from backoff_initial, the cap, and seeded jitter that stays
// within [delay / 2, delay] and replays for the same seed.

#include <gtest/gtest.h>

#include <vector>

#include "net/ws/provider_link.hpp"

namespace agora::net {
namespace {

using namespace std::chrono_literals;

TEST(backoff, doubles_from_the_initial_delay_up_to_the_cap_with_jitter) {
  provider_link_options o;  // 250 ms, × 2, cap 30 s
  seeded_random rng(3);
  std::chrono::milliseconds nominal = 250ms;
  for (uint32_t attempt = 0; attempt < 20; ++attempt) {
    const std::chrono::milliseconds d = backoff_delay(o, attempt, rng);
    EXPECT_GE(d, nominal / 2) << attempt;
    EXPECT_LE(d, nominal) << attempt;
    nominal = std::min<std::chrono::milliseconds>(nominal * 2, 30s);
  }
  EXPECT_LE(backoff_delay(o, 1'000'000, rng), 30s);
}

TEST(backoff, the_same_seed_gives_the_same_delays) {
  provider_link_options o;
  const auto delays = [&o](uint64_t seed) {
    seeded_random rng(seed);
    std::vector<std::chrono::milliseconds> out;
    for (uint32_t attempt = 0; attempt < 8; ++attempt)
      out.push_back(backoff_delay(o, attempt, rng));
    return out;
  };
  EXPECT_EQ(delays(9), delays(9));
  EXPECT_NE(delays(9), delays(10));  // the jitter comes from the seed
}

}  // namespace
}  // namespace agora::net
