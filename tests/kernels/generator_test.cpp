// Tests for the generation loop, isolated from any real model: a scripted backend whose logits
// favour one chosen token per step, and a real tokenizer from the fixtures. Checks prefill then
// decode, every way a generation stops, streamed text equal to the final text, and bad input.
#include "kernels/engine/generator.hpp"

#include <gtest/gtest.h>

namespace agora::kernels {
namespace {

const std::filesystem::path tokenizer_folder =
    std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine/gpt2-tiny";

class scripted_sequence final : public kv_sequence {
 public:
  explicit scripted_sequence(uint32_t capacity) : capacity_(capacity) {}
  uint32_t length() const override { return length_; }
  uint32_t capacity() const override { return capacity_; }
  uint32_t length_ = 0;

 private:
  uint32_t capacity_;
};

/// Each forward makes script[calls] the most likely token (the last one once the script ends).
class scripted_backend final : public backend {
 public:
  scripted_backend(uint32_t vocab, uint32_t positions, std::vector<uint32_t> script)
      : script_(std::move(script)) {
    config_.vocab_size = vocab;
    config_.max_positions = positions;
  }
  const model_config& config() const override { return config_; }
  std::string_view name() const override { return "scripted"; }
  result<std::unique_ptr<kv_sequence>> open_sequence(uint32_t capacity) override {
    opened_capacity = capacity;
    return std::unique_ptr<kv_sequence>(std::make_unique<scripted_sequence>(capacity));
  }
  status forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                 std::span<float> logits) override {
    auto& seq = static_cast<scripted_sequence&>(sequence);
    if (seq.length_ + tokens.size() > seq.capacity())
      return make_error(errc::limit_exceeded, "");
    seq.length_ += static_cast<uint32_t>(tokens.size());
    calls.emplace_back(tokens.begin(), tokens.end());
    std::fill(logits.begin(), logits.end(), 0.0f);
    logits[script_[std::min(calls.size() - 1, script_.size() - 1)]] = 10.0f;
    return {};
  }
  result<std::vector<float>> embed(std::span<const uint32_t>) override {
    return make_error(errc::unsupported, "");
  }

  std::vector<std::vector<uint32_t>> calls;  // the tokens of each forward
  uint32_t opened_capacity = 0;

 private:
  model_config config_;
  std::vector<uint32_t> script_;
};

struct generator_test : ::testing::Test {
  void SetUp() override {
    auto loaded = tokenizer::load(tokenizer_folder);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    tokens.emplace(std::move(*loaded));
  }
  // A backend that will say `text` (as the tokenizer encodes it), then repeat its last token.
  scripted_backend saying(std::string_view text, uint32_t positions = 64) {
    return scripted_backend(tokens->vocab_size(), positions, tokens->encode(text, false));
  }
  generate_options greedy(uint32_t max_tokens) {
    generate_options o;
    o.max_tokens = max_tokens;
    o.sampling.temperature = 0.0f;
    return o;
  }
  std::optional<tokenizer> tokens;
  std::vector<uint32_t> prompt{1, 2, 3};
};

TEST_F(generator_test, prefills_the_prompt_once_then_decodes_one_token_at_a_time) {
  auto model = saying("hello world and more");
  std::string streamed;
  auto out = generate(model, *tokens, prompt, greedy(3),
                      [&](std::string_view piece) { streamed += piece; });
  ASSERT_TRUE(out) << out.error().to_string();
  ASSERT_EQ(model.calls.size(), 3u);
  EXPECT_EQ(model.calls[0], prompt);
  EXPECT_EQ(model.calls[1], std::vector<uint32_t>{out->completion_ids[0]});
  EXPECT_EQ(model.opened_capacity, 6u);  // prompt + max_tokens
  EXPECT_EQ(out->reason, stop_reason::max_tokens);
  EXPECT_EQ(out->text, tokens->decode(out->completion_ids, true));
  EXPECT_EQ(streamed, out->text);
  std::string joined;
  for (const auto& piece : out->pieces)
    joined += piece;
  EXPECT_EQ(joined, out->text);
  EXPECT_EQ(out->prompt_ids, prompt);
}

TEST_F(generator_test, stops_before_a_stop_sequence_streamed_or_not) {
  auto model = saying("one two three four five six");
  generate_options o = greedy(50);
  o.stop = {" three"};
  std::string streamed;
  auto out = generate(model, *tokens, prompt, o, [&](std::string_view p) { streamed += p; });
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(out->text, "one two");
  EXPECT_EQ(streamed, "one two");
  EXPECT_EQ(out->reason, stop_reason::stop_sequence);
}

TEST_F(generator_test, stops_at_an_end_of_text_token_which_is_not_in_the_text) {
  ASSERT_TRUE(tokens->eos_id().has_value());
  std::vector<uint32_t> script = tokens->encode("hi", false);
  script.push_back(*tokens->eos_id());
  scripted_backend model(tokens->vocab_size(), 64, script);
  auto out = generate(model, *tokens, prompt, greedy(50));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(out->reason, stop_reason::end_of_text);
  EXPECT_EQ(out->completion_ids.back(), *tokens->eos_id());
  EXPECT_EQ(out->text, "hi");
}

TEST_F(generator_test, stops_when_the_context_is_full) {
  auto model = saying("a b c d e f g h", 5);
  auto out = generate(model, *tokens, prompt, greedy(50));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(out->reason, stop_reason::context_full);
  EXPECT_EQ(out->completion_ids.size(), 3u);  // positions 3 and 4 filled, the last one sampled
}

TEST_F(generator_test, refuses_bad_requests_with_a_clear_error) {
  auto model = saying("x", 3);
  EXPECT_EQ(generate(model, *tokens, {}, greedy(1)).error().code, errc::invalid_argument);
  EXPECT_EQ(generate(model, *tokens, prompt, greedy(1)).error().code, errc::limit_exceeded);
  auto roomy = saying("x");
  EXPECT_EQ(generate(roomy, *tokens, prompt, greedy(0)).error().code, errc::invalid_argument);
  generate_options o = greedy(1);
  o.sampling.top_p = 0.0f;
  EXPECT_EQ(generate(roomy, *tokens, prompt, o).error().code, errc::invalid_argument);
  o = greedy(1);
  o.top_logprobs = 21;
  EXPECT_EQ(generate(roomy, *tokens, prompt, o).error().code, errc::invalid_argument);
  o = greedy(1);
  o.stop = {""};
  EXPECT_EQ(generate(roomy, *tokens, prompt, o).error().code, errc::invalid_argument);
  EXPECT_TRUE(roomy.calls.empty());
}

}  // namespace
}  // namespace agora::kernels
