// mock-model: its output is exactly the function documented in actors/worker/mock_model.hpp,
// recomputed here independently.

#include "actors/worker/mock_model.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "actors/worker/chat_prompt.hpp"
#include "core/keccak.hpp"

namespace agora::actors {
namespace {

generation_request text_request(std::string prompt, uint32_t max_tokens, uint64_t seed) {
  generation_request r;
  r.id = 7;
  r.model = std::string(mock_model_id);
  r.prompt = std::move(prompt);
  r.sampling.max_tokens = max_tokens;
  r.sampling.temperature = 0.8f;
  r.sampling.seed = seed;
  return r;
}

/// The documented candidate: d = keccak256(P ‖ be64(S) ‖ be32(i)), 4 letters 'a' + d[j] % 26.
std::string expected_word(bytes input, uint64_t seed, uint32_t i) {
  for (int k = 7; k >= 0; --k)
    input.push_back(static_cast<uint8_t>(seed >> (8 * k)));
  for (int k = 3; k >= 0; --k)
    input.push_back(static_cast<uint8_t>(i >> (8 * k)));
  const hash256 d = keccak256(input);
  std::string word;
  for (int j = 0; j < 4; ++j)
    word += static_cast<char>('a' + d[j] % 26);
  return word;
}

uint32_t id_of(const std::string& word) {
  uint32_t id = 0;
  for (char c : word)
    id = id * 26 + static_cast<uint32_t>(c - 'a');
  return id;
}

bytes text_bytes(std::string_view text) {
  const byte_view view = as_bytes(text);
  return bytes(view.begin(), view.end());
}

TEST(mock_model_test, output_is_the_documented_function) {
  mock_model model;
  const std::string prompt = "  the quick\tbrown\n fox ";
  auto out = model.generate(text_request(prompt, 5, 42));
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(out->request_id, 7u);
  EXPECT_EQ(out->prompt_tokens, 4u);
  EXPECT_EQ(out->completion_tokens, 5u);
  EXPECT_EQ(out->finish_reason, wire::FinishReason::Length);
  std::string text;
  ASSERT_EQ(out->chunks.size(), 5u);
  for (uint32_t i = 0; i < 5; ++i) {
    const std::string word = expected_word(text_bytes(prompt), 42, i);
    const std::string piece = i == 0 ? word : " " + word;
    text += piece;
    EXPECT_EQ(out->token_ids[i], id_of(word));
    EXPECT_EQ(out->chunks[i].index, i);
    EXPECT_EQ(out->chunks[i].text, piece);
    EXPECT_EQ(out->chunks[i].token_ids, std::vector<uint32_t>{id_of(word)});
    EXPECT_EQ(mock_model::word_of(id_of(word)), word);
  }
  EXPECT_EQ(out->text, text);
}

TEST(mock_model_test, stops_by_itself_after_natural_length) {
  mock_model model;
  auto out = model.generate(text_request("hello", 1000, 1));
  ASSERT_TRUE(out);
  EXPECT_EQ(out->completion_tokens, mock_model::natural_length);
  EXPECT_EQ(out->finish_reason, wire::FinishReason::Stop);
  auto exact = model.generate(text_request("hello", mock_model::natural_length, 1));
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->finish_reason, wire::FinishReason::Stop);
  EXPECT_EQ(exact->text, out->text);
}

TEST(mock_model_test, token_id_prompt_hashes_be32_ids) {
  mock_model model;
  generation_request r = text_request("", 3, 9);
  r.prompt_token_ids = {1, 0x01020304};
  auto out = model.generate(r);
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(out->prompt_tokens, 2u);
  const bytes input = {0, 0, 0, 1, 1, 2, 3, 4};
  EXPECT_EQ(out->token_ids[2], id_of(expected_word(input, 9, 2)));
}

TEST(mock_model_test, stop_word_ends_generation_without_emitting_it) {
  mock_model model;
  generation_request r = text_request("tell me a story", 100, 5);
  r.sampling.stop = {mock_model::word_of(mock_model::candidate(r, 3))};
  auto out = model.generate(r);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->completion_tokens, 3u);
  EXPECT_EQ(out->finish_reason, wire::FinishReason::Stop);
}

TEST(mock_model_test, same_request_same_output_and_seeds_change_it) {
  mock_model model;
  auto a = model.generate(text_request("same prompt", 8, 1));
  auto b = model.generate(text_request("same prompt", 8, 1));
  auto c = model.generate(text_request("same prompt", 8, 2));
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->token_ids, b->token_ids);
  EXPECT_EQ(a->text, b->text);
  EXPECT_NE(a->token_ids, c->token_ids);
}

