// The relay actor on virtual time with real provider actors (mock-model workers), a scripted
// escrow that records what it is asked and answers receipts, and recording task sinks:
// registration, routing and settlement, the matcher's errors, liveness and downtime slashing,
// reassignment, failure to serve, draining, and a relay restart.

#include "actors/relay/relay_actor.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/provider/provider.hpp"
#include "actors/worker/mock_model.hpp"
#include "core/signature.hpp"
#include "tests/actors/common/actor_test.hpp"
#include "tests/actors/common/frame_log.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::actors {
namespace {

using namespace std::chrono_literals;
using testing::epoch_unix_s;

using testing::frame_log;

/// A task sink (or a fake provider's inbox): records every frame.
frame_sink::behavior_type recorder(frame_sink::pointer self, frame_log* log) {
  return {[=](const wire::frame& f) { log->frames.emplace_back(f, self->clock().now()); }};
}

/// The escrow: records every request and answers a receipt with the next sequence. While
/// `*unreachable` > 0 it answers io_error instead (as a remote escrow's stand-in does while the
/// escrow process is down) and counts down.
escrow_inbox::behavior_type fake_escrow(escrow_inbox::pointer self, frame_log* log,
                                        int* unreachable) {
  return {[=](const wire::frame& f) -> caf::result<escrow_receipt> {
    if (*unreachable > 0) {
      --*unreachable;
      return make_caf_error(errc::io_error, "the escrow is unreachable");
    }
    log->frames.emplace_back(f, self->clock().now());
    return escrow_receipt{log->frames.size(), false};
  }};
}

struct route_outcome {
  std::optional<wire::frame> assignment;
  std::optional<agora::error> error;
};

class relay_actor_test : public testing::actor_test {
 protected:
  void SetUp() override {
    log_sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_);
    spdlog::default_logger()->sinks().push_back(log_sink_);
    clock_ = clock_map();
    escrow_ = sys.spawn(fake_escrow, &escrow_log_, &escrow_unreachable_);
    actors_.push_back(caf::actor_cast<caf::actor>(escrow_));
    relay_ = spawn_relay_actor();
  }

