// Tests for core/amount: parsing, printing, checked arithmetic and the rounding rule.
#include "core/amount.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace agora {
namespace {

TEST(amount, parses_and_prints_decimal_text) {
  auto a = amount::parse("12.345678");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->micros(), 12'345'678);
  EXPECT_EQ(a->to_string(), "12.345678");
  EXPECT_EQ(amount::parse("7")->micros(), 7'000'000);
  EXPECT_EQ(amount::parse("0.5")->to_string(), "0.500000");
  EXPECT_EQ(amount::parse("-0.000001")->micros(), -1);
  EXPECT_EQ(amount::parse("-0.000001")->to_string(), "-0.000001");
  EXPECT_EQ(amount::parse("+3.25")->micros(), 3'250'000);
  EXPECT_EQ(amount::from_micros(0).to_string(), "0.000000");
}

TEST(amount, extreme_values_round_trip) {
  auto max = amount::from_micros(std::numeric_limits<int64_t>::max());
  auto min = amount::from_micros(std::numeric_limits<int64_t>::min());
  EXPECT_EQ(max.to_string(), "9223372036854.775807");
  EXPECT_EQ(min.to_string(), "-9223372036854.775808");
  EXPECT_EQ(amount::parse(max.to_string())->micros(), max.micros());
}

TEST(amount, refuses_malformed_text) {
  for (const char* bad : {"", "-", ".5", "5.", "1.2345678", "1e6", "12a", " 1", "1,5", "--1",
                          "9223372036855", "9223372036854.775808"}) {
    auto r = amount::parse(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, errc::malformed) << bad;
  }
}

TEST(amount, arithmetic_is_checked) {
  auto max = amount::from_micros(std::numeric_limits<int64_t>::max());
  auto one = amount::from_micros(1);
  EXPECT_EQ(max.plus(one).error().code, errc::overflow);
  EXPECT_EQ(amount::from_micros(std::numeric_limits<int64_t>::min()).minus(one).error().code,
            errc::overflow);
  EXPECT_EQ(max.times(2).error().code, errc::overflow);
  EXPECT_EQ(one.plus(one)->micros(), 2);
  EXPECT_EQ(one.minus(one)->micros(), 0);
  EXPECT_EQ(amount::from_micros(3).times(-4)->micros(), -12);
}

TEST(amount, token_cost_rounds_up_to_the_next_micro_unit) {
  auto price = *amount::parse("0.20");  // 0.20 per million tokens = 200,000 micros
  EXPECT_EQ(cost_of_tokens(price, 1'000'000)->micros(), 200'000);
  EXPECT_EQ(cost_of_tokens(price, 5)->micros(), 1);  // 1,000,000 / 1e6 = 1 exactly
  EXPECT_EQ(cost_of_tokens(price, 6)->micros(), 2);  // 1.2 rounds up to 2
  EXPECT_EQ(cost_of_tokens(price, 0)->micros(), 0);
  EXPECT_EQ(cost_of_tokens(amount{}, 1'000)->micros(), 0);
  EXPECT_EQ(cost_of_tokens(price, -1).error().code, errc::invalid_argument);
  auto huge = amount::from_micros(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(cost_of_tokens(huge, 2'000'000).error().code, errc::overflow);
}

TEST(amount, token_cost_is_monotonic_so_worst_case_holds_cover_real_costs) {
  auto price = *amount::parse("1.234567");
  int64_t previous = 0;
  for (int64_t tokens = 0; tokens < 5'000; ++tokens) {
    int64_t cost = cost_of_tokens(price, tokens)->micros();
    EXPECT_GE(cost, previous);
    previous = cost;
  }
}

TEST(amount, gpu_time_cost_is_per_second_and_rounds_up) {
  auto price = *amount::parse("2.00");  // per GPU-hour
  EXPECT_EQ(cost_of_gpu_time(price, 1, 3'600)->micros(), 2'000'000);
  EXPECT_EQ(cost_of_gpu_time(price, 4, 3'600)->micros(), 8'000'000);
  EXPECT_EQ(cost_of_gpu_time(price, 1, 1)->micros(), 556);  // 555.55… rounds up
  EXPECT_EQ(cost_of_gpu_time(price, 0, 100)->micros(), 0);
  EXPECT_EQ(cost_of_gpu_time(price, 1, -5).error().code, errc::invalid_argument);
  auto huge = amount::from_micros(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(cost_of_gpu_time(huge, std::numeric_limits<int64_t>::max(), 1'000'000).error().code,
            errc::overflow);
}

}  // namespace
}  // namespace agora
