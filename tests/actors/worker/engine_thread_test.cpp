// A worker whose engine blocks (engine::blocks) runs it on its own engine_thread: on a real
// threaded actor system, the worker keeps answering status while the engine is busy, then
// streams the chunks and replies with the engine's output; errors come back as errors.

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <condition_variable>
#include <mutex>

#include "actors/common/caf_error.hpp"
#include "actors/common/message_types.hpp"
#include "actors/worker/mock_model.hpp"
#include "actors/worker/worker.hpp"

namespace agora::actors {
namespace {

using namespace std::chrono_literals;

/// mock-model that blocks in generate until the test opens its gate.
class gated_engine final : public engine {
 public:
  std::vector<model_info> models() const override { return inner_.models(); }
  bool blocks() const override { return true; }
  result<generation> generate(const generation_request& request) override {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return open_; });
    return inner_.generate(request);
  }
  void wait_entered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return entered_; });
  }
  void open() {
    std::lock_guard lock(mutex_);
    open_ = true;
    changed_.notify_all();
  }

 private:
  mock_model inner_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool entered_ = false;
  bool open_ = false;
};

generation_request request(std::string model) {
  generation_request r;
  r.model = std::move(model);
  r.prompt = "hello thread";
  r.sampling.max_tokens = 3;
  return r;
}

TEST(engine_thread_test, blocking_engine_runs_off_the_actor_and_replies) {
  caf::actor_system_config cfg;
  add_agora_message_types(cfg);
  caf::actor_system sys{cfg};
  auto engine = std::make_shared<gated_engine>();
  auto worker = spawn_worker(sys, engine, {});
  caf::scoped_actor self{sys};
  self->send(worker, generate_atom_v, request(std::string(mock_model_id)), chunk_sink{});
  engine->wait_entered();
  bool status_answered = false;
  self->request(worker, 5s, status_atom_v)
      .receive(
          [&](uint32_t waiting, uint32_t running) {
            status_answered = true;
            EXPECT_EQ(waiting, 0u);
            EXPECT_EQ(running, 1u);
          },
          [](caf::error&) {});
  EXPECT_TRUE(status_answered);  // the worker answers while its engine is busy
  engine->open();
  self->receive([](const generation& g) { EXPECT_EQ(g.completion_tokens, 3u); },
                [](caf::error& e) { FAIL() << caf::to_string(e); });
  agora::error refused;
  self->request(worker, 5s, generate_atom_v, request("no-such-model"), chunk_sink{})
      .receive([](const generation&) { FAIL() << "an unknown model ran"; },
               [&](caf::error& e) { refused = from_caf_error(e); });
  EXPECT_EQ(refused.code, errc::not_found);
  caf::anon_send_exit(worker, caf::exit_reason::user_shutdown);
}

}  // namespace
}  // namespace agora::actors
