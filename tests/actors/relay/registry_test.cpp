// Tests of the relay's registry (actors/relay/registry.hpp): registration checks end to end
// through seal and open, session messages, liveness and its transitions, drain and deregister,
// reliability statistics.
#include "actors/relay/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/actors/relay/relay_fixture.hpp"

namespace agora::relay::testing {
namespace {

using namespace std::chrono_literals;
using wire::DeregisterT;
using wire::DrainT;
using wire::HeartbeatT;
using wire::RegisterT;

class registry_test : public relay_fixture {
 protected:
  registry_test() : key_(wire::samples::test_key(7)) {}

  RegisterT register_message(int64_t timestamp_unix_s = now_s) const {
    RegisterT m = registration(key_, session_id(1));
    m.timestamp_unix_s = timestamp_unix_s;
    return m;
  }
  status register_at(int64_t timestamp_unix_s, wall_time now = at_s(now_s)) {
    return deliver(register_message(timestamp_unix_s), key_, now);
  }
  status heartbeat(uint64_t sequence, wall_time now, const bytes& session = session_id(1)) {
    return deliver(session_message<HeartbeatT>(key_, session, sequence, unix_seconds(now)), key_,
                   now);
  }
  const provider_record& record() const {
    const provider_record* found = registry_.find(key_.address());
    AGORA_ASSERT(found != nullptr);
    return *found;
  }

