// token_bucket: the burst, the refill rate, and a clock that steps back.

#include "net/ws/token_bucket.hpp"

#include <gtest/gtest.h>

namespace agora::net {
namespace {

using namespace std::chrono_literals;

const wall_time t0 = from_unix_seconds(1'760'000'000);

TEST(token_bucket, takes_a_full_burst_then_refuses) {
  token_bucket bucket(10, 5);
  for (int i = 0; i < 5; ++i)
    EXPECT_TRUE(bucket.take(t0)) << i;
  EXPECT_FALSE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0 + 99ms));
}

TEST(token_bucket, refills_one_token_per_interval) {
  token_bucket bucket(10, 1);  // one token per 100 ms
  EXPECT_TRUE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0 + 50ms));
  EXPECT_TRUE(bucket.take(t0 + 100ms));
  EXPECT_FALSE(bucket.take(t0 + 150ms));
  EXPECT_TRUE(bucket.take(t0 + 1s));  // idle time refills at most the burst
  EXPECT_FALSE(bucket.take(t0 + 1s));
}

TEST(token_bucket, sustains_exactly_the_rate) {
  token_bucket bucket(50, 100);
  int taken = 0;
  for (int ms = 0; ms < 10'000; ++ms)  // 10 s, a frame every millisecond
    taken += bucket.take(t0 + std::chrono::milliseconds(ms)) ? 1 : 0;
  EXPECT_GE(taken, 100 + 50 * 10 - 1);
  EXPECT_LE(taken, 100 + 50 * 10);
}

TEST(token_bucket, a_clock_stepping_back_gains_nothing) {
  token_bucket bucket(1, 1);
  EXPECT_TRUE(bucket.take(t0 + 10s));
  EXPECT_FALSE(bucket.take(t0));
  EXPECT_FALSE(bucket.take(t0 + 10s + 500ms));
  EXPECT_TRUE(bucket.take(t0 + 11s));
}

}  // namespace
}  // namespace agora::net