  void TearDown() override {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log_sink_), sinks.end());
    for (auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  relay_actor spawn_relay_actor() {
    relay_options options{relay_key_, escrow_, clock_, std::make_shared<seeded_random>(1)};
    auto r = spawn_relay(sys, std::move(options));
    actors_.push_back(caf::actor_cast<caf::actor>(r));
    run();
    return r;
  }

  /// Spawns provider `n` (key test_key(200 + n), price 100,000 + n µ per million tokens) with
  /// its own task log, and runs until it registered.
  provider_actor add_provider(uint32_t n, uint32_t max_concurrency = 4) {
    storage::store_options store;
    store.path = "/provider-" + std::to_string(n);
    store.sync = false;
    store.in_memory = true;
    store.memory = memory_;
    wire::GpuInfoT gpu;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.vram_bytes = uint64_t{80} << 30;
    gpu.count = 1;
    provider_options options{wire::samples::test_key(200 + n),
                             relay_key_.address(),
                             caf::actor_cast<frame_sink>(relay_),
                             clock_,
                             std::make_shared<seeded_random>(n),
                             std::move(storage::store::open(store).value()),
                             std::make_shared<mock_model>(),
                             {.queue_max = 4, .token_time = 100ms},
                             {gpu},
                             "eu-west",
                             price_of(n),
                             2'000'000,
                             max_concurrency};
    auto p = spawn_provider(sys, std::move(options));
    actors_.push_back(caf::actor_cast<caf::actor>(p));
    providers_.push_back(p);
    run();
    return p;
  }
  static int64_t price_of(uint32_t n) { return 100'000 + n; }
  static address provider_address(uint32_t n) { return wire::samples::test_key(200 + n).address(); }

  wall_time wall_now() { return clock_.at(sys.clock().now()); }
  int64_t now_s() { return unix_seconds(wall_now()); }

  /// A streamed Completion request for mock-model, sealed by the renter.
  /// The sample Register of `key` (serving the sample Llama model), to this relay, stamped now.
  wire::frame sample_registration(const private_key& key) {
    wire::RegisterT m = wire::samples::sample_of<wire::Register>(key);
    m.relay = wire::to_wire(relay_key_.address());
    m.timestamp_unix_s = now_s();
    return {wire::message_kind::Register, wire::seal(m, key)};
  }

  wire::frame task_request(uint8_t id, std::string model = std::string(mock_model_id)) {
    wire::TaskRequestT m;
    m.renter = wire::to_wire(renter_key_.address());
    m.task_id = wire::samples::wire_id(id);
    m.task_type = wire::TaskType::Completion;
    m.model = std::move(model);
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

  /// Sends `f` to the relay from a recording actor: what comes back lands in *log.
  void send_from(frame_log* log, wire::frame f) {
    auto s = sys.spawn([this, log, f](frame_sink::pointer self) -> frame_sink::behavior_type {
      self->send(relay_, f);
      return recorder(self, log);
    });
    actors_.push_back(caf::actor_cast<caf::actor>(s));
  }

  /// A recording task sink.
  frame_sink sink(frame_log* log) {
    auto s = sys.spawn(recorder, log);
    actors_.push_back(caf::actor_cast<caf::actor>(s));
    return s;
  }

  route_outcome route(const wire::frame& request, frame_sink to) {
    route_outcome out;
    auto client = sys.spawn([&out, this, request, to](caf::event_based_actor* self) {
      self->request(relay_, 60s, route_atom_v, request, to)
          .then([&out](wire::frame& f) { out.assignment = std::move(f); },
                [&out](caf::error& e) { out.error = from_caf_error(e); });
    });
    actors_.push_back(client);
    run();
    return out;
  }

  /// The provider a successful route assigned the task to.
  static address assigned_to(const route_outcome& routed) {
    EXPECT_TRUE(routed.assignment.has_value());
    auto opened = wire::open(routed.assignment->data).value();
    return wire::from_wire(*opened.as<wire::TaskAssignment>()->provider());
  }

  relay_status status() {
    relay_status out;
    auto client = sys.spawn([&out, this](caf::event_based_actor* self) {
      self->request(relay_, 60s, status_atom_v).then([&out](relay_status& s) { out = s; });
    });
    actors_.push_back(client);
    run();
    return out;
  }

  const relay_provider_status* provider_status(const relay_status& s, uint32_t n) const {
    const std::string text = provider_address(n).to_string();
    auto it = std::find_if(s.providers.begin(), s.providers.end(),
                           [&](const relay_provider_status& p) { return p.provider == text; });
    return it == s.providers.end() ? nullptr : &*it;
  }

  /// Moves virtual time by `total` in steps of `step`, running everything due at each step.
  void step(caf::timespan total, caf::timespan step = 1s) {
    for (caf::timespan done{0}; done < total; done += step)
      advance(step);
  }

  void kill(const provider_actor& p) {
    caf::anon_send_exit(p, caf::exit_reason::kill);
    run();
  }

  private_key relay_key_ = wire::samples::test_key(100);
  private_key renter_key_ = wire::samples::test_key(300);
  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  wall_clock_map clock_;
  frame_log escrow_log_;
  int escrow_unreachable_ = 0;
  escrow_inbox escrow_;
  relay_actor relay_;
  std::vector<provider_actor> providers_;
  std::vector<caf::actor> actors_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> log_sink_;
};

TEST_F(relay_actor_test, registers_two_providers_and_logs_it) {
  add_provider(1);
  add_provider(2);
  const relay_status s = status();
  ASSERT_EQ(s.providers.size(), 2u);
  for (uint32_t n : {1u, 2u}) {
    const relay_provider_status* p = provider_status(s, n);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->state, relay::liveness::healthy);
    EXPECT_EQ(p->session_id.size(), 32u);
    EXPECT_NE(log_text_.str().find("registered provider " + provider_address(n).to_string()),
              std::string::npos);
  }
  EXPECT_NE(s.providers[0].session_id, s.providers[1].session_id);
  step(65s);  // heartbeats keep both healthy
  EXPECT_EQ(provider_status(status(), 1)->state, relay::liveness::healthy);
}

TEST_F(relay_actor_test, status_reports_each_providers_offer) {
  add_provider(1);
  const relay_status s = status();
  const relay_provider_status* p = provider_status(s, 1);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->models.size(), 1u);
  EXPECT_EQ(p->models[0].id, mock_model_id);
  EXPECT_EQ(p->models[0].max_context, mock_model::max_context);
  EXPECT_EQ(p->models[0].quantization, "none");
  EXPECT_TRUE(p->models[0].ready);
  ASSERT_EQ(p->gpus.size(), 1u);
  EXPECT_EQ(p->gpus[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(p->gpus[0].vram_bytes, uint64_t{80} << 30);
  EXPECT_EQ(p->gpus[0].count, 1u);
  EXPECT_EQ(p->region, "eu-west");
  EXPECT_EQ(p->price_per_million_tokens_micros, price_of(1));
  EXPECT_EQ(p->price_per_gpu_hour_micros, 2'000'000);
  EXPECT_EQ(p->connected_since_unix_s, epoch_unix_s);
}

TEST_F(relay_actor_test, status_reports_host_load_reliability_and_tee) {
  add_provider(1);
  // A provider whose Register reports its host and carries TEE evidence (the sample's: 64 bytes).
  const private_key key = wire::samples::test_key(252);
  wire::RegisterT m = wire::samples::sample_of<wire::Register>(key);
  m.relay = wire::to_wire(relay_key_.address());
  m.timestamp_unix_s = now_s();
  m.cpu_model = "AMD EPYC 9654 96-Core Processor";
  m.cpu_cores = 192;
  m.memory_bytes = uint64_t{1536} << 30;
  const wire::frame registration{wire::message_kind::Register, wire::seal(m, key)};
  auto host = sys.spawn([this, registration](caf::event_based_actor* self) {
    self->send(relay_, registration);
    return caf::behavior{[](const wire::frame&) {}};
  });
  actors_.push_back(host);
  frame_log renter;
  ASSERT_TRUE(route(task_request(1), sink(&renter)).assignment.has_value());
  step(2s, 100ms);  // mock-model: 5 tokens of 100 ms
  const relay_status s = status();
  const relay_provider_status* served = provider_status(s, 1);
  ASSERT_NE(served, nullptr);
  EXPECT_EQ(served->jobs_completed, 1u);
  EXPECT_GE(served->latency_ewma_us, 500'000);
  EXPECT_EQ(served->error_ppm, 0u);
  EXPECT_EQ(served->max_concurrency, 4u);
  EXPECT_EQ(served->free_capacity, 4u);
  EXPECT_EQ(served->uptime_s, now_s() - epoch_unix_s);
  EXPECT_GT(served->uptime_s, 0);
  EXPECT_EQ(served->tee_type, wire::TeeType::None);
  EXPECT_EQ(served->cpu_model, "");  // not reported: add_provider sets no host
  const auto it = std::find_if(s.providers.begin(), s.providers.end(), [&](const auto& p) {
    return p.provider == key.address().to_string();
  });
  ASSERT_NE(it, s.providers.end());
  EXPECT_EQ(it->cpu_model, "AMD EPYC 9654 96-Core Processor");
  EXPECT_EQ(it->cpu_cores, 192u);
  EXPECT_EQ(it->memory_bytes, uint64_t{1536} << 30);
  EXPECT_EQ(it->tee_type, wire::TeeType::NvidiaCc);
  EXPECT_EQ(it->tee_evidence_bytes, 64u);
  EXPECT_EQ(it->max_concurrency, 16u);
  EXPECT_EQ(it->active_rentals, 0u);
  EXPECT_EQ(it->gpus[0].driver_version, wire::samples::sample_gpu()->driver_version);
}

TEST_F(relay_actor_test, refuses_a_replayed_registration_with_an_error_frame) {
  const wire::frame registration = sample_registration(wire::samples::test_key(250));
  frame_log inbox;
  auto fake_provider = sys.spawn([this, &inbox, registration](caf::event_based_actor* self) {
    self->send(relay_, registration);
    self->send(relay_, registration);
    return caf::behavior{[self, &inbox](const wire::frame& f) {
      inbox.frames.emplace_back(f, self->clock().now());
    }};
  });
  actors_.push_back(fake_provider);
  run();
  using wire::message_kind;
  ASSERT_EQ(inbox.kinds(), (std::vector{message_kind::Registered, message_kind::ErrorFrame}));
  auto error = inbox.opened(message_kind::ErrorFrame)[0];
  EXPECT_EQ(error.signer(), relay_key_.address());
  EXPECT_EQ(error.as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(errc::replayed));
  EXPECT_EQ(status().refused, 1u);
}

TEST_F(relay_actor_test, a_provider_repeating_its_task_result_cannot_crash_the_relay) {
  const private_key key = wire::samples::test_key(251);
  const wire::frame registration = sample_registration(key);
  // Answers its TaskAssignment with the same signed TaskResult (Completed) three times.
  auto fake_provider = sys.spawn([this, key, registration](caf::event_based_actor* self) {
    self->send(relay_, registration);
    return caf::behavior{[this, self, key](const wire::frame& f) {
      if (f.kind != wire::message_kind::TaskAssignment)
        return;
      wire::TaskResultT r;
      r.provider = wire::to_wire(key.address());
      r.task_id = wire::samples::wire_id(3);
      r.status = wire::TaskStatus::Completed;
      r.output_hash = wire::to_wire(hash256{});
      r.finished_unix_s = now_s();
      const wire::frame result{wire::message_kind::TaskResult, wire::seal(r, key)};
      for (int i = 0; i < 3; ++i)
        self->send(relay_, result);
    }};
  });
  actors_.push_back(fake_provider);
  run();
  frame_log renter;
  const route_outcome routed =
      route(task_request(3, "meta-llama/Llama-3.1-8B-Instruct"), sink(&renter));
  ASSERT_TRUE(routed.assignment.has_value());
  run();
  EXPECT_EQ(renter.kinds(), std::vector{wire::message_kind::TaskResult});  // once, not thrice
  const relay_status s = status();  // the relay is alive and counted the task once
  ASSERT_EQ(s.providers.size(), 1u);
  EXPECT_EQ(s.providers[0].in_flight, 0u);
  EXPECT_EQ(s.providers[0].jobs_completed, 1u);
}

TEST_F(relay_actor_test, routes_a_task_streams_it_and_settles_at_the_registered_price) {
  add_provider(1);
  add_provider(2);
  frame_log renter;
  const route_outcome routed = route(task_request(1), sink(&renter));
  const address provider = assigned_to(routed);
  step(1s, 100ms);
  using wire::message_kind;
  std::vector<message_kind> expected(5, message_kind::TokenChunk);
  expected.push_back(message_kind::TaskResult);
  expected.push_back(message_kind::ComputeProof);
  EXPECT_EQ(renter.kinds(), expected);
  auto settles = escrow_log_.opened(message_kind::Settle);
  ASSERT_EQ(settles.size(), 1u);
  EXPECT_EQ(escrow_log_.frames.size(), 1u);
  EXPECT_EQ(settles[0].signer(), relay_key_.address());
  const wire::Settle* settle = settles[0].as<wire::Settle>();
  EXPECT_EQ(wire::from_wire(*settle->submitter()), relay_key_.address());
  auto proof = wire::open(wire::view(settle->proof()));
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->signer(), provider);
  EXPECT_EQ(wire::from_wire(*settle->hold_id()), wire::samples::make_id(0x81));
  const int64_t price = provider == provider_address(1) ? price_of(1) : price_of(2);
  EXPECT_EQ(settle->registered_price_micros(), price);
  EXPECT_EQ(proof->as<wire::ComputeProof>()->price_per_million_tokens_micros(), price);
  const relay_status s = status();
  EXPECT_EQ(s.tasks, 0u);
  EXPECT_EQ(s.escrow_sent, 1u);
  EXPECT_EQ(s.escrow_failed, 0u);
}

/// A TaskCancel of task `id` signed by `signer`.
wire::frame task_cancel(const private_key& signer, uint8_t id, uint32_t delivered) {
  wire::TaskCancelT m;
  m.renter = wire::to_wire(signer.address());
  m.task_id = wire::samples::wire_id(id);
  m.reason = "the client went away";
  m.delivered_chunks = delivered;
  m.created_unix_s = epoch_unix_s;
  return {wire::message_kind::TaskCancel, wire::seal(m, signer)};
}

TEST_F(relay_actor_test, forwards_only_the_renters_task_cancel_and_settles_what_it_proves) {
  using wire::message_kind;
  add_provider(1);
  frame_log renter;
  wire::frame request = task_request(1);
  route(request, sink(&renter));
  step(200ms, 100ms);
  ASSERT_EQ(renter.of_kind(message_kind::TokenChunk).size(), 2u);
  frame_log stranger;
  send_from(&stranger, task_cancel(wire::samples::test_key(301), 1, 1));
  send_from(&stranger, task_cancel(renter_key_, 9, 1));  // no such task
  run();
  auto refusals = stranger.opened(message_kind::ErrorFrame);
  ASSERT_EQ(refusals.size(), 2u);
  EXPECT_EQ(refusals[0].as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(errc::bad_signature));
  EXPECT_EQ(refusals[1].as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(errc::not_found));
  step(100ms, 100ms);
  ASSERT_EQ(renter.of_kind(message_kind::TokenChunk).size(), 3u);  // the stranger stopped nothing
  frame_log renters_inbox;
  send_from(&renters_inbox, task_cancel(renter_key_, 1, 3));
  step(1s, 100ms);
  EXPECT_TRUE(renters_inbox.frames.empty());
  // A fourth chunk was on its way when the cancel came: it is not billed.
  std::vector<message_kind> expected(4, message_kind::TokenChunk);
  expected.push_back(message_kind::TaskResult);
  expected.push_back(message_kind::ComputeProof);
  EXPECT_EQ(renter.kinds(), expected);
  EXPECT_EQ(renter.opened(message_kind::TaskResult)[0].as<wire::TaskResult>()->status(),
            wire::TaskStatus::Cancelled);
  auto settles = escrow_log_.opened(message_kind::Settle);
  ASSERT_EQ(settles.size(), 1u);
  auto proof = wire::open(wire::view(settles[0].as<wire::Settle>()->proof()));
  ASSERT_TRUE(proof.ok());
  EXPECT_EQ(proof->as<wire::ComputeProof>()->completion_tokens(), 3u);
  EXPECT_EQ(status().tasks, 0u);
}

TEST_F(relay_actor_test, a_settle_the_escrow_could_not_take_is_sent_again_on_the_ticks) {
  add_provider(1);
  frame_log renter;
  escrow_unreachable_ = 2;  // the escrow process is restarting
  route(task_request(1), sink(&renter));
  step(1s, 100ms);
  EXPECT_TRUE(escrow_log_.opened(wire::message_kind::Settle).empty());
  EXPECT_EQ(renter.kinds().back(), wire::message_kind::TaskResult);  // no proof before its Settle
  step(15s, 1s);  // two ticks fail once more and succeed
  EXPECT_EQ(escrow_log_.opened(wire::message_kind::Settle).size(), 1u);
  EXPECT_EQ(renter.kinds().back(), wire::message_kind::ComputeProof);
  const relay_status s = status();
  EXPECT_EQ(s.escrow_sent, 3u);
  EXPECT_EQ(s.escrow_failed, 0u);
}

TEST_F(relay_actor_test, answers_model_not_found_and_no_providers_available) {
  add_provider(1, 1);
  frame_log renter;
  const route_outcome unknown = route(task_request(1, "gpt-5"), sink(&renter));
  ASSERT_TRUE(unknown.error.has_value());
  EXPECT_EQ(unknown.error->code, errc::not_found);
  EXPECT_EQ(unknown.error->message, "Model not found");
  EXPECT_TRUE(route(task_request(2), sink(&renter)).assignment.has_value());
  const route_outcome full = route(task_request(3), sink(&renter));
  ASSERT_TRUE(full.error.has_value());
  EXPECT_EQ(full.error->code, errc::limit_exceeded);
  EXPECT_EQ(full.error->message, "No providers available");
  const route_outcome again = route(task_request(2), sink(&renter));
  ASSERT_TRUE(again.error.has_value());
  EXPECT_EQ(again.error->code, errc::replayed);
}

TEST_F(relay_actor_test, silent_provider_turns_unhealthy_offline_and_is_slashed_once) {
  auto silent = add_provider(1);
  add_provider(2);
  const wall_time killed = wall_now();
  kill(silent);
  step(2min, 5s);
  EXPECT_EQ(provider_status(status(), 1)->state, relay::liveness::unhealthy);
  EXPECT_EQ(provider_status(status(), 2)->state, relay::liveness::healthy);
  frame_log renter;
  for (uint8_t id = 1; id <= 3; ++id) {
    EXPECT_EQ(assigned_to(route(task_request(id), sink(&renter))), provider_address(2));
    step(1s, 100ms);
  }
  step(10min, 5s);
  EXPECT_EQ(provider_status(status(), 1)->state, relay::liveness::offline);
  step(4h, 30s);
  auto slashes = escrow_log_.opened(wire::message_kind::Slash);
  ASSERT_EQ(slashes.size(), 1u);
  const wire::Slash* slash = slashes[0].as<wire::Slash>();
  EXPECT_EQ(slash->reason(), wire::SlashReason::Downtime);
  EXPECT_EQ(wire::from_wire(*slash->provider()), provider_address(1));
  EXPECT_EQ(wire::from_wire(*slash->reporter()), relay_key_.address());
  EXPECT_EQ(slash->offline_since_unix_s(), unix_seconds(killed) + 600);
  step(4h, 30s);
  EXPECT_EQ(escrow_log_.opened(wire::message_kind::Slash).size(), 1u);
}

TEST_F(relay_actor_test, reassigns_the_task_of_a_vanished_provider) {
  add_provider(1);
  add_provider(2);
  frame_log renter;
  const address first = assigned_to(route(task_request(1), sink(&renter)));
  const uint32_t vanished = first == provider_address(1) ? 1 : 2;
  kill(providers_[vanished - 1]);
  step(70s);
  EXPECT_EQ(status().reassigned, 1u);
  step(1s, 100ms);
  auto results = renter.opened(wire::message_kind::TaskResult);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_NE(results[0].signer(), first);
  EXPECT_EQ(results[0].as<wire::TaskResult>()->status(), wire::TaskStatus::Completed);
  auto proofs = renter.opened(wire::message_kind::ComputeProof);
  ASSERT_EQ(proofs.size(), 1u);
  EXPECT_EQ(proofs[0].as<wire::ComputeProof>()->price_per_million_tokens_micros(),
            price_of(3 - vanished));
  EXPECT_EQ(escrow_log_.opened(wire::message_kind::Settle).size(), 1u);
  auto slashes = escrow_log_.opened(wire::message_kind::Slash);  // reassigned, and slashed
  ASSERT_EQ(slashes.size(), 1u);
  EXPECT_EQ(wire::from_wire(*slashes[0].as<wire::Slash>()->provider()), first);
  EXPECT_EQ(slashes[0].as<wire::Slash>()->reason(), wire::SlashReason::FailureToServe);
  EXPECT_EQ(status().tasks, 0u);
}

TEST_F(relay_actor_test, refunds_slashes_and_tells_the_renter_when_nobody_serves) {
  add_provider(1);
  add_provider(2);
  frame_log renter;
  const route_outcome routed = route(task_request(1), sink(&renter));
  ASSERT_TRUE(routed.assignment.has_value());
  kill(providers_[0]);
  kill(providers_[1]);
  step(3min, 5s);
  auto refunds = escrow_log_.opened(wire::message_kind::Refund);
  ASSERT_EQ(refunds.size(), 1u);
  const wire::Refund* refund = refunds[0].as<wire::Refund>();
  EXPECT_EQ(wire::from_wire(*refund->hold_id()), wire::samples::make_id(0x81));
  EXPECT_EQ(refund->reason(), wire::RefundReason::ProviderFailed);
  EXPECT_EQ(wire::from_wire(*refund->requester()), relay_key_.address());
  auto slashes = escrow_log_.opened(wire::message_kind::Slash);
  ASSERT_EQ(slashes.size(), 2u);
  std::vector<address> slashed;
  for (const auto& s : slashes) {
    const wire::Slash* slash = s.as<wire::Slash>();
    EXPECT_EQ(slash->reason(), wire::SlashReason::FailureToServe);
    EXPECT_EQ(wire::from_wire(*slash->task_id()), wire::samples::make_id(1));
    slashed.push_back(wire::from_wire(*slash->provider()));
  }
  std::sort(slashed.begin(), slashed.end());
  std::vector<address> both{provider_address(1), provider_address(2)};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(slashed, both);
  EXPECT_NE(wire::from_wire(*slashes[0].as<wire::Slash>()->idempotency_key()),
            wire::from_wire(*slashes[1].as<wire::Slash>()->idempotency_key()));
  auto errors = renter.opened(wire::message_kind::ErrorFrame);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].signer(), relay_key_.address());
  EXPECT_EQ(status().tasks, 0u);
}