  private_key key_;
};

void expect_error(const status& s, errc code) {
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, code) << s.error().to_string();
}

// ------------------------------------------------------------------------------------------------
// Register

TEST_F(registry_test, good_registration_records_the_offer) {
  ASSERT_TRUE(register_at(now_s).ok());
  ASSERT_EQ(registry_.size(), 1u);
  const provider_record& r = record();
  EXPECT_EQ(r.provider, key_.address());
  EXPECT_EQ(r.session_id, session_id(1));
  ASSERT_EQ(r.gpus.size(), 1u);
  EXPECT_EQ(r.gpus[0].name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(r.gpus[0].vram_bytes, uint64_t{80} << 30);
  EXPECT_EQ(r.gpus[0].count, 8);
  EXPECT_EQ(r.gpus[0].compute_capability_major, 9);
  ASSERT_EQ(r.models.size(), 1u);
  EXPECT_EQ(r.models[0].id, llama);
  EXPECT_EQ(r.models[0].max_context, 131072u);
  EXPECT_EQ(r.models[0].quantization, "bf16");
  EXPECT_EQ(r.models_ready, 1u);
  EXPECT_EQ(r.region, "eu-west");
  EXPECT_EQ(r.price_per_million_tokens, amount::from_micros(150'000));
  EXPECT_EQ(r.price_per_gpu_hour, amount::from_micros(2'000'000));
  EXPECT_EQ(r.max_concurrency, 16u);
  EXPECT_EQ(r.tee_type, wire::TeeType::NvidiaCc);
  EXPECT_EQ(r.tee_evidence, bytes(64, 0x42));
  EXPECT_EQ(r.connected_since, at_s(now_s));
  EXPECT_EQ(r.in_flight, 0u);
  EXPECT_EQ(registry_.liveness_of(r, at_s(now_s)), liveness::healthy);
  ASSERT_EQ(registry_.serving(llama).size(), 1u);
  EXPECT_TRUE(registry_.serving("other/model").empty());
}

TEST_F(registry_test, signature_must_recover_the_provider_in_the_payload) {
  // Signed by another key than the one the payload names: open() refuses it.
  const private_key impostor = wire::samples::test_key(8);
  const bytes forged = wire::seal(register_message(), impostor);
  result<wire::opened_envelope> opened = wire::open(forged);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::bad_signature);

  // A changed byte of r: another signer (or none) recovers, so open() refuses it too.
  bytes tampered = wire::seal(register_message(), key_);
  const signature sig = open_ok(tampered).signature();
  auto where = std::search(tampered.begin(), tampered.end(), sig.begin(), sig.end());
  ASSERT_NE(where, tampered.end());
  where[5] ^= 0x01;
  opened = wire::open(tampered);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, errc::bad_signature);
  EXPECT_EQ(registry_.size(), 0u);

  // The genuine envelope opens with the payload's provider as signer and registers.
  const wire::opened_envelope genuine = open_ok(wire::seal(register_message(), key_));
  EXPECT_EQ(genuine.signer(), key_.address());
  ASSERT_TRUE(registry_.register_provider(genuine, at_s(now_s)).ok());
  EXPECT_NE(registry_.find(key_.address()), nullptr);
}

TEST_F(registry_test, session_id_is_single_use) {
  const bytes sealed = wire::seal(register_message(), key_);
  ASSERT_TRUE(deliver(sealed, at_s(now_s)).ok());
  expect_error(deliver(sealed, at_s(now_s + 30)), errc::replayed);
  expect_error(deliver(sealed, at_s(now_s + 60)), errc::replayed);
  // Past the window the id is forgotten, and the timestamp check refuses the replay.
  expect_error(deliver(sealed, at_s(now_s + 61)), errc::stale);

  // Another provider cannot reuse the id either.
  const private_key other = wire::samples::test_key(8);
  RegisterT m = registration(other, session_id(1));
  expect_error(deliver(m, other, at_s(now_s + 1)), errc::replayed);
  EXPECT_EQ(registry_.size(), 1u);
}

TEST_F(registry_test, timestamp_must_be_within_60_s) {
  expect_error(register_at(now_s - 61), errc::stale);
  expect_error(register_at(now_s + 61), errc::stale);
  EXPECT_EQ(registry_.size(), 0u);
  ASSERT_TRUE(register_at(now_s - 60).ok());
  RegisterT ahead = registration(key_, session_id(2));
  ahead.timestamp_unix_s = now_s + 60;
  EXPECT_TRUE(deliver(ahead, key_).ok());
}

TEST_F(registry_test, relay_id_must_be_this_relay) {
  RegisterT m = register_message();
  m.relay = wire::samples::wire_address(0xee);
  expect_error(deliver(m, key_), errc::invalid_argument);
  EXPECT_EQ(registry_.size(), 0u);
}

TEST_F(registry_test, reregistration_replaces_the_session_and_keeps_reliability) {
  ASSERT_TRUE(register_at(now_s).ok());
  run_task(key_.address(), wire::TaskStatus::Completed, 40);
  ASSERT_TRUE(registry_.task_started(key_.address()).ok());
  ASSERT_TRUE(heartbeat(5, at_s(now_s + 10)).ok());

  RegisterT again = registration(key_, session_id(2));
  again.models[0]->id = "other/model";
  again.timestamp_unix_s = now_s + 20;
  ASSERT_TRUE(deliver(again, key_, at_s(now_s + 20)).ok());
  EXPECT_EQ(registry_.size(), 1u);
  EXPECT_EQ(record().session_id, session_id(2));
  EXPECT_EQ(record().jobs_completed, 1u);
  EXPECT_EQ(record().in_flight, 1u);
  EXPECT_EQ(record().connected_since, at_s(now_s + 20));
  EXPECT_TRUE(registry_.serving(llama).empty());
  EXPECT_EQ(registry_.serving("other/model").size(), 1u);
  // The new session starts its own sequence; the old session is refused.
  EXPECT_TRUE(heartbeat(1, at_s(now_s + 21), session_id(2)).ok());
  expect_error(heartbeat(6, at_s(now_s + 22), session_id(1)), errc::not_found);
}

// ------------------------------------------------------------------------------------------------
// Heartbeat, Drain, Deregister

TEST_F(registry_test, heartbeat_needs_the_current_session) {
  expect_error(heartbeat(1, at_s(now_s)), errc::not_found);  // unknown provider
  ASSERT_TRUE(register_at(now_s).ok());
  expect_error(heartbeat(1, at_s(now_s), session_id(9)), errc::not_found);  // not its session
  EXPECT_TRUE(heartbeat(1, at_s(now_s)).ok());
}

TEST_F(registry_test, heartbeat_timestamp_must_be_fresh) {
  ASSERT_TRUE(register_at(now_s).ok());
  const auto late = session_message<HeartbeatT>(key_, session_id(1), 1, now_s);
  expect_error(deliver(late, key_, at_s(now_s + 61)), errc::stale);
  EXPECT_TRUE(deliver(late, key_, at_s(now_s + 60)).ok());
}

TEST_F(registry_test, sequence_must_increase_across_session_messages) {
  ASSERT_TRUE(register_at(now_s).ok());
  ASSERT_TRUE(heartbeat(0, at_s(now_s + 1)).ok());
  ASSERT_TRUE(heartbeat(5, at_s(now_s + 2)).ok());
  expect_error(heartbeat(5, at_s(now_s + 3)), errc::replayed);
  expect_error(heartbeat(4, at_s(now_s + 3)), errc::replayed);
  expect_error(deliver(session_message<DrainT>(key_, session_id(1), 5), key_), errc::replayed);
  EXPECT_FALSE(record().draining);
  EXPECT_TRUE(heartbeat(6, at_s(now_s + 4)).ok());
}

TEST_F(registry_test, heartbeat_carries_load_and_ready_models) {
  RegisterT m = register_message();
  auto second = wire::samples::sample_model();
  second->id = "qwen/Qwen2.5-7B";
  m.models.push_back(std::move(second));
  ASSERT_TRUE(deliver(m, key_).ok());
  EXPECT_EQ(record().models_ready, 0b11u);

  HeartbeatT beat = session_message<HeartbeatT>(key_, session_id(1), 1, now_s + 30);
  beat.available_models = {"qwen/Qwen2.5-7B", "not/offered"};
  ASSERT_TRUE(deliver(beat, key_, at_s(now_s + 30)).ok());
  const provider_record& r = record();
  EXPECT_EQ(r.models_ready, 0b10u);
  EXPECT_EQ(r.load_permille, 420);
  EXPECT_EQ(r.queue_depth, 3u);
  EXPECT_EQ(r.active_tasks, 5u);
  EXPECT_EQ(r.last_heard, at_s(now_s + 30));
  EXPECT_EQ(r.last_sequence, 1u);
}

TEST_F(registry_test, models_update_replaces_the_offer) {
  ASSERT_TRUE(register_at(now_s).ok());
  ASSERT_TRUE(heartbeat(1, at_s(now_s + 1)).ok());
  auto update = session_message<wire::ModelsUpdateT>(key_, session_id(1), 2, now_s + 2);
  update.models[0]->id = "qwen/Qwen2.5-7B";
  ASSERT_TRUE(deliver(update, key_, at_s(now_s + 2)).ok());
  EXPECT_TRUE(registry_.serving(llama).empty());
  ASSERT_EQ(registry_.serving("qwen/Qwen2.5-7B").size(), 1u);
  ASSERT_EQ(record().models.size(), 1u);
  EXPECT_EQ(record().models_ready, 1u);
  expect_error(deliver(update, key_, at_s(now_s + 3)), errc::replayed);  // sequence 2 again
}

TEST_F(registry_test, drain_then_deregister_after_in_flight_work) {
  ASSERT_TRUE(register_at(now_s).ok());
  ASSERT_TRUE(registry_.task_started(key_.address()).ok());
  ASSERT_TRUE(deliver(session_message<DrainT>(key_, session_id(1), 1), key_).ok());
  EXPECT_TRUE(record().draining);
  EXPECT_FALSE(registry_.accepts_work(record(), at_s(now_s)));

  wire::opened_envelope bye =
      open_ok(wire::seal(session_message<DeregisterT>(key_, session_id(1), 2), key_));
  result<deregistration> pending = registry_.deregister(bye, at_s(now_s + 1));
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(*pending, deregistration::pending);
  EXPECT_EQ(registry_.size(), 1u);

  ASSERT_TRUE(registry_.task_finished(key_.address(), {wire::TaskStatus::Completed, 5ms}).ok());
  EXPECT_EQ(registry_.size(), 0u);
  EXPECT_EQ(registry_.find(key_.address()), nullptr);
  EXPECT_TRUE(registry_.serving(llama).empty());
  expect_error(heartbeat(3, at_s(now_s + 2)), errc::not_found);
}

TEST_F(registry_test, deregister_when_idle_removes_at_once) {
  ASSERT_TRUE(register_at(now_s).ok());
  wire::opened_envelope bye =
      open_ok(wire::seal(session_message<DeregisterT>(key_, session_id(1), 1), key_));
  result<deregistration> done = registry_.deregister(bye, at_s(now_s));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(*done, deregistration::removed);
  EXPECT_EQ(registry_.size(), 0u);
  // The slot is reused by the next provider.
  add_provider(20);
  EXPECT_EQ(registry_.slot_of(wire::samples::test_key(20).address()), 0u);
}

// ------------------------------------------------------------------------------------------------
// Liveness

TEST(liveness_test, thresholds_are_exact) {
  const liveness_thresholds t{120s, 600s};
  const wall_time heard = at_s(now_s);
  EXPECT_EQ(liveness_at(heard, heard, t), liveness::healthy);
  EXPECT_EQ(liveness_at(heard, heard + 119s, t), liveness::healthy);
  EXPECT_EQ(liveness_at(heard, heard + 120s, t), liveness::unhealthy);
  EXPECT_EQ(liveness_at(heard, heard + 599s, t), liveness::unhealthy);
  EXPECT_EQ(liveness_at(heard, heard + 600s, t), liveness::offline);
  EXPECT_EQ(liveness_at(heard, heard - 5s, t), liveness::healthy);  // the clock stepped back
  const liveness_thresholds quick{120s, 180s};
  EXPECT_EQ(liveness_at(heard, heard + 180s, quick), liveness::offline);
  EXPECT_EQ(offline_since(heard, quick), heard + 180s);
}

TEST_F(registry_test, tick_reports_transitions_with_offline_since) {
  ASSERT_TRUE(register_at(now_s).ok());
  std::vector<liveness_change> changes;
  registry_.tick(at_s(now_s + 119), &changes);
  EXPECT_TRUE(changes.empty());

  registry_.tick(at_s(now_s + 120), &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].provider, key_.address());
  EXPECT_EQ(changes[0].from, liveness::healthy);
  EXPECT_EQ(changes[0].to, liveness::unhealthy);
  EXPECT_FALSE(changes[0].offline_since.has_value());
  EXPECT_FALSE(registry_.accepts_work(record(), at_s(now_s + 120)));

  changes.clear();
  registry_.tick(at_s(now_s + 700), &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, liveness::offline);
  EXPECT_EQ(changes[0].offline_since, at_s(now_s + 600));
  changes.clear();
  registry_.tick(at_s(now_s + 800), &changes);
  EXPECT_TRUE(changes.empty());

  ASSERT_TRUE(heartbeat(1, at_s(now_s + 801)).ok());
  registry_.tick(at_s(now_s + 801), &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].from, liveness::offline);
  EXPECT_EQ(changes[0].to, liveness::healthy);
}

