// The provider actor against a scripted fake relay on virtual time: registration, heartbeats
// every 30 s, a streamed task answered with chunks, result and a signed proof that match the
// mock-model's documented output, refusals, and the task log surviving a restart.

#include "actors/provider/provider.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/worker/mock_model.hpp"
#include "core/keccak.hpp"
#include "schemas/proof_hash.hpp"
#include "tests/actors/common/actor_test.hpp"
#include "tests/actors/common/frame_log.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::actors {
namespace {

using namespace std::chrono_literals;
using testing::epoch_unix_s;

using relay_log = testing::frame_log;  // every frame the fake relay received

/// A relay that records every frame and answers each Register with a Registered signed by
/// its key (heartbeat interval 30 s).
caf::behavior fake_relay(caf::event_based_actor* self, relay_log* log, private_key key) {
  return {[=](const wire::frame& f) {
    log->frames.emplace_back(f, self->clock().now());
    if (f.kind != wire::message_kind::Register)
      return;
    auto opened = wire::open(f.data);
    if (!opened)
      return;
    const wire::Register* r = opened->as<wire::Register>();
    wire::RegisteredT m;
    m.relay = wire::to_wire(key.address());
    m.provider = wire::to_wire(opened->signer());
    const byte_view session = wire::view(r->session_id());
    m.session_id.assign(session.begin(), session.end());
    m.accepted_unix_s = r->timestamp_unix_s();
    m.heartbeat_interval_s = 30;
    self->send(caf::actor_cast<caf::actor>(self->current_sender()),
               wire::frame{wire::message_kind::Registered, wire::seal(m, key)});
  }};
}

class provider_test : public testing::actor_test {
 protected:
  void SetUp() override {
    log_sink_ = std::make_shared<spdlog::sinks::ostream_sink_mt>(log_text_);
    spdlog::default_logger()->sinks().push_back(log_sink_);
    relay_ = sys.spawn(fake_relay, &relay_log_, relay_key_);
    t0_ = sys.clock().now();
    clock_ = clock_map();
  }

