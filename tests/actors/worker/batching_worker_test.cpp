// Continuous batching through the worker (engine::batches): a real folder_engine on the tiny
// GPT-2 fixture (CPU backend) under a threaded actor system. Concurrent requests are all served,
// each exactly as the model serves it alone; chunks stream per token, in order, and concatenate
// to the text; engine_set routes mock-model and the folder side by side; cancellation, a sink
// going away and shutdown with requests in flight end every request with an answer.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/common/message_types.hpp"
#include "actors/worker/engine_set.hpp"
#include "actors/worker/folder_engine.hpp"
#include "actors/worker/mock_model.hpp"
#include "actors/worker/worker.hpp"

namespace agora::actors {
namespace {

using namespace std::chrono_literals;

const std::filesystem::path folder =
    std::filesystem::path(AGORA_SOURCE_DIR) / "tests/fixtures/engine/gpt2-tiny";
constexpr auto reply_timeout = 60s;

generation_request folder_request(uint64_t id, std::string prompt, float temperature, uint64_t seed,
                                  uint32_t max_tokens) {
  generation_request r;
  r.id = id;
  r.model = "gpt2-tiny";
  r.prompt = std::move(prompt);
  r.sampling.temperature = temperature;
  r.sampling.seed = seed;
  r.sampling.max_tokens = max_tokens;
  return r;
}

std::vector<generation_request> mixed_requests() {
  std::vector<generation_request> rs = {
      folder_request(11, "Hello there, how are you", 0.0f, 1, 12),
      folder_request(12, "The quick brown fox jumps over the lazy dog", 0.8f, 7, 16),
      folder_request(13, "a", 1.0f, 42, 10),
      folder_request(14, "Once upon a time in a land far away", 1.3f, 3, 14),
      folder_request(15, "numbers 1 2 3 4 5 6 7 8 9 10", 0.7f, 99, 20),
      folder_request(16, "xyz", 1.0f, 5, 9),
  };
  rs[2].sampling.top_k = 20;
  rs[4].sampling.top_p = 0.9f;
  rs[5].sampling.stop = {"e", "a"};
  rs.push_back(folder_request(17, "", 0.9f, 8, 11));
  rs.back().prompt_token_ids = {1, 17, 42, 99, 7};
  return rs;
}

/// The generation the same request gets served alone, on its own copy of the model.
generation served_alone(const generation_request& request) {
  auto alone = folder_engine::load(folder, kernels::backend_choice::cpu);
  AGORA_ASSERT(alone);
  auto g = (*alone)->generate(request);
  AGORA_ASSERT(g);
  return std::move(*g);
}

/// What a scoped actor received: chunks by request id in arrival order, replies, errors.
struct received {
  std::map<uint64_t, std::vector<generation_chunk>> chunks;
  std::vector<uint64_t> chunk_order;  // the request id of each chunk, in arrival order
  std::map<uint64_t, generation> replies;
  std::vector<agora::error> errors;
};

/// Receives until `answers` replies or errors came (the scoped actor is also the chunk sink,
/// so each request's chunks precede its reply: both come from the worker, in order).
void receive_answers(caf::scoped_actor& self, size_t answers, received& got) {
  while (got.replies.size() + got.errors.size() < answers) {
    bool timed_out = false;
    self->receive(
        [&](chunk_atom, const generation_chunk& c) {
          EXPECT_FALSE(got.replies.contains(c.request_id)) << "a chunk after its reply";
          got.chunks[c.request_id].push_back(c);
          got.chunk_order.push_back(c.request_id);
        },
        [&](const generation& g) { got.replies.emplace(g.request_id, g); },
        [&](caf::error& e) { got.errors.push_back(from_caf_error(e)); },
        caf::after(reply_timeout) >> [&] { timed_out = true; });
    ASSERT_FALSE(timed_out) << "no answer within " << reply_timeout.count() << " s";
  }
}

void expect_same_generation(const generation& got, const generation& want) {
  EXPECT_EQ(got.request_id, want.request_id);
  EXPECT_EQ(got.token_ids, want.token_ids);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.finish_reason, want.finish_reason);
  EXPECT_EQ(got.prompt_tokens, want.prompt_tokens);
  EXPECT_EQ(got.completion_tokens, want.completion_tokens);
  ASSERT_EQ(got.chunks.size(), want.chunks.size());
  for (size_t i = 0; i < got.chunks.size(); ++i) {
    EXPECT_EQ(got.chunks[i].index, want.chunks[i].index);
    EXPECT_EQ(got.chunks[i].token_ids, want.chunks[i].token_ids);
    EXPECT_EQ(got.chunks[i].text, want.chunks[i].text);
  }
}

/// The streamed chunks of one request: numbered from 0, one token each, and together the reply.
void expect_streamed(const std::vector<generation_chunk>& chunks, const generation& g) {
  ASSERT_EQ(chunks.size(), g.chunks.size());
  std::string text;
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_EQ(chunks[i].request_id, g.request_id);
    EXPECT_EQ(chunks[i].index, i);
    ASSERT_EQ(chunks[i].token_ids.size(), 1u);
    EXPECT_EQ(chunks[i].text, g.chunks[i].text);
    text += chunks[i].text;
    ids.push_back(chunks[i].token_ids[0]);
  }
  EXPECT_EQ(text, g.text);
  EXPECT_EQ(ids, g.token_ids);
}

