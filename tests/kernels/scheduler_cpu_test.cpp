// Determinism of continuous batching on the real CPU backend (DESIGN §8): requests with different
// prompts, seeds and temperatures, submitted at different steps, prefilled in small chunks under
// a small token budget, complete exactly as generate() completes each alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>

#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/engine/scheduler.hpp"

namespace agora::kernels {
namespace {

const std::filesystem::path fixtures =
    std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine";

struct case_spec {
  std::string prompt;
  float temperature;
  uint64_t seed;
  uint32_t max_tokens;
  uint32_t top_k = 0;
  float top_p = 1.0f;
  std::vector<std::string> stop = {};
};

const std::vector<case_spec> cases = {
    {"Hello there, how are you", 0.0f, 1, 12},
    {"The quick brown fox jumps over the lazy dog again and again", 0.8f, 7, 16, 0, 0.9f},
    {"a", 1.0f, 42, 10, 20},
    {"Once upon a time in a land far away", 1.3f, 3, 14},
    {"numbers 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15", 0.7f, 99, 20, 50, 0.95f},
    {"xyz", 1.0f, 5, 9},
};

generate_options options_of(const case_spec& c) {
  generate_options o;
  o.max_tokens = c.max_tokens;
  o.sampling.temperature = c.temperature;
  o.sampling.seed = c.seed;
  o.sampling.top_k = c.top_k;
  o.sampling.top_p = c.top_p;
  o.stop = c.stop;
  o.top_logprobs = 2;
  return o;
}

class scheduler_cpu : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto tokens = tokenizer::load(fixtures / GetParam());
    ASSERT_TRUE(tokens) << tokens.error().to_string();
    tokens_.emplace(std::move(*tokens));
    auto model = cpu_backend::load(fixtures / GetParam());
    ASSERT_TRUE(model) << model.error().to_string();
    model_ = std::move(*model);
    specs_ = cases;
    for (const auto& c : specs_) {
      prompts_.push_back(tokens_->encode(c.prompt, true));
      auto alone = generate(*model_, *tokens_, prompts_.back(), options_of(c));
      ASSERT_TRUE(alone) << alone.error().to_string();
      alone_.push_back(std::move(*alone));
    }
    // Case 3 stops on a piece of its own text, so a stop sequence cuts it short in every run.
    std::string text = alone_[3].text;
    ASSERT_GE(text.size(), 4u);
    specs_[3].stop = {text.substr(text.size() / 2, 2)};
    auto stopped = generate(*model_, *tokens_, prompts_[3], options_of(specs_[3]));
    ASSERT_TRUE(stopped) << stopped.error().to_string();
    ASSERT_EQ(stopped->reason, stop_reason::stop_sequence);
    alone_[3] = std::move(*stopped);
  }

  // Submits case `order[k]` before step k * gap, then runs to the end; checks every completion.
  void run_batched(scheduler_limits limits, const std::vector<size_t>& order, uint32_t gap) {
    scheduler s(*model_, *tokens_, limits);
    std::map<size_t, std::optional<result<generated>>> outcomes;
    std::map<size_t, std::string> streamed;
    for (size_t k = 0; k < order.size(); ++k) {
      size_t i = order[k];
      request_callbacks callbacks{
          [&streamed, i](std::string_view piece) { streamed[i] += piece; },
          [&outcomes, i](result<generated> done) { outcomes[i].emplace(std::move(done)); }};
      ASSERT_TRUE(s.submit(i, prompts_[i], options_of(specs_[i]), std::move(callbacks)));
      for (uint32_t g = 0; g < gap; ++g)
        s.step();
    }
    s.run_until_idle();
    for (size_t i : order) {
      ASSERT_TRUE(outcomes[i].has_value());
      ASSERT_TRUE(outcomes[i]->ok()) << outcomes[i]->error().to_string();
      const generated& out = **outcomes[i];
      EXPECT_EQ(out.completion_ids, alone_[i].completion_ids) << "case " << i;
      EXPECT_EQ(out.text, alone_[i].text) << "case " << i;
      EXPECT_EQ(out.reason, alone_[i].reason) << "case " << i;
      EXPECT_EQ(streamed[i], alone_[i].text) << "case " << i;
      ASSERT_EQ(out.steps.size(), alone_[i].steps.size());
      for (size_t t = 0; t < out.steps.size(); ++t)
        EXPECT_EQ(out.steps[t].logprob, alone_[i].steps[t].logprob) << "case " << i;
    }
  }

  std::optional<tokenizer> tokens_;
  std::unique_ptr<cpu_backend> model_;
  std::vector<case_spec> specs_;
  std::vector<std::vector<uint32_t>> prompts_;
  std::vector<generated> alone_;
};

TEST_P(scheduler_cpu, batched_requests_complete_as_each_alone) {
  run_batched({.batch_max = 4, .step_tokens_max = 6, .prefill_chunk_max = 3}, {0, 1, 2, 3, 4, 5},
              2);
}

TEST_P(scheduler_cpu, arrival_order_and_chunking_do_not_matter) {
  run_batched({.batch_max = 3, .step_tokens_max = 3, .prefill_chunk_max = 1}, {5, 3, 1, 4, 0, 2},
              1);
  run_batched({.batch_max = 6, .step_tokens_max = 64, .prefill_chunk_max = 64}, {2, 4, 0, 5, 1, 3},
              0);
}

INSTANTIATE_TEST_SUITE_P(fixtures, scheduler_cpu, ::testing::Values("gpt2-tiny", "llama-tiny-bf16"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace agora::kernels
