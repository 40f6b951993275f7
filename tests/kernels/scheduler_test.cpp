// Tests for the continuous-batching scheduler, isolated from any real model: a scripted backend
// that records every batch it runs and counts its live sequences, and a real tokenizer from the
// fixtures. Checks the limits per step, chunked prefill, decodes never stalled by a prefill,
// cancellation, streaming order, memory waits and that a failing entry fails only its request.
#include "kernels/engine/scheduler.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <thread>

namespace agora::kernels {
namespace {

const std::filesystem::path tokenizer_folder =
    std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine/gpt2-tiny";

class scripted_sequence final : public kv_sequence {
 public:
  scripted_sequence(uint32_t id, uint32_t capacity, uint32_t* live)
      : id_(id), capacity_(capacity), live_(live) {
    ++*live_;
  }
  ~scripted_sequence() override { --*live_; }
  uint32_t length() const override { return length_; }
  uint32_t capacity() const override { return capacity_; }
  uint32_t id() const { return id_; }
  uint32_t length_ = 0;

 private:
  uint32_t id_;
  uint32_t capacity_;
  uint32_t* live_;
};

/// One entry of a recorded batch: which sequence (by opening order) and how many tokens.
struct recorded_entry {
  uint32_t sequence = 0;
  size_t tokens = 0;
};

/// The next token favoured after `last` is last + 1 (from a small printable range), so every
/// request's completion depends only on its own tokens.
class scripted_backend final : public backend {
 public:
  scripted_backend(uint32_t vocab, uint32_t positions) {
    config_.vocab_size = vocab;
    config_.max_positions = positions;
  }
  const model_config& config() const override { return config_; }
  std::string_view name() const override { return "scripted"; }
  result<std::unique_ptr<kv_sequence>> open_sequence(uint32_t capacity) override {
    if (live >= sequences_max)
      return make_error(errc::limit_exceeded, "no memory for another sequence");
    return std::unique_ptr<kv_sequence>(
        std::make_unique<scripted_sequence>(opened++, capacity, &live));
  }
  status forward(kv_sequence& sequence, std::span<const uint32_t> tokens,
                 std::span<float> logits) override {
    auto& seq = static_cast<scripted_sequence&>(sequence);
    for (uint32_t t : tokens) {
      if (t >= config_.vocab_size)
        return make_error(errc::invalid_argument, "token id out of the vocabulary");
    }
    if (seq.length_ + tokens.size() > seq.capacity())
      return make_error(errc::limit_exceeded, "");
    seq.length_ += static_cast<uint32_t>(tokens.size());
    std::fill(logits.begin(), logits.end(), 0.0f);
    logits[40 + (tokens.back() + 1) % 50] = 10.0f;
    return {};
  }
  void forward_batch(std::span<batch_entry> entries) override {
    auto& batch = batches.emplace_back();
    for (const batch_entry& e : entries) {
      auto* seq = static_cast<const scripted_sequence*>(e.sequence);
      batch.push_back({seq->id(), e.tokens.size()});
    }
    backend::forward_batch(entries);
  }
  result<std::vector<float>> embed(std::span<const uint32_t>) override {
    return make_error(errc::unsupported, "");
  }

  std::vector<std::vector<recorded_entry>> batches;
  uint32_t live = 0;
  uint32_t opened = 0;
  uint32_t sequences_max = 1000;