TEST_F(relay_actor_test, a_provider_that_failed_a_task_is_not_given_it_again) {
  kill(add_provider(1));
  frame_log renter;
  ASSERT_TRUE(route(task_request(1), sink(&renter)).assignment.has_value());
  step(70s, 5s);
  EXPECT_EQ(status().reassigned, 0u);
  EXPECT_EQ(escrow_log_.opened(wire::message_kind::Refund).size(), 1u);
  auto slashes = escrow_log_.opened(wire::message_kind::Slash);
  ASSERT_EQ(slashes.size(), 1u);
  EXPECT_EQ(wire::from_wire(*slashes[0].as<wire::Slash>()->provider()), provider_address(1));
  EXPECT_EQ(renter.kinds(), std::vector{wire::message_kind::ErrorFrame});
}

TEST_F(relay_actor_test, a_draining_provider_gets_no_new_work_but_finishes_its_task) {
  auto p = add_provider(1);
  frame_log first;
  ASSERT_TRUE(route(task_request(1), sink(&first)).assignment.has_value());
  caf::anon_send(p, drain_atom_v);
  run();
  EXPECT_TRUE(provider_status(status(), 1)->draining);
  frame_log second;
  const route_outcome refused = route(task_request(2), sink(&second));
  ASSERT_TRUE(refused.error.has_value());
  EXPECT_EQ(refused.error->message, "No providers available");
  step(1s, 100ms);
  EXPECT_EQ(first.opened(wire::message_kind::TaskResult).size(), 1u);
  EXPECT_EQ(first.opened(wire::message_kind::ComputeProof).size(), 1u);
  EXPECT_EQ(escrow_log_.opened(wire::message_kind::Settle).size(), 1u);
  EXPECT_TRUE(second.frames.empty());
}

