// The WebSocket transport's end-to-end fixture: a real actor system on CAF's threaded scheduler
// (the I/O threads send into it, so the testing scheduler cannot be used), a real relay (no
// escrow: proofs are forwarded, not settled), a relay_listener on an ephemeral port of
// 127.0.0.1, and real providers (mock-model workers, in-memory task logs) that reach it through
// their own provider_link. Waits are bounded polls, never bare sleeps.
#pragma once

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/worker/mock_model.hpp"
#include "net/ws/provider_link.hpp"
#include "net/ws/relay_listener.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::net::testing {

using namespace std::chrono_literals;

/// Frames a task sink received, read by the test thread while the sink writes.
struct shared_log {
  std::vector<wire::message_kind> kinds() const {
    std::lock_guard lock(mutex);
    std::vector<wire::message_kind> out;
    for (const wire::frame& f : frames)
      out.push_back(f.kind);
    return out;
  }
  size_t count(wire::message_kind kind) const {
    std::lock_guard lock(mutex);
    return static_cast<size_t>(std::count_if(frames.begin(), frames.end(),
                                             [kind](const auto& f) { return f.kind == kind; }));
  }

  mutable std::mutex mutex;
  std::vector<wire::frame> frames;  // GUARDED_BY(mutex)
};

inline actors::frame_sink::behavior_type recorder(actors::frame_sink::pointer,
                                                  std::shared_ptr<shared_log> log) {
  return {[log](const wire::frame& f) {
    std::lock_guard lock(log->mutex);
    log->frames.push_back(f);
  }};
}