/// Whether some request's chunks arrived between two chunks of another request.
bool interleaved(const std::vector<uint64_t>& order) {
  std::map<uint64_t, size_t> last;
  for (size_t i = 0; i < order.size(); ++i)
    last[order[i]] = i;
  for (size_t i = 0; i < order.size(); ++i) {
    if (i > 0 && order[i] != order[i - 1] && last[order[i - 1]] > i)
      return true;
  }
  return false;
}

class batching_worker_test : public ::testing::Test {
 protected:
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    add_agora_message_types(cfg);
    return cfg;
  }
  void SetUp() override {
    auto loaded = folder_engine::load(folder, kernels::backend_choice::cpu);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    engine_ = std::move(*loaded);
  }
  chunk_sink sink_of(caf::scoped_actor& self) { return caf::actor_cast<chunk_sink>(self); }

  caf::actor_system_config cfg;
  caf::actor_system sys{prepare(cfg)};
  std::shared_ptr<folder_engine> engine_;
};

TEST_F(batching_worker_test, concurrent_requests_are_all_served_as_each_alone) {
  auto worker = spawn_worker(sys, engine_, {.queue_max = 16, .batch_max = 4});
  caf::scoped_actor self{sys};
  const auto requests = mixed_requests();
  for (const auto& r : requests)
    self->send(worker, generate_atom_v, r, sink_of(self));
  received got;
  receive_answers(self, requests.size(), got);
  ASSERT_TRUE(got.errors.empty()) << got.errors.front().to_string();
  ASSERT_EQ(got.replies.size(), requests.size());
  for (const auto& r : requests) {
    const generation& g = got.replies.at(r.id);
    SCOPED_TRACE("request " + std::to_string(r.id));
    EXPECT_GE(g.completion_tokens, 1u);
    expect_same_generation(g, served_alone(r));
    expect_streamed(got.chunks[r.id], g);
  }
  // They ran together: the chunk streams interleave (one at a time, they would not).
  EXPECT_TRUE(interleaved(got.chunk_order));
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
}

TEST_F(batching_worker_test, the_folder_engine_streams_one_chunk_per_token_through_start) {
  const auto requests = mixed_requests();
  std::mutex mutex;
  std::map<uint64_t, std::vector<generation_chunk>> chunks;
  std::map<uint64_t, result<generation>> done;
  for (const auto& r : requests) {
    auto st = engine_->start(
        r,
        [&](generation_chunk c) {
          std::lock_guard lock(mutex);
          EXPECT_FALSE(done.contains(c.request_id)) << "a chunk after on_done";
          chunks[c.request_id].push_back(std::move(c));
        },
        [&, id = r.id](result<generation> g) {
          std::lock_guard lock(mutex);
          done.emplace(id, std::move(g));
        });
    ASSERT_TRUE(st) << st.error().to_string();
  }
  generation_request other = requests.front();
  other.model = "another-model";
  EXPECT_EQ(engine_
                ->start(
                    other, [](generation_chunk) {}, [](result<generation>) {})
                .error()
                .code,
            errc::not_found);
  engine_.reset();  // destruction ends every request still held, then joins
  ASSERT_EQ(done.size(), requests.size());
  for (const auto& r : requests) {
    const auto& g = done.at(r.id);
    if (!g) {
      EXPECT_EQ(g.error().code, errc::io_error);  // ended by the shutdown
      continue;
    }
    expect_same_generation(*g, served_alone(r));
    expect_streamed(chunks[r.id], *g);
  }
}