TEST_F(relay_actor_test, a_completed_task_whose_proof_never_comes_is_refunded) {
  const private_key key = wire::samples::test_key(252);
  const wire::frame registration = sample_registration(key);
  // Answers its TaskAssignment with a Completed TaskResult and never proves it.
  auto fake_provider = sys.spawn([this, key, registration](caf::event_based_actor* self) {
    self->send(relay_, registration);
    return caf::behavior{[this, self, key](const wire::frame& f) {
      if (f.kind != wire::message_kind::TaskAssignment)
        return;
      wire::TaskResultT r;
      r.provider = wire::to_wire(key.address());
      r.task_id = wire::samples::wire_id(3);
      r.status = wire::TaskStatus::Completed;
      r.output_hash = wire::to_wire(hash256{});
      r.finished_unix_s = now_s();
      self->send(relay_, wire::frame{wire::message_kind::TaskResult, wire::seal(r, key)});
    }};
  });
  actors_.push_back(fake_provider);
  run();
  frame_log renter;
  ASSERT_TRUE(route(task_request(3, "meta-llama/Llama-3.1-8B-Instruct"), sink(&renter))
                  .assignment.has_value());
  run();
  EXPECT_EQ(renter.kinds(), std::vector{wire::message_kind::TaskResult});
  EXPECT_TRUE(escrow_log_.frames.empty());
  step(70s, 5s);  // past the proof's assignment_timeout
  EXPECT_TRUE(escrow_log_.opened(wire::message_kind::Settle).empty());
  auto refunds = escrow_log_.opened(wire::message_kind::Refund);
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].as<wire::Refund>()->reason(), wire::RefundReason::ProviderFailed);
  EXPECT_EQ(status().tasks, 0u);
}