  void TearDown() override {
    auto& sinks = spdlog::default_logger()->sinks();
    sinks.erase(std::remove(sinks.begin(), sinks.end(), log_sink_), sinks.end());
    for (auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(relay_, caf::exit_reason::user_shutdown);
    run();
  }

  std::shared_ptr<storage::store> open_store() {
    storage::store_options options;
    options.path = "/provider-log";
    options.sync = false;
    options.in_memory = true;
    options.memory = memory_;
    auto log = storage::store::open(options);
    EXPECT_TRUE(log) << log.error().to_string();
    return std::move(log.value());
  }

  /// Spawns a provider over `log` and runs until it is registered.
  provider_actor spawn(std::shared_ptr<storage::store> log,
                       worker_options worker = {.queue_max = 4}) {
    wire::GpuInfoT gpu;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.vram_bytes = uint64_t{80} << 30;
    gpu.count = 1;
    provider_options options{provider_key_,
                             relay_key_.address(),
                             caf::actor_cast<frame_sink>(relay_),
                             clock_,
                             std::make_shared<seeded_random>(7),
                             std::move(log),
                             std::make_shared<mock_model>(),
                             worker,
                             {gpu},
                             "eu-west",
                             150'000,
                             2'000'000,
                             4};
    options.cpu_model = "AMD EPYC 9654 96-Core Processor";
    options.cpu_cores = 192;
    options.memory_bytes = uint64_t{1536} << 30;
    auto p = spawn_provider(sys, std::move(options));
    actors_.push_back(caf::actor_cast<caf::actor>(p));
    run();
    return p;
  }

  /// A Completion request for mock-model, sealed by the renter.
  wire::TaskRequestT task_request(uint8_t id = 0x21) const {
    wire::TaskRequestT m;
    m.renter = wire::to_wire(renter_key_.address());
    m.task_id = wire::samples::wire_id(id);
    m.task_type = wire::TaskType::Completion;
    m.model = std::string(mock_model_id);
    m.prompt = "hello provider world";
    m.sampling = std::make_unique<wire::SamplingParamsT>();
    m.sampling->max_tokens = 5;
    m.sampling->temperature = 0.7f;
    m.sampling->seed = 99;
    m.stream = true;
    m.price_cap_per_million_tokens_micros = 200'000;
    m.hold_id = wire::samples::wire_id(0x22);
    m.created_unix_s = epoch_unix_s;
    m.deadline_unix_s = epoch_unix_s + 120;
    return m;
  }

  /// A TaskAssignment of `request` to the provider, sealed by `signer`.
  wire::frame assignment(const wire::TaskRequestT& request, const private_key& signer) const {
    wire::TaskAssignmentT m;
    m.relay = wire::to_wire(signer.address());
    m.provider = wire::to_wire(provider_key_.address());
    m.task_id = request.task_id;
    m.request = wire::seal(request, renter_key_);
    m.price_per_million_tokens_micros = 150'000;
    m.assigned_unix_s = epoch_unix_s;
    m.deadline_unix_s = epoch_unix_s + 120;
    return {wire::message_kind::TaskAssignment, wire::seal(m, signer)};
  }

  /// What the mock-model answers to task_request().
  generation predicted() const {
    generation_request r;
    r.model = std::string(mock_model_id);
    r.prompt = "hello provider world";
    r.sampling.max_tokens = 5;
    r.sampling.temperature = 0.7f;
    r.sampling.seed = 99;
    return mock_model{}.generate(r).value();
  }

  /// Asks provider p for its log entry of task_request()'s task.
  std::optional<task_log_entry> query_log(provider_actor p) {
    std::optional<task_log_entry> out;
    auto client = sys.spawn([&out, p](caf::event_based_actor* self) {
      self->request(p, 60s, task_log_atom_v, wire::samples::make_id(0x21))
          .then([&out](task_log_entry& e) { out = std::move(e); }, [](caf::error&) {});
    });
    actors_.push_back(client);
    run();
    return out;
  }

  size_t count(wire::message_kind kind) const { return relay_log_.opened(kind).size(); }

  private_key relay_key_ = wire::samples::test_key(100);
  private_key provider_key_ = wire::samples::test_key(200);
  private_key renter_key_ = wire::samples::test_key(300);
  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  relay_log relay_log_;
  caf::actor relay_;
  caf::actor_clock::time_point t0_;
  wall_clock_map clock_;  // t0_ ↦ epoch_unix_s, shared by every provider of a test
  std::vector<caf::actor> actors_;
  std::ostringstream log_text_;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> log_sink_;
};

TEST_F(provider_test, registers_with_a_signed_register_at_virtual_wall_time) {
  advance(45s);
  spawn(open_store());
  auto registers = relay_log_.opened(wire::message_kind::Register);
  ASSERT_EQ(registers.size(), 1u);
  EXPECT_EQ(registers[0].signer(), provider_key_.address());
  const wire::Register* r = registers[0].as<wire::Register>();
  EXPECT_EQ(r->timestamp_unix_s(), epoch_unix_s + 45);
  EXPECT_EQ(wire::from_wire(*r->relay()), relay_key_.address());
  EXPECT_EQ(r->session_id()->size(), 32u);
  ASSERT_EQ(r->models()->size(), 1u);
  EXPECT_EQ(r->models()->Get(0)->id()->str(), "mock-model");
  EXPECT_EQ(wire::from_wire(*r->models()->Get(0)->weights_hash()),
            keccak256(as_bytes("mock-model")));
  EXPECT_EQ(r->gpus()->Get(0)->name()->str(), "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(r->max_concurrency(), 4u);
  EXPECT_EQ(r->price_per_million_tokens_micros(), 150'000);
  EXPECT_EQ(r->cpu_model()->str(), "AMD EPYC 9654 96-Core Processor");
  EXPECT_EQ(r->cpu_cores(), 192u);
  EXPECT_EQ(r->memory_bytes(), uint64_t{1536} << 30);
  const std::string line = log_text_.str();
  EXPECT_NE(line.find("registered"), std::string::npos);
  EXPECT_NE(line.find(relay_key_.address().to_string()), std::string::npos);
  EXPECT_NE(line.find(to_hex(wire::view(r->session_id()))), std::string::npos);
}

TEST_F(provider_test, heartbeats_every_30_virtual_seconds_until_deregistered) {
  auto p = spawn(open_store());
  advance(29s);
  EXPECT_EQ(count(wire::message_kind::Heartbeat), 0u);
  for (int i = 0; i < 3; ++i)
    advance(i == 0 ? 1s : 30s);
  auto beats = relay_log_.opened(wire::message_kind::Heartbeat);
  ASSERT_EQ(beats.size(), 3u);
  std::vector<caf::actor_clock::time_point> times;
  for (const auto& [f, at] : relay_log_.frames)
    if (f.kind == wire::message_kind::Heartbeat)
      times.push_back(at);
  for (uint64_t i = 0; i < 3; ++i) {
    const wire::Heartbeat* h = beats[i].as<wire::Heartbeat>();
    EXPECT_EQ(beats[i].signer(), provider_key_.address());
    EXPECT_EQ(h->sequence(), i + 1);
    EXPECT_EQ(h->timestamp_unix_s(), epoch_unix_s + 30 * static_cast<int64_t>(i + 1));
    EXPECT_EQ(times[i] - t0_, std::chrono::seconds(30 * (i + 1)));
    EXPECT_EQ(h->available_models()->Get(0)->str(), "mock-model");
    EXPECT_EQ(h->queue_depth(), 0u);
  }
  caf::anon_send(p, drain_atom_v);
  caf::anon_send(p, deregister_atom_v);
  run();
  auto drains = relay_log_.opened(wire::message_kind::Drain);
  auto deregisters = relay_log_.opened(wire::message_kind::Deregister);
  ASSERT_EQ(drains.size(), 1u);
  ASSERT_EQ(deregisters.size(), 1u);
  EXPECT_EQ(drains[0].as<wire::Drain>()->sequence(), 4u);
  EXPECT_EQ(deregisters[0].as<wire::Deregister>()->sequence(), 5u);
  advance(30s);
  advance(30s);
  EXPECT_EQ(count(wire::message_kind::Heartbeat), 3u);
}

TEST_F(provider_test, reconnects_to_a_new_relay_with_a_fresh_session_and_one_heartbeat_loop) {
  auto p = spawn(open_store());
  advance(10s);
  relay_log second;
  auto relay = sys.spawn(fake_relay, &second, relay_key_);
  actors_.push_back(relay);
  caf::anon_send(p, reconnect_atom_v, caf::actor_cast<frame_sink>(relay));
  run();
  auto first_register = relay_log_.opened(wire::message_kind::Register);
  auto second_register = second.opened(wire::message_kind::Register);
  ASSERT_EQ(first_register.size(), 1u);
  ASSERT_EQ(second_register.size(), 1u);
  const auto session = [](const wire::opened_envelope& e) {
    const byte_view id = wire::view(e.as<wire::Register>()->session_id());
    return bytes(id.begin(), id.end());
  };
  EXPECT_NE(session(second_register[0]), session(first_register[0]));
  advance(20s);  // the loop armed by the first session fires once, now for the new relay
  advance(30s);
  advance(30s);
  EXPECT_EQ(second.opened(wire::message_kind::Heartbeat).size(), 3u);
  EXPECT_EQ(count(wire::message_kind::Heartbeat), 0u);
}

TEST_F(provider_test, runs_a_task_and_proves_the_mock_model_output) {
  auto p = spawn(open_store(), {.queue_max = 4, .token_time = 100ms});
  const wire::TaskRequestT request = task_request();
  caf::anon_send(p, assignment(request, relay_key_));
  run();
  for (int i = 0; i < 5; ++i)
    advance(100ms);
  const generation expected = predicted();
  auto chunks = relay_log_.opened(wire::message_kind::TokenChunk);
  ASSERT_EQ(chunks.size(), 5u);
  hash256 chain{};
  std::string streamed;
  for (uint32_t i = 0; i < 5; ++i) {
    const wire::TokenChunk* c = chunks[i].as<wire::TokenChunk>();
    EXPECT_EQ(c->index(), i);
    std::vector<uint32_t> ids(c->token_ids()->begin(), c->token_ids()->end());
    chain = wire::chain_next(chain, i, ids, wire::view(c->text()));
    EXPECT_EQ(wire::from_wire(*c->chain_hash()), chain);
    streamed += c->text()->str();
  }
  EXPECT_EQ(streamed, expected.text);
  auto results = relay_log_.opened(wire::message_kind::TaskResult);
  auto proofs = relay_log_.opened(wire::message_kind::ComputeProof);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(proofs.size(), 1u);
  const wire::TaskResult* r = results[0].as<wire::TaskResult>();
  EXPECT_EQ(r->status(), wire::TaskStatus::Completed);
  EXPECT_EQ(wire::from_wire(*r->output_hash()), wire::output_hash_text(expected.text));
  EXPECT_EQ(r->completion_tokens(), 5u);
  EXPECT_EQ(r->prompt_tokens(), 3u);
  EXPECT_EQ(proofs[0].signer(), provider_key_.address());
  const wire::ComputeProof* proof = proofs[0].as<wire::ComputeProof>();
  EXPECT_EQ(wire::from_wire(*proof->output_hash()), wire::output_hash_text(expected.text));
  EXPECT_EQ(wire::from_wire(*proof->chain_hash()), chain);
  EXPECT_EQ(proof->chunk_count(), 5u);
  EXPECT_EQ(wire::from_wire(*proof->renter()), renter_key_.address());
  EXPECT_EQ(wire::from_wire(*proof->weights_hash()), keccak256(as_bytes("mock-model")));
  const auto sealed_request = wire::seal(request, renter_key_);
  EXPECT_EQ(wire::from_wire(*proof->input_hash()),
            wire::input_hash(wire::open(sealed_request)->payload()));
  EXPECT_EQ(proof->sampling()->seed(), 99u);
  EXPECT_EQ(proof->worker()->backend(), wire::Backend::Mock);
  const int64_t epoch_ns = epoch_unix_s * 1'000'000'000;
  EXPECT_EQ(proof->started_unix_ns(), epoch_ns);
  EXPECT_EQ(proof->finished_unix_ns(), epoch_ns + 500'000'000);
  EXPECT_EQ(proof->price_per_million_tokens_micros(), 150'000);
  EXPECT_EQ(proof->finish_reason(), wire::FinishReason::Length);
}

TEST_F(provider_test, serves_an_embedding_task_with_a_proof_of_its_values) {
  auto p = spawn(open_store(), {.queue_max = 4, .token_time = 100ms});
  wire::TaskRequestT request = task_request();
  request.task_type = wire::TaskType::Embedding;
  request.prompt = "embed these four words";
  request.sampling->max_tokens = 0;
  caf::anon_send(p, assignment(request, relay_key_));
  run();
  generation_request r;
  r.model = std::string(mock_model_id);
  r.kind = request_kind::embed;
  r.prompt = "embed these four words";
  const std::vector<float> expected = mock_model::embedding_of(r);
  EXPECT_EQ(count(wire::message_kind::TokenChunk), 0u);  // nothing streams, even with stream
  auto results = relay_log_.opened(wire::message_kind::TaskResult);
  auto proofs = relay_log_.opened(wire::message_kind::ComputeProof);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(proofs.size(), 1u);
  const wire::TaskResult* result = results[0].as<wire::TaskResult>();
  EXPECT_EQ(result->status(), wire::TaskStatus::Completed);
  ASSERT_NE(result->embedding(), nullptr);
  EXPECT_EQ(std::vector<float>(result->embedding()->begin(), result->embedding()->end()), expected);
  EXPECT_EQ(result->prompt_tokens(), 4u);
  EXPECT_EQ(result->completion_tokens(), 0u);
  EXPECT_EQ(wire::from_wire(*result->output_hash()), wire::output_hash_embedding(expected));
  const wire::ComputeProof* proof = proofs[0].as<wire::ComputeProof>();
  EXPECT_EQ(proofs[0].signer(), provider_key_.address());
  EXPECT_EQ(wire::from_wire(*proof->output_hash()), wire::output_hash_embedding(expected));
  EXPECT_EQ(wire::from_wire(*proof->chain_hash()), hash256{});
  EXPECT_EQ(proof->chunk_count(), 0u);
  EXPECT_EQ(proof->prompt_tokens(), 4u);
  EXPECT_EQ(proof->completion_tokens(), 0u);
  const auto sealed_request = wire::seal(request, renter_key_);
  EXPECT_EQ(wire::from_wire(*proof->input_hash()),
            wire::input_hash(wire::open(sealed_request)->payload()));
}

TEST_F(provider_test, refuses_an_assignment_not_signed_by_its_relay) {
  auto p = spawn(open_store());
  caf::anon_send(p, assignment(task_request(), wire::samples::test_key(999)));
  run();
  EXPECT_EQ(count(wire::message_kind::TaskResult), 0u);
  auto errors = relay_log_.opened(wire::message_kind::ErrorFrame);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].signer(), provider_key_.address());
  EXPECT_EQ(errors[0].as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(errc::bad_signature));
}

TEST_F(provider_test, rejects_tasks_while_draining_and_unknown_models) {
  auto p = spawn(open_store());
  auto unknown = task_request();
  unknown.model = "gpt-5";
  caf::anon_send(p, assignment(unknown, relay_key_));
  run();
  caf::anon_send(p, drain_atom_v);
  caf::anon_send(p, assignment(task_request(), relay_key_));
  run();
  auto results = relay_log_.opened(wire::message_kind::TaskResult);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results)
    EXPECT_EQ(r.as<wire::TaskResult>()->status(), wire::TaskStatus::Rejected);
  EXPECT_EQ(count(wire::message_kind::ComputeProof), 0u);
  EXPECT_FALSE(query_log(p).has_value());
}

TEST_F(provider_test, rejects_tasks_beyond_its_worker_queue) {
  auto p = spawn(open_store(), {.queue_max = 1, .token_time = 100ms});
  for (uint8_t id = 1; id <= 3; ++id)
    caf::anon_send(p, assignment(task_request(id), relay_key_));
  run();
  auto rejected = relay_log_.opened(wire::message_kind::TaskResult);
  ASSERT_EQ(rejected.size(), 1u);
  const wire::TaskResult* r = rejected[0].as<wire::TaskResult>();
  EXPECT_EQ(r->status(), wire::TaskStatus::Rejected);
  EXPECT_EQ(wire::from_wire(*r->task_id()), wire::samples::make_id(3));
  for (int i = 0; i < 10; ++i)
    advance(100ms);
  EXPECT_EQ(count(wire::message_kind::TaskResult), 3u);
  EXPECT_EQ(count(wire::message_kind::ComputeProof), 2u);
}

TEST_F(provider_test, task_log_survives_a_restart) {
  auto log = open_store();
  auto first = spawn(log);
  const wire::frame order = assignment(task_request(), relay_key_);
  caf::anon_send(first, order);
  run();
  auto before = query_log(first);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(before->state, wire::TaskState::Completed);
  caf::anon_send_exit(first, caf::exit_reason::kill);
  run();
  ASSERT_TRUE(log->close());
  log.reset();
  relay_log_.frames.clear();
  auto second = spawn(open_store());
  auto after = query_log(second);
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->state, wire::TaskState::Completed);
  EXPECT_EQ(after->result, before->result);
  EXPECT_EQ(after->proof, before->proof);
  auto proof = wire::open(after->proof);
  ASSERT_TRUE(proof);
  EXPECT_EQ(proof->signer(), provider_key_.address());
  EXPECT_EQ(wire::from_wire(*proof->as<wire::ComputeProof>()->output_hash()),
            wire::output_hash_text(predicted().text));
  caf::anon_send(second, order);  // a repeated assignment is answered from the log
  run();
  EXPECT_EQ(count(wire::message_kind::TokenChunk), 0u);
  std::vector<bytes> resent;
  for (const auto& [f, at] : relay_log_.frames)
    if (f.kind == wire::message_kind::TaskResult || f.kind == wire::message_kind::ComputeProof)
      resent.push_back(f.data);
  EXPECT_EQ(resent, (std::vector<bytes>{before->result, before->proof}));
}

/// A TaskCancel of task_request()'s task, signed by `signer`.
wire::frame task_cancel(const private_key& signer, uint32_t delivered) {
  wire::TaskCancelT m;
  m.renter = wire::to_wire(signer.address());
  m.task_id = wire::samples::wire_id(0x21);
  m.reason = "the client went away";
  m.delivered_chunks = delivered;
  m.created_unix_s = epoch_unix_s;
  return {wire::message_kind::TaskCancel, wire::seal(m, signer)};
}

TEST_F(provider_test, a_cancelled_task_stops_and_proves_only_the_delivered_chunks) {
  auto p = spawn(open_store(), {.queue_max = 4, .token_time = 100ms});
  wire::TaskRequestT request = task_request();
  request.sampling->max_tokens = 16;
  caf::anon_send(p, assignment(request, relay_key_));
  run();
  for (int i = 0; i < 3; ++i)
    advance(100ms);
  ASSERT_EQ(count(wire::message_kind::TokenChunk), 3u);
  caf::anon_send(p, task_cancel(renter_key_, 2));  // one chunk was still on its way
  run();
  for (int i = 0; i < 16; ++i)
    advance(100ms);
  auto chunks = relay_log_.opened(wire::message_kind::TokenChunk);
  EXPECT_EQ(chunks.size(), 3u);  // it stopped: nothing after the cancel
  auto results = relay_log_.opened(wire::message_kind::TaskResult);
  auto proofs = relay_log_.opened(wire::message_kind::ComputeProof);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_EQ(proofs.size(), 1u);
  const wire::TaskResult* r = results[0].as<wire::TaskResult>();
  EXPECT_EQ(r->status(), wire::TaskStatus::Cancelled);
  EXPECT_EQ(r->completion_tokens(), 2u);
  const std::string delivered = chunks[0].as<wire::TokenChunk>()->text()->str() +
                                chunks[1].as<wire::TokenChunk>()->text()->str();
  const wire::ComputeProof* proof = proofs[0].as<wire::ComputeProof>();
  EXPECT_EQ(proof->chunk_count(), 2u);
  EXPECT_EQ(proof->completion_tokens(), 2u);
  EXPECT_EQ(proof->prompt_tokens(), 3u);
  EXPECT_EQ(proof->finish_reason(), wire::FinishReason::None);
  EXPECT_EQ(wire::from_wire(*proof->output_hash()), wire::output_hash_text(delivered));
  EXPECT_EQ(wire::from_wire(*proof->chain_hash()),
            wire::from_wire(*chunks[1].as<wire::TokenChunk>()->chain_hash()));
  auto logged = query_log(p);
  ASSERT_TRUE(logged.has_value());
  EXPECT_EQ(logged->proof, relay_log_.of_kind(wire::message_kind::ComputeProof)[0].data);
  EXPECT_EQ(logged->result, relay_log_.of_kind(wire::message_kind::TaskResult)[0].data);
}

TEST_F(provider_test, a_cancel_claiming_more_than_was_sent_bills_what_was_sent) {
  auto p = spawn(open_store(), {.queue_max = 4, .token_time = 100ms});
  wire::TaskRequestT request = task_request();
  request.sampling->max_tokens = 16;
  caf::anon_send(p, assignment(request, relay_key_));
  run();
  advance(100ms);
  caf::anon_send(p, task_cancel(renter_key_, 9));
  run();
  auto proofs = relay_log_.opened(wire::message_kind::ComputeProof);
  ASSERT_EQ(proofs.size(), 1u);
  EXPECT_EQ(proofs[0].as<wire::ComputeProof>()->chunk_count(), 1u);
  EXPECT_EQ(proofs[0].as<wire::ComputeProof>()->completion_tokens(), 1u);
}

TEST_F(provider_test, a_cancel_not_signed_by_the_renter_is_refused_and_the_task_runs_on) {
  auto p = spawn(open_store(), {.queue_max = 4, .token_time = 100ms});
  caf::anon_send(p, assignment(task_request(), relay_key_));
  run();
  advance(100ms);
  caf::anon_send(p, task_cancel(wire::samples::test_key(301), 1));
  run();
  auto errors = relay_log_.opened(wire::message_kind::ErrorFrame);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].as<wire::ErrorFrame>()->code(), static_cast<uint16_t>(errc::bad_signature));
  for (int i = 0; i < 4; ++i)
    advance(100ms);
  auto results = relay_log_.opened(wire::message_kind::TaskResult);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].as<wire::TaskResult>()->status(), wire::TaskStatus::Completed);
  EXPECT_EQ(results[0].as<wire::TaskResult>()->completion_tokens(), 5u);
}