TEST(mock_model_test, greedy_ignores_the_seed) {
  mock_model model;
  auto r1 = text_request("greedy", 8, 1);
  auto r2 = text_request("greedy", 8, 2);
  r1.sampling.temperature = r2.sampling.temperature = 0.0f;
  auto a = model.generate(r1);
  auto b = model.generate(r2);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->token_ids, b->token_ids);
  EXPECT_EQ(a->token_ids[0], id_of(expected_word(text_bytes("greedy"), 0, 0)));
}

TEST(mock_model_test, refuses_bad_requests) {
  mock_model model;
  auto unknown = text_request("hi", 4, 0);
  unknown.model = "gpt-5";
  EXPECT_EQ(model.generate(unknown).error().code, errc::not_found);
  EXPECT_EQ(model.generate(text_request("", 4, 0)).error().code, errc::invalid_argument);
  EXPECT_EQ(model.generate(text_request("hi", 0, 0)).error().code, errc::invalid_argument);
  auto both = text_request("hi", 4, 0);
  both.prompt_token_ids = {1};
  EXPECT_EQ(model.generate(both).error().code, errc::invalid_argument);
  std::string long_prompt;
  for (uint32_t i = 0; i <= mock_model::max_context; ++i)
    long_prompt += "w ";
  EXPECT_EQ(model.generate(text_request(long_prompt, 4, 0)).error().code, errc::limit_exceeded);
}

TEST(mock_model_test, chat_messages_run_as_their_plain_template_prompt) {
  mock_model model;
  auto chat = text_request("", 4, 3);
  chat.messages = {{"system", "be brief"}, {"user", "hello there"}};
  const std::string rendered = "system: be brief\nuser: hello there\nassistant:";
  EXPECT_EQ(plain_chat_prompt(chat.messages), rendered);
  auto from_chat = model.generate(chat);
  auto from_text = model.generate(text_request(rendered, 4, 3));
  ASSERT_TRUE(from_chat) << from_chat.error().to_string();
  ASSERT_TRUE(from_text);
  EXPECT_EQ(from_chat->text, from_text->text);
  EXPECT_EQ(from_chat->prompt_tokens,
            7u);  // "system:" "be" "brief" "user:" "hello" "there" "assistant:"
  chat.prompt = "and a prompt";
  EXPECT_EQ(model.generate(chat).error().code, errc::invalid_argument);
}

TEST(mock_model_test, advertises_its_model_and_weights_hash) {
  mock_model model;
  auto models = model.models();
  ASSERT_EQ(models.size(), 1u);
  EXPECT_EQ(models[0].id, "mock-model");
  EXPECT_EQ(models[0].weights_hash, keccak256(as_bytes("mock-model")));
  EXPECT_EQ(models[0].served_by.backend, wire::Backend::Mock);
  EXPECT_TRUE(models[0].served_by.deterministic);
}

// ------------------------------------------------------------------------------------------------
// Embed requests

generation_request embed_request(std::string prompt) {
  generation_request r;
  r.id = 11;
  r.model = std::string(mock_model_id);
  r.kind = request_kind::embed;
  r.prompt = std::move(prompt);
  r.sampling.max_tokens = 0;
  return r;
}

/// The documented embedding: x_j = be32(keccak256(P ‖ "embed" ‖ be32(j))[0..3]) / 2^31 − 1,
/// then x / |x| rounded to float.
std::vector<float> expected_embedding(const bytes& input) {
  std::vector<double> x;
  double sum = 0;
  for (uint32_t j = 0; j < mock_model::embedding_dims; ++j) {
    bytes in = input;
    for (char c : std::string("embed"))
      in.push_back(static_cast<uint8_t>(c));
    for (int k = 3; k >= 0; --k)
      in.push_back(static_cast<uint8_t>(j >> (8 * k)));
    const hash256 d = keccak256(in);
    const uint32_t u =
        (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
    x.push_back(u / 2147483648.0 - 1.0);
    sum += x.back() * x.back();
  }
  std::vector<float> out;
  for (double v : x)
    out.push_back(static_cast<float>(v / std::sqrt(sum)));
  return out;
}

TEST(mock_model_test, embedding_is_the_documented_function) {
  mock_model m;
  auto g = m.generate(embed_request("the quick brown fox"));
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->request_id, 11u);
  EXPECT_EQ(g->embedding, expected_embedding(text_bytes("the quick brown fox")));
  EXPECT_EQ(g->prompt_tokens, 4u);
  EXPECT_EQ(g->completion_tokens, 0u);
  EXPECT_EQ(g->finish_reason, wire::FinishReason::Stop);
  EXPECT_TRUE(g->text.empty() && g->token_ids.empty() && g->chunks.empty());
  double norm = 0;
  for (float v : g->embedding) {
    EXPECT_TRUE(std::isfinite(v));
    norm += double{v} * v;
  }
  EXPECT_NEAR(norm, 1.0, 1e-6);
}

