// Test fixture of the relay's registry and matcher: a relay key, a registry and a matcher over
// it, and end-to-end delivery of provider messages (object-API struct → seal → wire::open →
// registry), so every test goes through the same checks a live relay applies.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "actors/relay/matcher.hpp"
#include "actors/relay/registry.hpp"
#include "core/random.hpp"
#include "schemas/envelope.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::relay::testing {

inline constexpr int64_t now_s = wire::samples::now_s;
inline constexpr const char* llama = "meta-llama/Llama-3.1-8B-Instruct";

inline wall_time at_s(int64_t unix_s) {
  return from_unix_seconds(unix_s);
}

/// A 16-byte session id unique to `n`.
inline bytes session_id(uint32_t n) {
  bytes id(16, 0x5a);
  for (size_t i = 0; i < 4; ++i)
    id[i] = static_cast<uint8_t>(n >> (8 * i));
  return id;
}

/// A task for llama under the sample price, any region, no TEE.
inline task_requirements llama_task() {
  task_requirements task;
  task.model = llama;
  task.price_cap_per_million_tokens = amount::from_micros(200'000);
  return task;
}

/// Opens `sealed` as a live relay would; an envelope open() refuses fails the test.
inline wire::opened_envelope open_ok(const bytes& sealed) {
  result<wire::opened_envelope> opened = wire::open(sealed);
  if (!opened)
    ADD_FAILURE() << opened.error().to_string();
  AGORA_ASSERT(opened.ok());
  return std::move(opened).value();
}

class relay_fixture : public ::testing::Test {
 protected:
  explicit relay_fixture(uint64_t seed = 1, const registry_config& config = {})
      : relay_key_(wire::samples::test_key(999)), registry_(relay_key_.address(), config),
        rng_(seed), matcher_(registry_, rng_) {}

  /// A valid Register from `key` to this relay with `session`, stamped now_s.
  wire::RegisterT registration(const private_key& key, const bytes& session) const {
    wire::RegisterT m = wire::samples::sample_of<wire::Register>(key);
    m.relay = wire::to_wire(relay_key_.address());
    m.session_id = session;
    return m;
  }

  /// A Heartbeat, Drain, ModelsUpdate or Deregister of `key`'s session.
  template <class Native>
  static Native session_message(const private_key& key, const bytes& session, uint64_t sequence,
                                int64_t timestamp_unix_s = now_s) {
    Native m = wire::samples::sample_of<typename Native::TableType>(key);
    m.session_id = session;
    m.sequence = sequence;
    m.timestamp_unix_s = timestamp_unix_s;
    return m;
  }

  /// Seals, opens and hands a provider message to the registry, as the relay actor will.
  status deliver(const bytes& sealed, wall_time now) {
    wire::opened_envelope envelope = open_ok(sealed);
    switch (envelope.kind()) {
    case wire::message_kind::Register: return registry_.register_provider(envelope, now);
    case wire::message_kind::Heartbeat: return registry_.heartbeat(envelope, now);
    case wire::message_kind::Drain: return registry_.drain(envelope, now);
    case wire::message_kind::ModelsUpdate: return registry_.update_models(envelope, now);
    case wire::message_kind::Deregister: {
      result<deregistration> done = registry_.deregister(envelope, now);
      return done ? status{} : status{done.error()};
    }
    default: AGORA_ASSERT(false);
    }
    return {};
  }
  template <class Native>
  status deliver(const Native& message, const private_key& key, wall_time now = at_s(now_s)) {
    return deliver(wire::seal(message, key), now);
  }

  /// Registers provider `n` (key and session derived from n) after `edit` adjusts its Register.
  address add_provider(uint32_t n, const std::function<void(wire::RegisterT&)>& edit = {}) {
    const private_key key = wire::samples::test_key(n);
    wire::RegisterT m = registration(key, session_id(n));
    if (edit)
      edit(m);
    const status registered = deliver(m, key);
    EXPECT_TRUE(registered.ok()) << registered.error().to_string();
    return key.address();
  }

  /// Runs one task on `provider` to completion with `status` and latency `ms`.
  void run_task(const address& provider, wire::TaskStatus status, int64_t ms) {
    ASSERT_TRUE(registry_.task_started(provider).ok());
    const task_outcome outcome{status, std::chrono::milliseconds(ms)};
    ASSERT_TRUE(registry_.task_finished(provider, outcome).ok());
  }

  private_key relay_key_;
  registry registry_;
  seeded_random rng_;
  matcher matcher_;
};

}  // namespace agora::relay::testing