TEST_F(relay_actor_test, providers_reconnect_to_a_restarted_relay_that_refunds_lost_tasks) {
  add_provider(1);
  add_provider(2);
  const relay_status before = status();
  frame_log renter;
  const address provider = assigned_to(route(task_request(1), sink(&renter)));
  advance(100ms);  // the task is running
  caf::anon_send_exit(relay_, caf::exit_reason::kill);
  run();
  relay_ = spawn_relay_actor();
  const size_t registered = log_text_.str().size();
  for (const provider_actor& p : providers_)
    caf::anon_send(p, reconnect_atom_v, caf::actor_cast<frame_sink>(relay_));
  run();
  const relay_status after = status();
  ASSERT_EQ(after.providers.size(), 2u);
  for (uint32_t n : {1u, 2u}) {
    EXPECT_NE(provider_status(after, n)->session_id, provider_status(before, n)->session_id);
    EXPECT_NE(
        log_text_.str().find("registered provider " + provider_address(n).to_string(), registered),
        std::string::npos);
  }
  step(1s, 100ms);
  // The task's proof reaches the new relay, which did not route it and cannot pass it on: the
  // renter never gets the result, so its hold is refunded, not settled.
  EXPECT_TRUE(escrow_log_.opened(wire::message_kind::Settle).empty());
  auto refunds = escrow_log_.opened(wire::message_kind::Refund);
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_EQ(refunds[0].signer(), relay_key_.address());
  const wire::Refund* refund = refunds[0].as<wire::Refund>();
  EXPECT_EQ(wire::from_wire(*refund->hold_id()), wire::samples::make_id(0x81));
  EXPECT_EQ(refund->reason(), wire::RefundReason::Cancelled);
  EXPECT_FALSE(provider.is_zero());
  EXPECT_EQ(status().tasks, 0u);
}