// ------------------------------------------------------------------------------------------------
// Body attestations (actors/provider/attestation.hpp)

/// A BodyAttestationRequest for task 0x21 (task_request()'s) sealed by `renter`, asking the
/// provider of `provider_key` to sign hashes filled with 0x35 and `response_fill`.
wire::frame attestation_request(const private_key& renter, const private_key& provider_key,
                                uint8_t response_fill = 0x36, uint8_t task = 0x21) {
  wire::BodyAttestationRequestT m;
  m.renter = wire::to_wire(renter.address());
  m.provider = wire::to_wire(provider_key.address());
  m.task_id = wire::samples::wire_id(task);
  m.request_sha256 = wire::samples::wire_hash(0x35);
  m.response_sha256 = wire::samples::wire_hash(response_fill);
  m.created_unix_s = epoch_unix_s;
  return {wire::message_kind::BodyAttestationRequest, wire::seal(m, renter)};
}

uint16_t code_of(const wire::opened_envelope& error_frame) {
  return error_frame.as<wire::ErrorFrame>()->code();
}

TEST_F(provider_test, signs_the_bodies_of_a_served_task_for_its_renter_only) {
  auto p = spawn(open_store(), {.queue_max = 4, .token_time = 100ms});
  caf::anon_send(p, attestation_request(renter_key_, provider_key_));  // not served yet
  caf::anon_send(p, assignment(task_request(), relay_key_));
  run();
  for (int i = 0; i < 5; ++i)
    advance(100ms);
  ASSERT_EQ(count(wire::message_kind::ComputeProof), 1u);
  caf::anon_send(p, attestation_request(wire::samples::test_key(999), provider_key_));
  run();
  caf::anon_send(p, attestation_request(renter_key_, wire::samples::test_key(201)));
  run();
  caf::anon_send(p, attestation_request(renter_key_, provider_key_, 0x36, 0x55));
  run();
  auto errors = relay_log_.opened(wire::message_kind::ErrorFrame);
  ASSERT_EQ(errors.size(), 4u);
  EXPECT_EQ(code_of(errors[0]), static_cast<uint16_t>(errc::not_found));         // not finished
  EXPECT_EQ(code_of(errors[1]), static_cast<uint16_t>(errc::bad_signature));     // a stranger
  EXPECT_EQ(code_of(errors[2]), static_cast<uint16_t>(errc::invalid_argument));  // not us
  EXPECT_EQ(code_of(errors[3]), static_cast<uint16_t>(errc::not_found));         // an unknown task
  EXPECT_EQ(count(wire::message_kind::BodyAttestation), 0u);

  caf::anon_send(p, attestation_request(renter_key_, provider_key_));
  run();
  auto attested = relay_log_.opened(wire::message_kind::BodyAttestation);
  ASSERT_EQ(attested.size(), 1u);
  const wire::BodyAttestation& a = *attested[0].as<wire::BodyAttestation>();
  hash256 request_sha256{}, response_sha256{};
  request_sha256.fill(0x35);
  response_sha256.fill(0x36);
  const std::string expected = to_hex(request_sha256) + ":" + to_hex(response_sha256);
  ASSERT_EQ(expected.substr(0, 4), "3535");
  EXPECT_EQ(wire::view(a.text()), expected);
  EXPECT_EQ(wire::from_wire(*a.renter()), renter_key_.address());
  signature text_signature{};
  std::copy(a.text_signature()->begin(), a.text_signature()->end(), text_signature.begin());
  EXPECT_EQ(recover_personal(text_signature, as_bytes(expected)).value(), provider_key_.address());

  // Asked again: the same signed frame; asked for other hashes: refused, one text per task.
  caf::anon_send(p, attestation_request(renter_key_, provider_key_));
  caf::anon_send(p, attestation_request(renter_key_, provider_key_, 0x37));
  run();
  const auto again = relay_log_.of_kind(wire::message_kind::BodyAttestation);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[1].data, again[0].data);
  errors = relay_log_.opened(wire::message_kind::ErrorFrame);
  ASSERT_EQ(errors.size(), 5u);
  EXPECT_EQ(code_of(errors[4]), static_cast<uint16_t>(errc::already_exists));
}

}  // namespace
}  // namespace agora::actors
