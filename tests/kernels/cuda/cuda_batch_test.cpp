// Batch invariance and errors of the CUDA backend (deterministic mode, DESIGN §8): an entry's
// logits are bitwise the same alone and inside a batch of 8 with other sequences, at any place
// in it, with or without a prefill entry beside it; bad tokens, capacity overruns and an
// exhausted KV pool come back as errors that leave every sequence as it was; decode steps
// replayed as CUDA graphs give bitwise what eager launches give. Skipped without a GPU; label
// "gpu".
#ifdef AGORA_WITH_CUDA

#include <gtest/gtest.h>

#include <vector>

#include "kernels/cuda/cuda_backend.hpp"
#include "tests/kernels/cuda/cuda_test_util.hpp"

namespace agora::kernels {
namespace {

std::filesystem::path fixture(const std::string& name) {
  return std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine" / name;
}

std::unique_ptr<cuda_backend> load(const std::string& name, cuda_backend_options options = {}) {
  auto b = cuda_backend::load(fixture(name), 0, options);
  EXPECT_TRUE(b.ok()) << b.error().to_string();
  return b ? std::move(*b) : nullptr;
}

// `count` sequences, sequence i prefilled with i + 1 tokens of its own.
std::vector<std::unique_ptr<kv_sequence>> others(backend& b, int count) {
  std::vector<std::unique_ptr<kv_sequence>> out;
  std::vector<float> logits(b.config().vocab_size);
  for (int i = 0; i < count; ++i) {
    auto seq = b.open_sequence(64);
    EXPECT_TRUE(seq.ok());
    std::vector<uint32_t> prompt;
    for (int t = 0; t <= i; ++t)
      prompt.push_back(static_cast<uint32_t>((37 * i + 11 * t + 3) % 300));
    EXPECT_TRUE(b.forward(**seq, prompt, logits).ok());
    out.push_back(std::move(*seq));
  }
  return out;
}

class cuda_batch : public ::testing::TestWithParam<std::string> {};

TEST_P(cuda_batch, decode_logits_are_bitwise_the_same_alone_and_in_a_batch_of_8) {
  AGORA_REQUIRE_GPU();
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const uint32_t V = b->config().vocab_size;
  const std::vector<uint32_t> prompt = {1, 17, 42, 99, 7};
  auto alone = b->open_sequence(64), batched = b->open_sequence(64);
  ASSERT_TRUE(alone.ok() && batched.ok());
  std::vector<float> a(V), c(V);
  ASSERT_TRUE(b->forward(**alone, prompt, a).ok());
  ASSERT_TRUE(b->forward(**batched, prompt, c).ok());
  ASSERT_EQ(a, c);
  auto rest = others(*b, 7);
  std::vector<std::vector<float>> logits(8, std::vector<float>(V));
  const uint32_t tokens[8] = {5, 6, 7, 8, 9, 10, 11, 12};
  for (int step = 0; step < 4; ++step) {
    const uint32_t next[] = {static_cast<uint32_t>(20 + step)};
    ASSERT_TRUE(b->forward(**alone, next, a).ok());
    // The target sits at a different place each step; at step 3 one neighbour is a prefill.
    std::vector<batch_entry> entries;
    for (int i = 0; i < 7; ++i) {
      const bool prefill = step == 3 && i == 2;
      entries.push_back(
          {rest[i].get(), std::span<const uint32_t>(tokens).first(prefill ? 3 : 1), logits[i], {}});
    }
    entries.insert(entries.begin() + (step * 3) % 8, batch_entry{batched->get(), next, c, {}});
    b->forward_batch(entries);
    for (const batch_entry& e : entries)
      ASSERT_TRUE(e.outcome.ok()) << e.outcome.error().to_string();
    ASSERT_EQ(a, c) << "step " << step;
    EXPECT_EQ((*alone)->length(), (*batched)->length());
  }
}

TEST_P(cuda_batch, prefill_logits_are_bitwise_the_same_alone_and_in_a_batch) {
  AGORA_REQUIRE_GPU();
  auto b = load(GetParam());
  ASSERT_NE(b, nullptr);
  const uint32_t V = b->config().vocab_size;
  const std::vector<uint32_t> prompt = {200, 13, 13, 250, 3, 64, 128, 77, 2, 11, 150};
  std::vector<float> a(V), c(V);
  auto alone = b->open_sequence(32), batched = b->open_sequence(32);
  ASSERT_TRUE(alone.ok() && batched.ok());
  ASSERT_TRUE(b->forward(**alone, prompt, a).ok());
  auto rest = others(*b, 7);
  std::vector<std::vector<float>> logits(7, std::vector<float>(V));
  const uint32_t one[] = {4};
  std::vector<batch_entry> entries;
  for (int i = 0; i < 7; ++i)
    entries.push_back({rest[i].get(), one, logits[i], {}});
  entries.insert(entries.begin() + 4, batch_entry{batched->get(), prompt, c, {}});
  b->forward_batch(entries);
  for (const batch_entry& e : entries)
    ASSERT_TRUE(e.outcome.ok()) << e.outcome.error().to_string();
  EXPECT_EQ(a, c);
}

TEST_P(cuda_batch, decode_graphs_replay_bitwise_what_eager_steps_compute) {
  AGORA_REQUIRE_GPU();
  cuda_backend_options eager;
  eager.decode_graphs = false;
  auto graphed = load(GetParam()), plain = load(GetParam(), eager);
  ASSERT_NE(graphed, nullptr);
  ASSERT_NE(plain, nullptr);
  const uint32_t V = graphed->config().vocab_size;
  std::vector<std::unique_ptr<kv_sequence>> seqs[2];
  std::vector<std::vector<float>> logits[2];
  cuda_backend* backends[2] = {graphed.get(), plain.get()};
  for (int b = 0; b < 2; ++b) {
    seqs[b] = others(*backends[b], 3);
    logits[b].assign(3, std::vector<float>(V));
  }
  // Steps of 1 row and of 3 rows, each count run eagerly once and then replayed as a graph.
  for (int step = 0; step < 6; ++step) {
    const size_t live = step % 2 == 0 ? 1 : 3;
    for (int b = 0; b < 2; ++b) {
      std::vector<batch_entry> entries;
      const uint32_t token[] = {static_cast<uint32_t>(30 + step)};
      for (size_t i = 0; i < live; ++i)
        entries.push_back({seqs[b][i].get(), token, logits[b][i], {}});
      backends[b]->forward_batch(entries);
      for (const batch_entry& e : entries)
        ASSERT_TRUE(e.outcome.ok()) << e.outcome.error().to_string();
    }
    for (size_t i = 0; i < live; ++i)
      ASSERT_EQ(logits[0][i], logits[1][i]) << "step " << step << " row " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(fixtures, cuda_batch,
                         ::testing::Values("gpt2-tiny", "llama-tiny-bf16",
                                           "llama-tiny-f16-sharded"),
                         [](const auto& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(cuda_errors, bad_tokens_and_capacity_leave_the_sequence_unchanged) {
  AGORA_REQUIRE_GPU();
  auto b = load("llama-tiny-bf16");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->name(), "cuda");
  auto seq = b->open_sequence(4);
  ASSERT_TRUE(seq.ok());
  std::vector<float> logits(b->config().vocab_size);
  const std::vector<uint32_t> two = {5, 6}, bad = {7, 300}, three = {1, 2, 3}, one = {9};
  ASSERT_TRUE(b->forward(**seq, two, logits).ok());
  status s = b->forward(**seq, bad, logits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::invalid_argument);
  s = b->forward(**seq, std::vector<uint32_t>{300}, logits);  // the decode path checks too
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::invalid_argument);
  s = b->forward(**seq, three, logits);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, errc::limit_exceeded);
  EXPECT_EQ((*seq)->length(), 2u);
  ASSERT_TRUE(b->forward(**seq, one, logits).ok());
  auto fresh = b->open_sequence(3);
  ASSERT_TRUE(fresh.ok());
  std::vector<float> want(b->config().vocab_size);
  ASSERT_TRUE(b->forward(**fresh, std::vector<uint32_t>{5, 6}, want).ok());
  ASSERT_TRUE(b->forward(**fresh, one, want).ok());
  EXPECT_EQ(logits, want);  // the same steps on a fresh sequence: bitwise the same
}

TEST(cuda_errors, a_failed_entry_does_not_stop_the_batch) {
  AGORA_REQUIRE_GPU();
  auto b = load("gpt2-tiny");
  ASSERT_NE(b, nullptr);
  auto seqs = others(*b, 3);
  std::vector<std::vector<float>> logits(3, std::vector<float>(b->config().vocab_size));
  const uint32_t good[] = {4}, bad[] = {1000};
  std::vector<batch_entry> entries = {{seqs[0].get(), good, logits[0], {}},
                                      {seqs[1].get(), bad, logits[1], {}},
                                      {seqs[2].get(), good, logits[2], {}}};
  b->forward_batch(entries);
  EXPECT_TRUE(entries[0].outcome.ok());
  ASSERT_FALSE(entries[1].outcome.ok());
  EXPECT_EQ(entries[1].outcome.error().code, errc::invalid_argument);
  EXPECT_TRUE(entries[2].outcome.ok());
  EXPECT_EQ(seqs[0]->length(), 2u);
  EXPECT_EQ(seqs[1]->length(), 2u);  // unchanged
  EXPECT_EQ(seqs[2]->length(), 4u);
}

TEST(cuda_errors, the_kv_pool_runs_out_and_refills) {
  AGORA_REQUIRE_GPU();
  // llama-tiny: 2 layers × (k, v) × 16 slots × 2 KV heads × 16 dims × 2 bytes = 4096 per block.
  auto b = load("llama-tiny-bf16", cuda_backend_options{4 * 4096, 2048});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->kv_blocks_total(), 4u);
  EXPECT_EQ(b->open_sequence(0).error().code, errc::invalid_argument);
  EXPECT_EQ(b->open_sequence(129).error().code, errc::limit_exceeded);
  auto big = b->open_sequence(64);  // all four blocks
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(b->kv_blocks_free(), 0u);
  auto none = b->open_sequence(1);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, errc::limit_exceeded);
  EXPECT_EQ(b->embed(std::vector<uint32_t>{1, 2, 3}).error().code, errc::limit_exceeded);
  big->reset();
  EXPECT_EQ(b->kv_blocks_free(), 4u);
  EXPECT_TRUE(b->open_sequence(17).ok());  // two blocks, given back at once
  EXPECT_TRUE(b->embed(std::vector<uint32_t>(64, 1)).ok());
  EXPECT_EQ(b->kv_blocks_free(), 4u);
}

TEST(cuda_errors, load_errors_name_what_is_wrong) {
  AGORA_REQUIRE_GPU();
  auto missing = cuda_backend::load(fixture("no-such-model"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, errc::not_found);
  auto no_device = cuda_backend::load(fixture("gpt2-tiny"), 999);
  ASSERT_FALSE(no_device.ok());
  EXPECT_EQ(no_device.error().code, errc::io_error);
  EXPECT_NE(no_device.error().message.find("cudaSetDevice"), std::string::npos);
}

TEST(cuda_errors, long_prompts_run_in_chunks) {
  AGORA_REQUIRE_GPU();
  auto whole = load("gpt2-tiny");
  auto chunked = load("gpt2-tiny", cuda_backend_options{0, 64});  // 100 tokens: 64 + 36
  ASSERT_NE(whole, nullptr);
  ASSERT_NE(chunked, nullptr);
  std::vector<uint32_t> tokens;
  for (uint32_t t = 0; t < 100; ++t)
    tokens.push_back((7 * t + 1) % 300);
  std::vector<float> a(whole->config().vocab_size), c(a.size());
  auto sa = whole->open_sequence(100), sc = chunked->open_sequence(100);
  ASSERT_TRUE(sa.ok() && sc.ok());
  ASSERT_TRUE(whole->forward(**sa, tokens, a).ok());
  ASSERT_TRUE(chunked->forward(**sc, tokens, c).ok());
  EXPECT_EQ((*sc)->length(), 100u);
  EXPECT_LT(cuda::testing::relative_l2(c, a), 1e-2);  // GEMMs at other M: rounding only
}

}  // namespace
}  // namespace agora::kernels

#endif  // AGORA_WITH_CUDA
