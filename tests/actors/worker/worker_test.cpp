// The worker actor on virtual time: replies with the mock-model's output, streams its chunks at
// token_time per token before the reply, and refuses requests beyond its queue.

#include "actors/worker/worker.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/worker/mock_model.hpp"
#include "tests/actors/common/actor_test.hpp"

namespace agora::actors {
namespace {

using namespace std::chrono_literals;

/// What a test client saw, in arrival order, with the virtual time of each event.
struct client_log {
  std::vector<std::pair<generation_chunk, caf::actor_clock::time_point>> chunks;
  std::vector<std::pair<generation, caf::actor_clock::time_point>> replies;
  std::vector<agora::error> errors;
};

generation_request request(uint64_t id, std::string prompt, uint64_t seed = 3) {
  generation_request r;
  r.id = id;
  r.model = std::string(mock_model_id);
  r.prompt = std::move(prompt);
  r.sampling.max_tokens = 4;
  r.sampling.seed = seed;
  return r;
}

class worker_test : public testing::actor_test {
 protected:
  void TearDown() override {
    for (auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  worker_actor spawn(worker_options options) {
    auto w = spawn_worker(sys, std::make_shared<mock_model>(), options);
    actors_.push_back(caf::actor_cast<caf::actor>(w));
    run();
    return w;
  }

  /// A sink that records chunks into log.
  chunk_sink spawn_sink() {
    auto sink = sys.spawn([this](chunk_sink::pointer self) -> chunk_sink::behavior_type {
      return {[this, self](chunk_atom, const generation_chunk& c) {
        log.chunks.emplace_back(c, self->clock().now());
      }};
    });
    actors_.push_back(caf::actor_cast<caf::actor>(sink));
    return sink;
  }

  /// Sends r to w from a fresh client actor that records the reply or error into log.
  void submit(worker_actor w, generation_request r, chunk_sink sink) {
    auto client = sys.spawn([=, this](caf::event_based_actor* self) {
      self->request(w, 60min, generate_atom_v, r, sink)
          .then([this, self](generation& g) { log.replies.emplace_back(g, self->clock().now()); },
                [this](caf::error& e) { log.errors.push_back(from_caf_error(e)); });
    });
    actors_.push_back(client);
    run();
  }

  client_log log;
  std::vector<caf::actor> actors_;
};

TEST_F(worker_test, replies_with_the_mock_model_output_after_its_chunks) {
  auto w = spawn({});
  auto sink = spawn_sink();
  submit(w, request(1, "hello world"), sink);
  auto expected = mock_model{}.generate(request(1, "hello world"));
  ASSERT_TRUE(expected);
  ASSERT_EQ(log.replies.size(), 1u);
  const generation& g = log.replies[0].first;
  EXPECT_EQ(g.text, expected->text);
  EXPECT_EQ(g.token_ids, expected->token_ids);
  EXPECT_EQ(g.prompt_tokens, 2u);
  EXPECT_EQ(g.completion_tokens, 4u);
  EXPECT_EQ(g.finish_reason, wire::FinishReason::Length);
  ASSERT_EQ(log.chunks.size(), 4u);
  std::string streamed;
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(log.chunks[i].first.index, i);
    EXPECT_EQ(log.chunks[i].first.request_id, 1u);
    streamed += log.chunks[i].first.text;
  }
  EXPECT_EQ(streamed, g.text);
}

TEST_F(worker_test, an_embedding_is_answered_at_once_without_chunks) {
  auto w = spawn({});
  auto sink = spawn_sink();
  auto r = request(2, "embed this");
  r.kind = request_kind::embed;
  r.sampling.max_tokens = 0;
  const auto start = sys.clock().now();
  submit(w, r, sink);
  ASSERT_EQ(log.replies.size(), 1u);
  EXPECT_EQ(log.replies[0].first.embedding, mock_model::embedding_of(r));
  EXPECT_EQ(log.replies[0].first.prompt_tokens, 2u);
  EXPECT_EQ(log.replies[0].second, start);  // nothing streamed, no token time
  EXPECT_TRUE(log.chunks.empty());
  submit(w, request(3, "after it"), sink);  // the worker goes on
  EXPECT_EQ(log.replies.size(), 2u);
}

TEST_F(worker_test, chunks_take_token_time_on_the_virtual_clock) {
  auto w = spawn({.queue_max = 4, .token_time = 25ms});
  auto sink = spawn_sink();
  const auto t0 = sys.clock().now();
  submit(w, request(1, "slow"), sink);
  EXPECT_TRUE(log.chunks.empty());
  advance(25ms);
  ASSERT_EQ(log.chunks.size(), 1u);
  for (int step = 0; step < 3; ++step)
    advance(25ms);
  ASSERT_EQ(log.chunks.size(), 4u);
  ASSERT_EQ(log.replies.size(), 1u);
  for (size_t i = 0; i < 4; ++i)
    EXPECT_EQ(log.chunks[i].second - t0, 25ms * static_cast<int64_t>(i + 1));
  EXPECT_EQ(log.replies[0].second - t0, 100ms);
}

TEST_F(worker_test, refuses_requests_beyond_its_queue) {
  auto w = spawn({.queue_max = 1, .token_time = 10ms});
  submit(w, request(1, "first"), {});
  submit(w, request(2, "second"), {});
  submit(w, request(3, "third"), {});
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].code, errc::limit_exceeded);
  advance(40ms);
  ASSERT_EQ(log.replies.size(), 1u);
  EXPECT_EQ(log.replies[0].first.request_id, 1u);
  advance(40ms);
  ASSERT_EQ(log.replies.size(), 2u);
  EXPECT_EQ(log.replies[1].first.request_id, 2u);
  submit(w, request(4, "fourth"), {});
  advance(40ms);
  ASSERT_EQ(log.replies.size(), 3u);
  EXPECT_EQ(log.errors.size(), 1u);
}

TEST_F(worker_test, reports_engine_errors_and_goes_on) {
  auto w = spawn({});
  auto bad = request(1, "x");
  bad.model = "unknown";
  submit(w, bad, {});
  submit(w, request(2, "fine"), {});
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].code, errc::not_found);
  ASSERT_EQ(log.replies.size(), 1u);
  EXPECT_EQ(log.replies[0].first.request_id, 2u);
}

