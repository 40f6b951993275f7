// The simulation's engines (sim/inline_engine.hpp, sim/lying_engine.hpp) over a real model
// folder (tests/fixtures/engine/gpt2-tiny on the CPU engine): inline and deterministic, and
// lies whose text differs from the honest answer while the chunks still add up to it.
#include <gtest/gtest.h>

#include "actors/worker/mock_model.hpp"
#include "sim/inline_engine.hpp"
#include "sim/lying_engine.hpp"

namespace agora::sim {
namespace {

std::shared_ptr<inline_engine> gpt2_tiny() {
  auto e = inline_engine::load_folder(std::string(AGORA_SOURCE_DIR) +
                                      "/tests/fixtures/engine/gpt2-tiny");
  EXPECT_TRUE(e) << e.error().message;
  return e ? *e : nullptr;
}

actors::generation_request request(uint64_t seed, const std::string& model = "gpt2-tiny") {
  actors::generation_request r;
  r.id = 7;
  r.model = model;
  r.prompt = "abcd efgh ijkl";
  r.sampling.max_tokens = 8;
  r.sampling.temperature = 0.7f;
  r.sampling.seed = seed;
  return r;
}

/// The chunks' texts and ids make up the generation's.
void expect_consistent(const actors::generation& g) {
  std::string text;
  std::vector<uint32_t> ids;
  for (const actors::generation_chunk& c : g.chunks) {
    text += c.text;
    ids.insert(ids.end(), c.token_ids.begin(), c.token_ids.end());
  }
  EXPECT_EQ(text, g.text);
  EXPECT_EQ(ids, g.token_ids);
  EXPECT_EQ(g.completion_tokens, g.token_ids.size());
}

TEST(inline_engine, runs_a_model_folder_inline_and_deterministically) {
  auto e = gpt2_tiny();
  ASSERT_NE(e, nullptr);
  EXPECT_FALSE(e->blocks());
  EXPECT_FALSE(e->batches(request(1)));
  ASSERT_EQ(e->models().size(), 1u);
  EXPECT_EQ(e->models()[0].id, "gpt2-tiny");
  auto a = e->generate(request(1));
  auto b = e->generate(request(1));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->token_ids, b->token_ids);
  EXPECT_EQ(a->text, b->text);
  expect_consistent(*a);
}

TEST(lying_engine, a_wrong_result_on_a_folder_changes_the_first_piece_only) {
  auto honest = gpt2_tiny();
  ASSERT_NE(honest, nullptr);
  lying_engine liar(honest, lie_kind::wrong_first_token, 1000, std::make_shared<seeded_random>(3));
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto truth = honest->generate(request(seed));
    auto lie = liar.generate(request(seed));
    ASSERT_TRUE(truth && lie);
    EXPECT_NE(lie->text, truth->text) << "seed " << seed;
    expect_consistent(*lie);
    ASSERT_FALSE(truth->chunks.empty());
    ASSERT_EQ(lie->chunks.size(), truth->chunks.size());
    for (size_t i = 1; i < lie->chunks.size(); ++i)
      EXPECT_EQ(lie->chunks[i].text, truth->chunks[i].text);
  }
}

TEST(lying_engine, lazy_junk_has_max_tokens_and_other_text) {
  auto honest = gpt2_tiny();
  ASSERT_NE(honest, nullptr);
  lying_engine lazy(honest, lie_kind::lazy_junk, 1000, std::make_shared<seeded_random>(5));
  lying_engine lazy_mock(std::make_shared<actors::mock_model>(), lie_kind::lazy_junk, 1000,
                         std::make_shared<seeded_random>(5));
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    auto truth = honest->generate(request(seed));
    auto junk = lazy.generate(request(seed));
    ASSERT_TRUE(truth && junk);
    EXPECT_NE(junk->text, truth->text) << "seed " << seed;
    EXPECT_EQ(junk->completion_tokens, 8u);
    EXPECT_EQ(junk->finish_reason, wire::FinishReason::Length);
    expect_consistent(*junk);
    auto mock_junk = lazy_mock.generate(request(seed, "mock-model"));
    ASSERT_TRUE(mock_junk);
    EXPECT_EQ(mock_junk->completion_tokens, 8u);
    expect_consistent(*mock_junk);
  }
}

}  // namespace
}  // namespace agora::sim