 private:
  model_config config_;
};

/// What one request saw: its streamed pieces, then its outcome.
struct observed {
  std::vector<std::string> pieces;
  std::vector<uint32_t> token_ids;        // from on_token, in order
  std::vector<std::string> token_pieces;  // from on_token, in order
  std::optional<result<generated>> outcome;
  bool text_after_done = false;
};

struct scheduler_test : ::testing::Test {
  void SetUp() override {
    auto loaded = tokenizer::load(tokenizer_folder);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    tokens.emplace(std::move(*loaded));
  }
  scripted_backend model(uint32_t positions = 256) {
    return scripted_backend(tokens->vocab_size(), positions);
  }
  static generate_options greedy(uint32_t max_tokens) {
    generate_options o;
    o.max_tokens = max_tokens;
    o.sampling.temperature = 0.0f;
    return o;
  }
  static std::vector<uint32_t> prompt(uint32_t length, uint32_t first = 1) {
    std::vector<uint32_t> ids(length);
    for (uint32_t i = 0; i < length; ++i)
      ids[i] = first + i;
    return ids;
  }
  void submit(scheduler& s, uint64_t id, std::span<const uint32_t> ids, generate_options o) {
    observed& seen = requests[id];
    request_callbacks callbacks{
        [&seen](std::string_view piece) {
          seen.text_after_done |= seen.outcome.has_value();
          seen.pieces.emplace_back(piece);
        },
        [&seen](result<generated> done) { seen.outcome.emplace(std::move(done)); },
        [&seen](uint32_t id, std::string_view piece) {
          seen.text_after_done |= seen.outcome.has_value();
          seen.token_ids.push_back(id);
          seen.token_pieces.emplace_back(piece);
        }};
    auto st = s.submit(id, ids, std::move(o), std::move(callbacks));
    ASSERT_TRUE(st) << st.error().to_string();
  }
  const generated& done(uint64_t id) {
    auto& outcome = requests.at(id).outcome;
    AGORA_ASSERT(outcome.has_value() && outcome->ok());
    return **outcome;
  }
  std::optional<tokenizer> tokens;
  std::map<uint64_t, observed> requests;
};

TEST_F(scheduler_test, every_step_respects_batch_max_and_the_token_budget) {
  auto backend = model();
  scheduler_limits limits{.batch_max = 2, .step_tokens_max = 6, .prefill_chunk_max = 4};
  scheduler s(backend, *tokens, limits);
  for (uint32_t i = 0; i < 5; ++i)
    submit(s, i, prompt(3 + 4 * i), greedy(5));
  s.run_until_idle();
  ASSERT_FALSE(backend.batches.empty());
  for (const auto& batch : backend.batches) {
    EXPECT_LE(batch.size(), 2u);
    size_t sum = 0;
    for (const auto& e : batch) {
      EXPECT_LE(e.tokens, 4u);
      sum += e.tokens;
    }
    EXPECT_LE(sum, 6u);
  }
  for (uint32_t i = 0; i < 5; ++i) {
    EXPECT_EQ(done(i).completion_ids.size(), 5u);
    EXPECT_EQ(done(i).reason, stop_reason::max_tokens);
  }
  EXPECT_EQ(backend.live, 0u);
}

TEST_F(scheduler_test, a_long_prompt_is_prefilled_in_chunks_with_the_same_result) {
  auto alone = model();
  std::vector<uint32_t> ids = prompt(10);
  auto reference = generate(alone, *tokens, ids, greedy(4));
  ASSERT_TRUE(reference) << reference.error().to_string();
  ASSERT_EQ(alone.batches.front().front().tokens, 10u);  // generate(): one forward

  auto chunked = model();
  scheduler s(chunked, *tokens, {.batch_max = 1, .step_tokens_max = 4, .prefill_chunk_max = 4});
  submit(s, 7, ids, greedy(4));
  s.run_until_idle();
  std::vector<size_t> fed;
  for (const auto& batch : chunked.batches)
    fed.push_back(batch.at(0).tokens);
  EXPECT_EQ(fed, (std::vector<size_t>{4, 4, 2, 1, 1, 1}));
  EXPECT_EQ(done(7).completion_ids, reference->completion_ids);
  EXPECT_EQ(done(7).text, reference->text);
}

TEST_F(scheduler_test, a_decode_never_waits_behind_a_long_prefill) {
  auto backend = model();
  scheduler s(backend, *tokens, {.batch_max = 4, .step_tokens_max = 5, .prefill_chunk_max = 8});
  submit(s, 1, prompt(2), greedy(12));
  s.step();  // request 1's prompt is in: it decodes from now on
  submit(s, 2, prompt(60, 3), greedy(2));
  while (!requests[1].outcome.has_value()) {
    ASSERT_TRUE(s.step());
    const auto& batch = backend.batches.back();
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch[0].sequence, 0u);  // request 1's decode row comes first, every step
    EXPECT_EQ(batch[0].tokens, 1u);
    EXPECT_EQ(batch[1].tokens, 4u);  // request 2's prompt gets what the budget leaves
  }
  s.run_until_idle();
  EXPECT_EQ(done(1).completion_ids.size(), 12u);
  EXPECT_EQ(done(2).completion_ids.size(), 2u);
}

TEST_F(scheduler_test, cancel_frees_the_sequence_at_the_next_step) {
  auto backend = model();
  scheduler s(backend, *tokens, {.batch_max = 1, .step_tokens_max = 8, .prefill_chunk_max = 8});
  submit(s, 1, prompt(3), greedy(100));
  submit(s, 2, prompt(3), greedy(100));  // waits: batch_max is 1
  s.step();
  s.step();
  EXPECT_EQ(backend.live, 1u);
  EXPECT_TRUE(s.cancel(1));
  EXPECT_TRUE(s.cancel(2));
  EXPECT_FALSE(s.cancel(99));
  EXPECT_EQ(backend.live, 1u);  // nothing happens until the next step
  EXPECT_FALSE(s.step());
  EXPECT_EQ(backend.live, 0u);
  EXPECT_EQ(backend.opened, 1u);  // request 2 never opened a sequence
  for (uint64_t id : {1, 2}) {
    ASSERT_TRUE(requests[id].outcome.has_value());
    ASSERT_FALSE(requests[id].outcome->ok());
    EXPECT_EQ(requests[id].outcome->error().code, errc::stale);
  }
  // Its two tokens' text was streamed, then what was held back.
  EXPECT_EQ(requests[1].pieces.size(), 3u);
  EXPECT_TRUE(requests[2].pieces.empty());
  EXPECT_FALSE(s.cancel(1));  // done: no longer known
}

TEST_F(scheduler_test, streams_each_request_in_order_and_done_comes_last) {
  auto backend = model();
  scheduler s(backend, *tokens, {.batch_max = 3, .step_tokens_max = 6, .prefill_chunk_max = 2});
  for (uint32_t i = 0; i < 4; ++i)
    submit(s, i, prompt(1 + 3 * i, 5 * i + 1), greedy(6 + i));
  s.run_until_idle();
  for (uint32_t i = 0; i < 4; ++i) {
    const observed& seen = requests[i];
    const generated& out = done(i);
    EXPECT_FALSE(seen.text_after_done);
    std::string streamed;
    for (const auto& piece : seen.pieces)
      streamed += piece;
    EXPECT_EQ(streamed, out.text);
    EXPECT_EQ(out.text, tokens->decode(out.completion_ids, true));
    auto alone_backend = model();
    auto alone = generate(alone_backend, *tokens, out.prompt_ids, greedy(6 + i));
    ASSERT_TRUE(alone);
    EXPECT_EQ(out.completion_ids, alone->completion_ids);
    EXPECT_EQ(out.pieces, alone->pieces);
    // One on_token per completion token, carrying exactly the generation's pieces.
    EXPECT_EQ(seen.token_ids, out.completion_ids);
    EXPECT_EQ(seen.token_pieces, out.pieces);
  }
}

TEST_F(scheduler_test, a_failing_entry_fails_only_its_request) {
  auto backend = model();
  scheduler s(backend, *tokens, {.batch_max = 3, .step_tokens_max = 8, .prefill_chunk_max = 8});
  submit(s, 1, prompt(3), greedy(4));
  std::vector<uint32_t> bad = prompt(3);
  bad[1] = tokens->vocab_size() + 5;
  submit(s, 2, bad, greedy(4));
  submit(s, 3, prompt(4, 9), greedy(4));
  s.run_until_idle();
  ASSERT_FALSE(requests[2].outcome->ok());
  EXPECT_EQ(requests[2].outcome->error().code, errc::invalid_argument);
  EXPECT_EQ(done(1).completion_ids.size(), 4u);
  EXPECT_EQ(done(3).completion_ids.size(), 4u);
  EXPECT_EQ(backend.live, 0u);
}

TEST_F(scheduler_test, requests_wait_for_memory_and_fail_only_when_nothing_runs) {
  auto backend = model();
  backend.sequences_max = 1;
  scheduler s(backend, *tokens, {.batch_max = 4, .step_tokens_max = 8, .prefill_chunk_max = 8});
  for (uint32_t i = 0; i < 3; ++i)
    submit(s, i, prompt(2 + i), greedy(3));
  s.step();
  EXPECT_EQ(s.running(), 1u);
  EXPECT_EQ(s.waiting(), 2u);
  s.run_until_idle();
  for (uint32_t i = 0; i < 3; ++i)
    EXPECT_EQ(done(i).completion_ids.size(), 3u);
  for (const auto& batch : backend.batches)
    EXPECT_EQ(batch.size(), 1u);

  backend.sequences_max = 0;
  submit(s, 9, prompt(2), greedy(3));
  EXPECT_FALSE(s.step());
  ASSERT_FALSE(requests[9].outcome->ok());
  EXPECT_EQ(requests[9].outcome->error().code, errc::limit_exceeded);
}

TEST_F(scheduler_test, submit_and_cancel_from_another_thread_while_stepping) {
  auto backend = model();
  scheduler s(backend, *tokens, {.batch_max = 4, .step_tokens_max = 8, .prefill_chunk_max = 2});
  constexpr uint64_t count = 40;
  for (uint64_t id = 0; id < count; ++id)
    requests[id];  // the map is complete before the threads start
  std::thread actor([&] {
    for (uint64_t id = 0; id < count; ++id) {
      submit(s, id, prompt(1 + id % 7), greedy(1000));
      if (id >= 2)
        s.cancel(id - 2);
    }
    s.cancel(count - 2);
    s.cancel(count - 1);
  });
  uint64_t ended = 0;
  for (uint32_t steps = 0; ended < count && steps < 100'000; ++steps) {
    s.step();
    ended = 0;
    for (auto& [id, seen] : requests)
      ended += seen.outcome.has_value();
  }
  actor.join();
  s.run_until_idle();
  for (auto& [id, seen] : requests) {
    ASSERT_TRUE(seen.outcome.has_value()) << id;
    if (!seen.outcome->ok()) {  // a slow submitting thread may let a request finish first
      EXPECT_EQ(seen.outcome->error().code, errc::stale);
    }
  }
  EXPECT_EQ(backend.live, 0u);
}

TEST_F(scheduler_test, submit_refuses_what_generate_refuses_and_duplicates) {
  auto backend = model(8);
  scheduler s(backend, *tokens,
              {.batch_max = 1, .step_tokens_max = 4, .prefill_chunk_max = 4, .requests_max = 2});
  auto noop = request_callbacks{{}, [](result<generated>) {}};
  EXPECT_EQ(s.submit(1, {}, greedy(1), noop).error().code, errc::invalid_argument);
  EXPECT_EQ(s.submit(1, prompt(8), greedy(1), noop).error().code, errc::limit_exceeded);
  EXPECT_EQ(s.submit(1, prompt(2), greedy(0), noop).error().code, errc::invalid_argument);
  EXPECT_TRUE(s.submit(1, prompt(2), greedy(1), noop));
  EXPECT_EQ(s.submit(1, prompt(2), greedy(1), noop).error().code, errc::already_exists);
  EXPECT_TRUE(s.submit(2, prompt(2), greedy(1), noop));
  EXPECT_EQ(s.submit(3, prompt(2), greedy(1), noop).error().code, errc::limit_exceeded);
  s.run_until_idle();
  EXPECT_TRUE(s.submit(1, prompt(2), greedy(1), noop));  // a finished id may be reused
  s.run_until_idle();
  EXPECT_EQ(backend.live, 0u);
}

}  // namespace
}  // namespace agora::kernels
