// Tests for the CPU reference backend against the committed fixtures (tests/fixtures/engine/):
// last-position logits, greedy continuations with their log-probabilities and top-5, embeddings,
// prefill-then-decode against one prefill, bitwise reruns, and the errors forward reports.
#include "kernels/cpu/cpu_backend.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

namespace agora::kernels {
namespace {

namespace json = boost::json;

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine" / name;
}

json::object read_reference(const std::string& name) {
  std::ifstream in(fixture(name) / "reference.json");
  std::ostringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

std::vector<uint32_t> ids(const json::value& list) {
  std::vector<uint32_t> out;
  for (const json::value& v : list.as_array())
    out.push_back(static_cast<uint32_t>(v.to_number<int64_t>()));
  return out;
}

std::unique_ptr<cpu_backend> load(const std::string& name) {
  auto backend = cpu_backend::load(fixture(name));
  EXPECT_TRUE(backend.ok()) << backend.error().to_string();
  return backend ? std::move(*backend) : nullptr;
}

// Greedy: the highest logit, the lowest id among equals.
uint32_t argmax(std::span<const float> logits) {
  return static_cast<uint32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
}

std::vector<double> log_softmax(std::span<const float> logits) {
  const double max_logit = *std::max_element(logits.begin(), logits.end());
  double total = 0;
  for (float l : logits)
    total += std::exp(l - max_logit);
  std::vector<double> out;
  for (float l : logits)
    out.push_back(l - max_logit - std::log(total));
  return out;
}

std::vector<float> prefill(backend& b, std::span<const uint32_t> tokens) {
  auto seq = b.open_sequence(static_cast<uint32_t>(tokens.size()));
  EXPECT_TRUE(seq.ok());
  std::vector<float> logits(b.config().vocab_size);
  EXPECT_TRUE(b.forward(**seq, tokens, logits).ok());
  return logits;
}

void check_greedy(backend& b, const std::vector<uint32_t>& prompt, const json::array& steps) {
  auto seq = b.open_sequence(static_cast<uint32_t>(prompt.size() + steps.size()));
  ASSERT_TRUE(seq.ok());
  std::vector<float> logits(b.config().vocab_size);
  ASSERT_TRUE(b.forward(**seq, prompt, logits).ok());
  for (const json::value& step : steps) {
    const json::object& want = step.as_object();
    const uint32_t token = argmax(logits);
    ASSERT_EQ(token, want.at("token").to_number<int64_t>());
    const std::vector<double> logprobs = log_softmax(logits);
    EXPECT_NEAR(logprobs[token], want.at("logprob").to_number<double>(), 1e-4);
    for (const json::value& top : want.at("top5").as_array()) {
      const uint32_t id = static_cast<uint32_t>(top.as_array()[0].to_number<int64_t>());
      EXPECT_NEAR(logprobs[id], top.as_array()[1].to_number<double>(), 1e-4) << id;
    }
    const uint32_t next[] = {token};
    ASSERT_TRUE(b.forward(**seq, next, logits).ok());
  }
}

class cpu_backend_fixture : public ::testing::TestWithParam<std::string> {};

TEST_P(cpu_backend_fixture, last_logits_match_the_reference) {
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const json::object ref = read_reference(GetParam());
  for (const json::value& c : ref.at("cases").as_array()) {
    const std::vector<float> logits = prefill(*b, ids(c.at("prompt")));
    const json::array& want = c.at("last_logits").as_array();
    ASSERT_EQ(want.size(), logits.size());
    double worst = 0;
    for (size_t i = 0; i < logits.size(); ++i)
      worst = std::max(worst, std::abs(logits[i] - want[i].to_number<double>()));
    EXPECT_LE(worst, 1e-4) << GetParam();
  }
}

TEST_P(cpu_backend_fixture, greedy_continuation_matches_the_reference) {
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const json::object ref = read_reference(GetParam());
  for (const json::value& c : ref.at("cases").as_array())
    check_greedy(*b, ids(c.at("prompt")), c.at("greedy").as_array());
}

TEST_P(cpu_backend_fixture, embedding_matches_the_reference) {
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const json::object ref = read_reference(GetParam());
  const json::object& want = ref.at("embedding").as_object();
  auto got = b->embed(ids(want.at("prompt")));
  ASSERT_TRUE(got.ok()) << got.error().to_string();
  const json::array& vector = want.at("vector").as_array();
  ASSERT_EQ(got->size(), vector.size());
  for (size_t i = 0; i < vector.size(); ++i)
    EXPECT_NEAR((*got)[i], vector[i].to_number<double>(), 1e-5) << i;
}

TEST_P(cpu_backend_fixture, prefill_then_decode_equals_one_prefill) {
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const std::vector<uint32_t> tokens = {3, 141, 59, 26, 53, 58, 97, 93, 23, 84};
  const std::vector<float> whole = prefill(*b, tokens);
  auto seq = b->open_sequence(32);
  ASSERT_TRUE(seq.ok());
  std::vector<float> logits(b->config().vocab_size);
  const std::span<const uint32_t> all(tokens);
  ASSERT_TRUE(b->forward(**seq, all.first(6), logits).ok());
  for (size_t i = 6; i < tokens.size(); ++i)
    ASSERT_TRUE(b->forward(**seq, all.subspan(i, 1), logits).ok());
  EXPECT_EQ((*seq)->length(), tokens.size());
  for (size_t i = 0; i < logits.size(); ++i)
    EXPECT_NEAR(logits[i], whole[i], 1e-5) << i;
}

TEST_P(cpu_backend_fixture, reruns_are_bitwise_identical) {
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const std::vector<uint32_t> tokens = {7, 7, 200, 1, 64};
  EXPECT_EQ(prefill(*b, tokens), prefill(*b, tokens));
  EXPECT_EQ(*b->embed(tokens), *b->embed(tokens));
}

INSTANTIATE_TEST_SUITE_P(fixtures, cpu_backend_fixture,
                         ::testing::Values("gpt2-tiny", "llama-tiny-bf16",
                                           "llama-tiny-f16-sharded"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(cpu_backend, config_of_each_fixture) {
  auto gpt2 = load("gpt2-tiny");
  auto llama = load("llama-tiny-f16-sharded");
  ASSERT_NE(gpt2, nullptr);
  ASSERT_NE(llama, nullptr);
  EXPECT_EQ(gpt2->name(), "cpu");
  EXPECT_EQ(gpt2->config().arch, architecture::gpt2);
  EXPECT_EQ(llama->config().kv_heads, 2u);
  EXPECT_FALSE(llama->config().tie_word_embeddings);
  EXPECT_EQ(llama->config().weight_dtype, dtype::f16);
  EXPECT_EQ(llama->config().eos_token_ids, (std::vector<uint32_t>{2, 3}));
}

TEST(cpu_backend, forward_errors_leave_the_sequence_unchanged) {
  auto b = load("llama-tiny-bf16");
  ASSERT_NE(b, nullptr);
  auto seq = b->open_sequence(4);
  ASSERT_TRUE(seq.ok());
  std::vector<float> logits(b->config().vocab_size);
  const std::vector<uint32_t> two = {5, 6};
  ASSERT_TRUE(b->forward(**seq, two, logits).ok());
  const std::vector<float> before = logits;
  const std::vector<uint32_t> bad = {7, 300};
  status s = b->forward(**seq, bad, logits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::invalid_argument);
  EXPECT_EQ((*seq)->length(), 2u);
  const std::vector<uint32_t> three = {1, 2, 3};
  s = b->forward(**seq, three, logits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::limit_exceeded);
  EXPECT_EQ((*seq)->length(), 2u);
  // The sequence still works, and gives what a fresh run of the same tokens gives.
  const std::vector<uint32_t> one = {9};
  ASSERT_TRUE(b->forward(**seq, one, logits).ok());
  EXPECT_EQ((*seq)->length(), 3u);
  const std::vector<float> fresh = prefill(*b, std::vector<uint32_t>{5, 6, 9});
  for (size_t i = 0; i < logits.size(); ++i)
    EXPECT_NEAR(logits[i], fresh[i], 1e-5);
  EXPECT_NE(before, logits);
}

TEST(cpu_backend, capacity_and_embed_limits) {
  auto b = load("gpt2-tiny");
  ASSERT_NE(b, nullptr);
  EXPECT_TRUE(b->open_sequence(128).ok());
  auto over = b->open_sequence(129);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.error().code, errc::limit_exceeded);
  EXPECT_EQ(b->open_sequence(0).error().code, errc::invalid_argument);
  EXPECT_EQ(b->embed({}).error().code, errc::invalid_argument);
  EXPECT_EQ(b->embed(std::vector<uint32_t>(129, 1)).error().code, errc::limit_exceeded);
  EXPECT_EQ(b->embed(std::vector<uint32_t>{1, 1000}).error().code, errc::invalid_argument);
  auto full = b->embed(std::vector<uint32_t>(128, 1));
  ASSERT_TRUE(full.ok());
  double norm = 0;
  for (float v : *full)
    norm += double{v} * v;
  EXPECT_NEAR(norm, 1.0, 1e-5);
}

TEST(cpu_backend, load_errors_name_what_is_wrong) {
  auto missing = cpu_backend::load(fixture("no-such-model"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_NE(missing.error().message.find("config.json"), std::string::npos);
}

}  // namespace
}  // namespace agora::kernels
