// Tests for the sampler: greedy ties, raw log-probabilities, and that temperature/top-k/top-p
// draws follow the filtered distribution and depend only on (seed, step).
#include "kernels/sampling/sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "kernels/sampling/counter_rng.hpp"

namespace agora::kernels {
namespace {

sampling_config with_temperature(float temperature, uint64_t seed = 7) {
  sampling_config config;
  config.temperature = temperature;
  config.seed = seed;
  return config;
}

// How often each id is drawn over `draws` steps.
std::map<uint32_t, int> histogram(const std::vector<float>& logits, const sampling_config& config,
                                  int draws) {
  std::map<uint32_t, int> counts;
  for (int step = 0; step < draws; ++step)
    ++counts[sample_token(logits, config, step, 0).token_id];
  return counts;
}

TEST(sampler, greedy_takes_the_largest_logit_and_the_lowest_id_on_ties) {
  std::vector<float> logits{0.5f, 2.0f, -1.0f, 2.0f};
  EXPECT_EQ(sample_token(logits, with_temperature(0), 0, 0).token_id, 1u);
  logits[3] = 2.5f;
  EXPECT_EQ(sample_token(logits, with_temperature(0), 0, 0).token_id, 3u);
}

TEST(sampler, logprobs_are_the_raw_log_softmax_most_likely_first) {
  std::vector<float> logits{std::log(1.0f), std::log(2.0f), std::log(3.0f)};
  sampled_token t = sample_token(logits, with_temperature(0), 0, 3);
  EXPECT_EQ(t.token_id, 2u);
  EXPECT_NEAR(t.logprob, std::log(0.5), 1e-6);
  ASSERT_EQ(t.top.size(), 3u);
  EXPECT_EQ(t.top[0].token_id, 2u);
  EXPECT_EQ(t.top[1].token_id, 1u);
  EXPECT_EQ(t.top[2].token_id, 0u);
  EXPECT_NEAR(t.top[2].logprob, std::log(1.0 / 6), 1e-6);
  // Temperature changes the draw, never the reported log-probabilities.
  sampled_token hot = sample_token(logits, with_temperature(5.0f), 0, 3);
  EXPECT_NEAR(hot.top[0].logprob, std::log(0.5), 1e-6);
}

TEST(sampler, top_logprobs_never_exceed_the_vocabulary) {
  std::vector<float> logits{1.0f, 0.0f};
  EXPECT_EQ(sample_token(logits, with_temperature(1), 0, top_logprobs_max).top.size(), 2u);
}

TEST(sampler, temperature_one_draws_follow_the_softmax) {
  std::vector<float> logits{std::log(0.2f), std::log(0.3f), std::log(0.5f)};
  auto counts = histogram(logits, with_temperature(1), 30000);
  EXPECT_NEAR(counts[0] / 30000.0, 0.2, 0.015);
  EXPECT_NEAR(counts[1] / 30000.0, 0.3, 0.015);
  EXPECT_NEAR(counts[2] / 30000.0, 0.5, 0.015);
}

TEST(sampler, low_temperature_sharpens_towards_the_argmax) {
  std::vector<float> logits{0.0f, 1.0f};
  auto counts = histogram(logits, with_temperature(0.1f), 2000);
  EXPECT_GT(counts[1], 1990);  // p(0) = 1 / (1 + e^10) ≈ 4.5e-5
}

TEST(sampler, top_k_keeps_only_the_k_most_likely) {
  std::vector<float> logits{3.0f, 2.9f, 2.8f, 2.7f};
  sampling_config config = with_temperature(1);
  config.top_k = 2;
  auto counts = histogram(logits, config, 3000);
  EXPECT_EQ(counts.count(2), 0u);
  EXPECT_EQ(counts.count(3), 0u);
  EXPECT_GT(counts[0], 1000);
  EXPECT_GT(counts[1], 1000);
}

TEST(sampler, top_p_keeps_the_shortest_prefix_reaching_the_mass) {
  std::vector<float> logits{std::log(0.4f), std::log(0.35f), std::log(0.25f)};
  sampling_config config = with_temperature(1);
  config.top_p = 0.5f;  // 0.4 < 0.5, 0.4 + 0.35 ≥ 0.5: ids 0 and 1 stay
  auto counts = histogram(logits, config, 4000);
  EXPECT_EQ(counts.count(2), 0u);
  EXPECT_NEAR(counts[0] / 4000.0, 0.4 / 0.75, 0.03);
  config.top_p = 0.3f;  // the first token alone reaches it
  EXPECT_EQ(histogram(logits, config, 500)[0], 500);
}

TEST(sampler, a_draw_depends_only_on_seed_and_step) {
  std::vector<float> logits(50, 0.0f);
  sampling_config a = with_temperature(1, 42);
  uint32_t first = sample_token(logits, a, 9, 0).token_id;
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(sample_token(logits, a, 9, 0).token_id, first);
  auto by_seed_1 = histogram(logits, with_temperature(1, 1), 64);
  auto by_seed_2 = histogram(logits, with_temperature(1, 2), 64);
  EXPECT_NE(by_seed_1, by_seed_2);
}

TEST(counter_rng, is_uniform_in_the_unit_interval) {
  double sum = 0;
  for (uint64_t n = 0; n < 100000; ++n) {
    float u = counter_uniform(3, n);
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    sum += u;
  }
  EXPECT_NEAR(sum / 100000, 0.5, 0.005);
  EXPECT_NE(counter_uniform(3, 0), counter_uniform(4, 0));
}

}  // namespace
}  // namespace agora::kernels