TEST(mock_model_test, embedding_of_token_ids_hashes_be32_ids_and_ignores_sampling) {
  mock_model m;
  auto r = embed_request("");
  r.prompt_token_ids = {1, 258};
  auto g = m.generate(r);
  ASSERT_TRUE(g) << g.error().to_string();
  EXPECT_EQ(g->embedding, expected_embedding(bytes{0, 0, 0, 1, 0, 0, 1, 2}));
  EXPECT_EQ(g->prompt_tokens, 2u);
  r.sampling.seed = 99;
  r.sampling.temperature = 0.3f;
  r.sampling.max_tokens = 5;
  EXPECT_EQ(m.generate(r)->embedding, g->embedding);
  EXPECT_NE(m.generate(embed_request("other"))->embedding, g->embedding);
}

TEST(mock_model_test, embed_refuses_bad_requests) {
  mock_model m;
  EXPECT_EQ(m.generate(embed_request("")).error().code, errc::invalid_argument);
  auto chat = embed_request("");
  chat.messages = {{"user", "hi"}};
  EXPECT_EQ(m.generate(chat).error().code, errc::invalid_argument);
  auto both = embed_request("x");
  both.prompt_token_ids = {1};
  EXPECT_EQ(m.generate(both).error().code, errc::invalid_argument);
  auto other = embed_request("x");
  other.model = "gpt-9";
  EXPECT_EQ(m.generate(other).error().code, errc::not_found);
  auto long_input = embed_request("");
  long_input.prompt_token_ids.assign(mock_model::max_context + 1, 3);
  EXPECT_EQ(m.generate(long_input).error().code, errc::limit_exceeded);
}

TEST(mock_model_test, logprobs_are_the_documented_function_of_the_candidate_digests) {
  generation_request r = text_request("rank these words", 3, 9);
  r.sampling.top_logprobs = 4;
  auto out = mock_model{}.generate(r);
  ASSERT_TRUE(out) << out.error().to_string();
  ASSERT_EQ(out->chunks.size(), 3u);
  const bytes input = text_bytes("rank these words");
  for (uint32_t i = 0; i < 3; ++i) {
    bytes digest_input = input;
    for (int k = 7; k >= 0; --k)
      digest_input.push_back(static_cast<uint8_t>(uint64_t{9} >> (8 * k)));
    for (int k = 3; k >= 0; --k)
      digest_input.push_back(static_cast<uint8_t>(i >> (8 * k)));
    const hash256 d = keccak256(digest_input);
    const std::string word = expected_word(input, 9, i);
    const std::string space = i == 0 ? "" : " ";
    ASSERT_EQ(out->chunks[i].logprobs.size(), 1u);
    const token_logprobs& e = out->chunks[i].logprobs[0];
    const float logprob = -(64.0f + d[4]) / 256.0f;
    EXPECT_EQ(e.chosen.token, space + word);
    EXPECT_EQ(e.chosen.logprob, logprob);
    EXPECT_GE(logprob, -1.25f);
    EXPECT_LE(logprob, -0.25f);
    ASSERT_EQ(e.top.size(), 4u);
    for (uint32_t j = 0; j < 4; ++j) {
      const uint32_t alternative = (id_of(word) + 7919 * j) % (26 * 26 * 26 * 26);
      EXPECT_EQ(e.top[j].token, space + mock_model::word_of(alternative));
      EXPECT_EQ(e.top[j].logprob, logprob - 2.0f * j);
    }
    EXPECT_EQ(e.top[0].token, e.chosen.token);  // the token is its own most likely candidate
  }
  EXPECT_EQ(mock_model::logprobs(r, 1, 4).chosen.token, out->chunks[1].logprobs[0].chosen.token);
}

TEST(mock_model_test, logprobs_come_only_when_asked_and_change_no_token) {
  generation_request r = text_request("rank these words", 5, 9);
  const generation plain = mock_model{}.generate(r).value();
  for (const generation_chunk& c : plain.chunks)
    EXPECT_TRUE(c.logprobs.empty());
  r.sampling.logprobs = true;  // each token's own logprob, no alternatives
  const generation with = mock_model{}.generate(r).value();
  EXPECT_EQ(with.text, plain.text);
  EXPECT_EQ(with.token_ids, plain.token_ids);
  for (const generation_chunk& c : with.chunks) {
    ASSERT_EQ(c.logprobs.size(), 1u);
    EXPECT_TRUE(c.logprobs[0].top.empty());
    EXPECT_EQ(c.logprobs[0].chosen.token, c.text);
  }
}

}  // namespace
}  // namespace agora::actors