// ------------------------------------------------------------------------------------------------
// Body attestations (relay_attestation.cpp)

/// A BodyAttestationRequest for task `task` served by `provider`, sealed by `renter`.
wire::frame attestation_request(const private_key& renter, const address& provider, uint8_t task) {
  wire::BodyAttestationRequestT m;
  m.renter = wire::to_wire(renter.address());
  m.provider = wire::to_wire(provider);
  m.task_id = wire::samples::wire_id(task);
  m.request_sha256 = wire::samples::wire_hash(0x35);
  m.response_sha256 = wire::samples::wire_hash(0x36);
  m.created_unix_s = epoch_unix_s;
  return {wire::message_kind::BodyAttestationRequest, wire::seal(m, renter)};
}

class relay_attestation_test : public relay_actor_test {
 protected:
  /// The relay's answer to (attest, request), after `wait` of virtual time.
  result<wire::frame> attest(const wire::frame& request, caf::timespan wait = 0s) {
    std::optional<result<wire::frame>> out;
    auto client = sys.spawn([&out, this, request](caf::event_based_actor* self) {
      self->request(relay_, 60s, attest_atom_v, request)
          .then([&out](wire::frame& f) { out = std::move(f); },
                [&out](caf::error& e) { out = from_caf_error(e); });
    });
    actors_.push_back(client);
    run();
    step(wait);
    EXPECT_TRUE(out.has_value());
    return out.value_or(make_error(errc::io_error, "no answer"));
  }
};