class registry_offline_test : public relay_fixture {
 protected:
  static registry_config quick() {
    registry_config config;
    config.liveness.offline_after = 300s;
    return config;
  }
  registry_offline_test() : relay_fixture(1, quick()) {}
};

TEST_F(registry_offline_test, offline_threshold_is_configurable) {
  const address provider = add_provider(3);
  std::vector<liveness_change> changes;
  registry_.tick(at_s(now_s + 299), &changes);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].to, liveness::unhealthy);
  registry_.tick(at_s(now_s + 300), &changes);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[1].provider, provider);
  EXPECT_EQ(changes[1].to, liveness::offline);
  EXPECT_EQ(changes[1].offline_since, at_s(now_s + 300));
}

// ------------------------------------------------------------------------------------------------
// Reliability

TEST_F(registry_test, finished_tasks_feed_latency_and_error_rate) {
  ASSERT_TRUE(register_at(now_s).ok());
  const address p = key_.address();
  run_task(p, wire::TaskStatus::Completed, 80);
  EXPECT_EQ(record().latency_ewma, 80ms);
  run_task(p, wire::TaskStatus::Completed, 160);
  EXPECT_EQ(record().latency_ewma, 90ms);  // 80 + (160 − 80) / 8
  EXPECT_EQ(record().error_ppm, 0u);
  run_task(p, wire::TaskStatus::Failed, 0);
  EXPECT_EQ(record().error_ppm, 62'500u);  // 1/16 of a million
  run_task(p, wire::TaskStatus::Cancelled, 0);
  EXPECT_EQ(record().error_ppm, 62'500u);
  EXPECT_EQ(record().latency_ewma, 90ms);
  EXPECT_EQ(record().jobs_completed, 2u);
  EXPECT_EQ(record().jobs_failed, 1u);
  EXPECT_EQ(record().in_flight, 0u);
}

TEST_F(registry_test, task_started_respects_max_concurrency) {
  RegisterT m = register_message();
  m.max_concurrency = 2;
  ASSERT_TRUE(deliver(m, key_).ok());
  ASSERT_TRUE(registry_.task_started(key_.address()).ok());
  ASSERT_TRUE(registry_.task_started(key_.address()).ok());
  expect_error(registry_.task_started(key_.address()), errc::limit_exceeded);
  expect_error(registry_.task_started(wire::samples::test_key(8).address()), errc::not_found);
}

}  // namespace
}  // namespace agora::relay::testing