TEST_F(worker_test, same_request_same_output_seeds_change_it) {
  auto w = spawn({});
  submit(w, request(1, "prompt", 11), {});
  submit(w, request(2, "prompt", 11), {});
  submit(w, request(3, "prompt", 12), {});
  ASSERT_EQ(log.replies.size(), 3u);
  EXPECT_EQ(log.replies[0].first.text, log.replies[1].first.text);
  EXPECT_NE(log.replies[0].first.text, log.replies[2].first.text);
}

TEST_F(worker_test, messages_round_trip_through_binary_serializer) {
  auto r = request(5, "serialize me", 77);
  r.prompt_token_ids = {1, 2, 3};
  r.sampling.stop = {"end"};
  auto g = mock_model{}.generate(request(5, "serialize me", 77)).value();
  std::vector<char> buf;
  caf::binary_serializer sink{sys, buf};
  ASSERT_FALSE(sink(r, g));
  generation_request r2;
  generation g2;
  caf::binary_deserializer source{sys, buf};
  ASSERT_FALSE(source(r2, g2));
  EXPECT_EQ(r2.prompt, r.prompt);
  EXPECT_EQ(r2.prompt_token_ids, r.prompt_token_ids);
  EXPECT_EQ(r2.sampling.seed, 77u);
  EXPECT_EQ(r2.sampling.stop, r.sampling.stop);
  EXPECT_EQ(g2.text, g.text);
  EXPECT_EQ(g2.token_ids, g.token_ids);
  EXPECT_EQ(g2.finish_reason, g.finish_reason);
  ASSERT_EQ(g2.chunks.size(), g.chunks.size());
  EXPECT_EQ(g2.chunks.back().text, g.chunks.back().text);
}

TEST_F(worker_test, status_counts_waiting_and_running) {
  auto w = spawn({.queue_max = 4, .token_time = 10ms});
  submit(w, request(1, "a"), {});
  submit(w, request(2, "b"), {});
  std::vector<uint32_t> status;
  auto asker = sys.spawn([&status, w](caf::event_based_actor* self) {
    self->request(w, 60min, status_atom_v).then([&status](uint32_t waiting, uint32_t running) {
      status = {waiting, running};
    });
  });
  actors_.push_back(asker);
  run();
  EXPECT_EQ(status, (std::vector<uint32_t>{1, 1}));
}

TEST_F(worker_test, cancel_stops_the_sync_run_between_chunks_and_answers_what_went_out) {
  auto w = spawn({.queue_max = 4, .token_time = 10ms});
  auto sink = spawn_sink();
  auto r = request(7, "stop me early");
  r.sampling.max_tokens = 16;
  submit(w, r, sink);
  submit(w, request(8, "next in line"), {});
  advance(10ms);
  advance(10ms);
  advance(10ms);
  ASSERT_EQ(log.chunks.size(), 3u);
  caf::anon_send(w, cancel_atom_v, uint64_t{7});
  run();
  ASSERT_EQ(log.replies.size(), 1u);
  const generation& cut = log.replies[0].first;
  const generation whole = mock_model{}.generate(r).value();
  EXPECT_EQ(cut.request_id, 7u);
  EXPECT_EQ(cut.completion_tokens, 3u);
  EXPECT_EQ(cut.finish_reason, wire::FinishReason::None);
  EXPECT_EQ(cut.prompt_tokens, whole.prompt_tokens);
  EXPECT_EQ(cut.token_ids,
            std::vector<uint32_t>(whole.token_ids.begin(), whole.token_ids.begin() + 3));
  EXPECT_EQ(cut.text,
            log.chunks[0].first.text + log.chunks[1].first.text + log.chunks[2].first.text);
  for (int step = 0; step < 20; ++step)
    advance(10ms);
  EXPECT_EQ(log.chunks.size(), 3u);   // nothing more of the cancelled run
  ASSERT_EQ(log.replies.size(), 2u);  // the next request ran at once, to its end
  EXPECT_EQ(log.replies[1].first.request_id, 8u);
  EXPECT_TRUE(log.errors.empty());
}

TEST_F(worker_test, cancel_of_a_waiting_sync_request_answers_stale) {
  auto w = spawn({.queue_max = 4, .token_time = 10ms});
  submit(w, request(1, "running"), {});
  submit(w, request(2, "waiting"), {});
  caf::anon_send(w, cancel_atom_v, uint64_t{2});
  run();
  ASSERT_EQ(log.errors.size(), 1u);
  EXPECT_EQ(log.errors[0].code, errc::stale);
  advance(40ms);
  ASSERT_EQ(log.replies.size(), 1u);
  EXPECT_EQ(log.replies[0].first.request_id, 1u);
  EXPECT_EQ(log.replies[0].first.completion_tokens, 4u);  // an unknown id changes nothing else
}

}  // namespace
}  // namespace agora::actors