TEST_F(relay_attestation_test, takes_a_request_to_the_provider_that_served_it_after_a_restart) {
  add_provider(1);
  frame_log renter;
  const address provider = assigned_to(route(task_request(1), sink(&renter)));
  step(1s, 100ms);
  ASSERT_EQ(renter.opened(wire::message_kind::ComputeProof).size(), 1u);
  // The relay forgets the task with its proof, and all of it when it restarts: the provider's
  // log is what the attestation rests on.
  caf::anon_send_exit(relay_, caf::exit_reason::kill);
  run();
  relay_ = spawn_relay_actor();
  caf::anon_send(providers_[0], reconnect_atom_v, caf::actor_cast<frame_sink>(relay_));
  run();
  auto answer = attest(attestation_request(renter_key_, provider, 1));
  ASSERT_TRUE(answer) << answer.error().to_string();
  auto opened = wire::open(answer->data);
  ASSERT_TRUE(opened);
  ASSERT_EQ(opened->kind(), wire::message_kind::BodyAttestation);
  EXPECT_EQ(opened->signer(), provider);
  const wire::BodyAttestation& a = *opened->as<wire::BodyAttestation>();
  const std::string text(wire::view(a.text()));
  EXPECT_EQ(text.substr(0, 4), "3535");
  EXPECT_EQ(text.substr(64, 5), ":3636");
  signature text_signature{};
  std::copy(a.text_signature()->begin(), a.text_signature()->end(), text_signature.begin());
  EXPECT_EQ(recover_personal(text_signature, as_bytes(text)).value(), provider);
}