TEST_F(batching_worker_test, engine_set_runs_mock_model_beside_a_batching_folder) {
  auto set = engine_set::make({std::make_shared<mock_model>(), engine_});
  ASSERT_TRUE(set) << set.error().to_string();
  auto worker = spawn_worker(sys, *set, {.queue_max = 16, .batch_max = 3});
  caf::scoped_actor self{sys};
  std::vector<generation_request> requests = mixed_requests();
  for (uint64_t i = 0; i < 3; ++i) {
    generation_request mock;
    mock.id = 100 + i;
    mock.model = std::string(mock_model_id);
    mock.prompt = "mock prompt " + std::to_string(i);
    mock.sampling.max_tokens = 5;
    mock.sampling.seed = i;
    requests.insert(requests.begin() + static_cast<ptrdiff_t>(2 * i), mock);
  }
  EXPECT_FALSE((*set)->batches(requests.front()));
  EXPECT_TRUE((*set)->batches(requests[1]));
  for (const auto& r : requests)
    self->send(worker, generate_atom_v, r, sink_of(self));
  received got;
  receive_answers(self, requests.size(), got);
  ASSERT_TRUE(got.errors.empty()) << got.errors.front().to_string();
  mock_model mock;
  for (const auto& r : requests) {
    SCOPED_TRACE("request " + std::to_string(r.id));
    const generation& g = got.replies.at(r.id);
    if (r.model == mock_model_id) {
      auto want = mock.generate(r);
      ASSERT_TRUE(want);
      expect_same_generation(g, *want);
    } else {
      expect_same_generation(g, served_alone(r));
    }
    expect_streamed(got.chunks[r.id], g);
  }
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
}

TEST_F(batching_worker_test, cancel_answers_a_waiting_request_and_stops_a_running_one) {
  auto worker = spawn_worker(sys, engine_, {.queue_max = 4, .batch_max = 1});
  caf::scoped_actor self{sys};
  auto running = folder_request(1, "Once upon a time", 1.0f, 1, 100);
  auto waiting = folder_request(2, "hello", 1.0f, 2, 5);
  self->send(worker, generate_atom_v, running, sink_of(self));
  self->send(worker, generate_atom_v, waiting, sink_of(self));
  self->send(worker, cancel_atom_v, uint64_t{2});  // batch_max 1: request 2 still waits
  self->send(worker, cancel_atom_v, uint64_t{1});
  received got;
  receive_answers(self, 2, got);
  EXPECT_FALSE(got.replies.contains(2));
  ASSERT_GE(got.errors.size(), 1u);
  for (const auto& e : got.errors)
    EXPECT_EQ(e.code, errc::stale) << e.to_string();
  if (got.replies.contains(1)) {  // it may have ended before the cancel arrived
    expect_streamed(got.chunks[1], got.replies.at(1));
  } else {
    EXPECT_LT(got.chunks[1].size(), 100u);
  }
  // The worker goes on.
  auto after = folder_request(3, "again", 0.0f, 3, 6);
  self->send(worker, generate_atom_v, after, sink_of(self));
  received next;
  receive_answers(self, 1, next);
  ASSERT_EQ(next.replies.size(), 1u);
  expect_same_generation(next.replies.at(3), served_alone(after));
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
}

TEST_F(batching_worker_test, a_sink_going_away_cancels_its_request) {
  auto worker = spawn_worker(sys, engine_, {.queue_max = 4, .batch_max = 2});
  auto sink = sys.spawn([](chunk_sink::pointer) -> chunk_sink::behavior_type {
    return {[](chunk_atom, const generation_chunk&) {}};
  });
  caf::scoped_actor self{sys};
  self->send(worker, generate_atom_v, folder_request(1, "Once upon a time", 1.0f, 1, 110), sink);
  caf::anon_send_exit(sink, caf::exit_reason::user_shutdown);
  received got;
  receive_answers(self, 1, got);
  if (!got.errors.empty()) {  // else it ended before the down message arrived
    EXPECT_EQ(got.errors.front().code, errc::stale) << got.errors.front().to_string();
  }
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
}

TEST_F(batching_worker_test, a_worker_exiting_with_requests_in_flight_shuts_down_cleanly) {
  std::weak_ptr<folder_engine> weak = engine_;
  auto worker = spawn_worker(sys, std::move(engine_), {.queue_max = 8, .batch_max = 3});
  caf::scoped_actor self{sys};
  for (uint64_t id = 1; id <= 6; ++id)
    self->send(worker, generate_atom_v, folder_request(id, "tell me more", 1.0f, id, 100),
               sink_of(self));
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
  self->wait_for(worker);
  // The worker's state let go of the engine, whose destructor ended what was in flight and
  // joined its stepping thread.
  EXPECT_TRUE(weak.expired());
}

}  // namespace
}  // namespace agora::actors