/// Polls `done` every 10 ms, at most `tries` times; true as soon as it holds.
template <class Predicate>
bool eventually(Predicate done, int tries = 1'000) {
  for (int i = 0; i < tries; ++i) {
    if (done())
      return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

class ws_test : public ::testing::Test {
 protected:
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    actors::add_agora_message_types(cfg);
    cfg.set("scheduler.max-threads", 4);
    return cfg;
  }

  /// Limits that make abuse quick to provoke: 64 KiB frames, 20 frames/s with a burst of 20,
  /// 4 connections per address, a 500 ms handshake and a 5 s idle timeout.
  static ws_limits test_limits() {
    ws_limits l;
    l.frame_bytes_max = 64 * 1024;
    l.frames_per_second = 20;
    l.frames_burst = 20;
    l.connections_per_ip_max = 4;
    l.connections_max = 16;
    l.handshake_timeout = 500ms;
    l.idle_timeout = 5s;
    return l;
  }

  void SetUp() override {
    clock_map_ = actors::wall_clock_map::starting_now(sys_.clock(), clock_->now());
    actors::relay_options o{relay_key_, {}, clock_map_, std::make_shared<seeded_random>(1)};
    o.tick_interval = 100ms;
    o.heartbeat_interval_s = 1;
    relay_ = actors::spawn_relay(sys_, std::move(o));
    keep(relay_);
  }

  void TearDown() override {
    for (auto& link : links_)
      link->stop();
    if (listener_)
      listener_->stop();
    for (auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  template <class Handle>
  void keep(const Handle& h) {
    actors_.push_back(caf::actor_cast<caf::actor>(h));
  }

  /// Starts the relay's listener (wss:// when certificate files are given).
  void listen(ws_limits limits = test_limits(), uint16_t port = 0,
              const std::string& certificate_file = {}, const std::string& key_file = {}) {
    relay_listener_options o;
    o.port = port;
    o.threads = 2;
    o.limits = limits;
    o.tls_certificate_file = certificate_file;
    o.tls_private_key_file = key_file;
    auto started = relay_listener::start(sys_, relay_, o, clock_);
    ASSERT_TRUE(started) << started.error().to_string();
    listener_ = std::move(started.value());
  }

  std::string url(const char* scheme = "ws") const {
    return std::string(scheme) + "://127.0.0.1:" + std::to_string(listener_->port());
  }

  /// A provider_link to `to`, fast to retry.
  provider_link& dial(const std::string& to, const std::string& ca_file = {}) {
    provider_link_options o;
    o.url = to;
    o.ca_file = ca_file;
    o.limits = test_limits();
    o.backoff_initial = 50ms;
    o.backoff_max = 400ms;
    auto started = provider_link::start(sys_, o, clock_, std::make_shared<seeded_random>(7));
    EXPECT_TRUE(started) << started.error().to_string();
    links_.push_back(std::move(started.value()));
    return *links_.back();
  }

  /// Provider `n` (key test_key(200 + n)) behind its own link to `to`.
  provider_link& add_provider(uint32_t n, const std::string& to, const std::string& ca_file = {}) {
    provider_link& link = dial(to, ca_file);
    storage::store_options store{.path = "/provider-" + std::to_string(n),
                                 .sync = false,
                                 .in_memory = true,
                                 .memory = memory_};
    wire::GpuInfoT gpu;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.vram_bytes = uint64_t{80} << 30;
    gpu.count = 1;
    actors::provider_options o{provider_key(n),
                               relay_key_.address(),
                               link.sink(),
                               clock_map_,
                               std::make_shared<seeded_random>(n),
                               std::move(storage::store::open(store).value()),
                               std::make_shared<actors::mock_model>(),
                               {.queue_max = 4, .token_time = 1ms},
                               {gpu},
                               "eu-west",
                               100'000 + n,
                               2'000'000,
                               4};
    o.register_at_start = false;  // the link's (reconnect) says when
    auto p = actors::spawn_provider(sys_, std::move(o));
    keep(p);
    link.attach(p);
    return link;
  }
  static private_key provider_key(uint32_t n) { return wire::samples::test_key(200 + n); }

  actors::relay_status status() {
    actors::relay_status out;
    caf::scoped_actor self{sys_};
    self->request(relay_, 5s, actors::status_atom_v)
        .receive([&out](actors::relay_status& s) { out = std::move(s); },
                 [](caf::error& e) { ADD_FAILURE() << caf::to_string(e); });
    return out;
  }

  /// Provider n as the relay reports it; nullopt if not registered.
  std::optional<actors::relay_provider_status> provider_status(uint32_t n) {
    for (actors::relay_provider_status& p : status().providers)
      if (p.provider == provider_key(n).address().to_string())
        return std::move(p);
    return std::nullopt;
  }
  bool healthy(uint32_t n) {
    auto p = provider_status(n);
    return p && p->state == relay::liveness::healthy && !p->draining;
  }

  int64_t now_s() const { return unix_seconds(clock_->now()); }

  /// A streamed mock-model Completion, sealed by the renter.
  wire::frame task_request(uint8_t id) const {
    wire::TaskRequestT m;
    m.renter = wire::to_wire(renter_key_.address());
    m.task_id = wire::samples::wire_id(id);
    m.task_type = wire::TaskType::Completion;
    m.model = std::string(actors::mock_model_id);
    m.prompt = "hello relay world";
    m.sampling = std::make_unique<wire::SamplingParamsT>();
    m.sampling->max_tokens = 5;
    m.sampling->seed = 99;
    m.stream = true;
    m.price_cap_per_million_tokens_micros = 200'000;
    m.hold_id = wire::samples::wire_id(static_cast<uint8_t>(id + 0x80));
    m.created_unix_s = now_s();
    m.deadline_unix_s = now_s() + 600;
    m.rental_session_id = wire::to_wire(wire::id128{});
    return {wire::message_kind::TaskRequest, wire::seal(m, renter_key_)};
  }

  /// Routes task `id` with a recording sink: the relay's assignment (or error) and the log.
  std::pair<result<wire::frame>, std::shared_ptr<shared_log>> route(uint8_t id) {
    auto log = std::make_shared<shared_log>();
    auto sink = sys_.spawn(recorder, log);
    keep(sink);
    std::optional<result<wire::frame>> out;
    caf::scoped_actor self{sys_};
    self->request(relay_, 5s, actors::route_atom_v, task_request(id), sink)
        .receive([&out](wire::frame& f) { out = std::move(f); },
                 [&out](caf::error& e) { out = actors::from_caf_error(e); });
    return {std::move(out.value()), log};
  }

  /// Routes task `id` and waits for its ComputeProof at the sink; the frames the sink got.
  std::vector<wire::message_kind> serve_task(uint8_t id) {
    auto [assignment, log] = route(id);
    EXPECT_TRUE(assignment) << assignment.error().to_string();
    if (assignment) {
      EXPECT_EQ(assignment->kind, wire::message_kind::TaskAssignment);
    }
    EXPECT_TRUE(eventually([&log] { return log->count(wire::message_kind::ComputeProof) > 0; }))
        << "no ComputeProof reached the task sink";
    return log->kinds();
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_{prepare(cfg_)};
  std::shared_ptr<const clock_source> clock_ = std::make_shared<system_clock_source>();
  actors::wall_clock_map clock_map_;
  private_key relay_key_ = wire::samples::test_key(100);
  private_key renter_key_ = wire::samples::test_key(300);
  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  actors::relay_actor relay_;
  std::unique_ptr<relay_listener> listener_;
  std::vector<std::unique_ptr<provider_link>> links_;
  std::vector<caf::actor> actors_;
};

}  // namespace agora::net::testing