TEST_F(relay_attestation_test, answers_the_providers_refusal_and_an_unknown_providers_error) {
  add_provider(1);
  frame_log renter;
  const address provider = assigned_to(route(task_request(1), sink(&renter)));
  step(1s, 100ms);
  auto stranger = attest(attestation_request(wire::samples::test_key(301), provider, 1));
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, errc::bad_signature);
  EXPECT_NE(stranger.error().message.find("the provider refused"), std::string::npos);
  auto unknown = attest(attestation_request(renter_key_, provider_address(7), 1));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::not_found);
  auto not_a_request = attest(task_request(2));
  ASSERT_FALSE(not_a_request);
  EXPECT_EQ(not_a_request.error().code, errc::wrong_kind);
}

TEST_F(relay_attestation_test, fails_a_request_the_provider_leaves_unanswered) {
  const private_key key = wire::samples::test_key(252);
  const wire::frame registration = sample_registration(key);
  auto silent = sys.spawn([this, registration](caf::event_based_actor* self) {
    self->send(relay_, registration);
    return caf::behavior{[](const wire::frame&) {}};
  });
  actors_.push_back(silent);
  run();
  auto answer = attest(attestation_request(renter_key_, key.address(), 1), 40s);
  ASSERT_FALSE(answer);
  EXPECT_EQ(answer.error().code, errc::io_error);
}

}  // namespace
}  // namespace agora::actors
