// The gateway test world: a real actor system on CAF's threaded scheduler (the gateway's Asio
// threads send into it), a real escrow (in-memory store), a real relay, one real provider with a
// mock-model worker (deposited and staked through signed frames, as in market_fixture.hpp), the
// gateway's own account deposited, and the gateway serving HTTP on 127.0.0.1 at an ephemeral
// port. Tests talk to it with real HTTP (http_client.hpp) and wait with bounded polling only.
#pragma once

#include <gtest/gtest.h>

#include <caf/all.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "actors/common/caf_error.hpp"
#include "actors/escrow/accounts.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/worker/mock_model.hpp"
#include "net/gateway/gateway.hpp"
#include "storage/store.hpp"
#include "tests/net/gateway/http_client.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::net::testing {

using namespace std::chrono_literals;

inline constexpr int64_t epoch_unix_s = 1'760'000'000;
inline constexpr int64_t house_deposit_micros = 5'000'000;     // the gateway's account: 5
inline constexpr int64_t provider_price_micros = 150'000'001;  // per million tokens
inline constexpr int64_t price_cap_micros = 200'000'000;       // the gateway's cap
inline constexpr const char* provider_cpu_model = "AMD EPYC 7B13 64-Core Processor";

/// How one test world is set up; each test fixture may change it.
struct world_setup {
  caf::timespan token_time = 1ms;  // the mock worker's time per token
  int64_t house_deposit = house_deposit_micros;
  std::chrono::seconds task_deadline{30};
  uint64_t body_bytes_max = 64 << 10;
  gateway::hardware_snapshot hardware;        // what /v1/hardware serves
  gateway::attestation_identity attestation;  // zero address: the house key signs
};

class gateway_test : public ::testing::Test {
 protected:
  static caf::actor_system_config& prepare(caf::actor_system_config& cfg) {
    actors::add_agora_message_types(cfg);
    cfg.set("scheduler.max-threads", 4);
    return cfg;
  }

  virtual world_setup setup() const { return {}; }
  /// Last changes to the gateway's options before it starts (accounts_test.cpp's key store).
  virtual void configure(gateway::gateway_actor_options&, gateway::gateway_options&) {}

  void SetUp() override {
    const world_setup s = setup();
    clock_ = actors::wall_clock_map::starting_now(sys.clock(), from_unix_seconds(epoch_unix_s));
    escrow_ = spawn_escrow_actor();
    relay_ = actors::spawn_relay(sys, actors::relay_options{relay_key_, escrow_, clock_,
                                                            std::make_shared<seeded_random>(1)});
    provider_ = add_provider(s.token_time);
    if (s.house_deposit > 0) {
      ASSERT_TRUE(submit(deposit(house_key_, s.house_deposit, 0x30)));
    }
    ASSERT_TRUE(wait_until([this] { return healthy_providers() == 1; }));
    start_gateway(s);
  }

  void TearDown() override {
    gateway_.reset();  // joins the HTTP threads, stops the gateway actor
    for (const caf::actor& a :
         {caf::actor_cast<caf::actor>(provider_), caf::actor_cast<caf::actor>(relay_),
          caf::actor_cast<caf::actor>(escrow_)})
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
  }

  void start_gateway(const world_setup& s) {
    gateway::gateway_actor_options o{house_key_,
                                     escrow_,
                                     relay_,
                                     clock_,
                                     std::make_shared<seeded_random>(9),
                                     price_cap_micros,
                                     s.task_deadline,
                                     std::chrono::seconds(300)};
    gateway::gateway_options g;
    g.http.threads = 2;
    g.http.body_bytes_max = s.body_bytes_max;
    g.http.header_bytes_max = 8 << 10;
    g.hardware = s.hardware;
    g.attestation = s.attestation;
    configure(o, g);
    gateway_ = std::make_unique<gateway::gateway>(sys, std::move(o), g);
    auto started = gateway_->start();
    ASSERT_TRUE(started) << started.error().to_string();
    port_ = gateway_->port();
  }

  actors::escrow_actor spawn_escrow_actor() {
    actors::escrow_options o;
    o.store = storage::store_options{
        .path = "/escrow", .sync = false, .in_memory = true, .memory = memory_};
    o.ledger.escrow = escrow_key_.address();
    o.ledger.verify = true;
    o.trusted_relays = {relay_key_.address()};
    o.clock = clock_;
    auto e = actors::spawn_escrow(sys, std::move(o));
    EXPECT_TRUE(e) << e.error().to_string();
    return *e;
  }

  /// The provider, deposited and staked through signed frames.
  actors::provider_actor add_provider(caf::timespan token_time) {
    EXPECT_TRUE(submit(deposit(provider_key_, 10'000'000, 0x10)));
    auto stake = wire::samples::sample(std::type_identity<wire::Stake>{}, provider_key_);
    stake.amount_micros = 10'000'000;
    stake.idempotency_key = wire::samples::wire_id(0x11);
    EXPECT_TRUE(submit({wire::message_kind::Stake, wire::seal(stake, provider_key_)}));
    storage::store_options store{
        .path = "/provider", .sync = false, .in_memory = true, .memory = memory_};
    wire::GpuInfoT gpu;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.vram_bytes = uint64_t{80} << 30;
    gpu.count = 1;
    actors::provider_options options{provider_key_,
                                     relay_key_.address(),
                                     caf::actor_cast<actors::frame_sink>(relay_),
                                     clock_,
                                     std::make_shared<seeded_random>(3),
                                     std::move(storage::store::open(store).value()),
                                     std::make_shared<actors::mock_model>(),
                                     {.queue_max = 4, .token_time = token_time},
                                     {gpu},
                                     "eu-west",
                                     provider_price_micros,
                                     2'000'000,
                                     4};
    options.cpu_model = provider_cpu_model;
    options.cpu_cores = 16;
    options.memory_bytes = uint64_t{64} << 30;
    return actors::spawn_provider(sys, std::move(options));
  }

  // --- the actors, asked from the test thread (never from an I/O thread) ------------------------

  wire::frame deposit(const private_key& owner, int64_t micros, uint8_t key_fill) const {
    auto m = wire::samples::sample(std::type_identity<wire::Deposit>{}, owner);
    m.amount_micros = micros;
    m.idempotency_key = wire::samples::wire_id(key_fill);
    return {wire::message_kind::Deposit, wire::seal(m, owner)};
  }

  result<actors::escrow_receipt> submit(const wire::frame& f) {
    caf::scoped_actor self{sys};
    std::optional<result<actors::escrow_receipt>> out;
    self->request(escrow_, 10s, f)
        .receive([&out](const actors::escrow_receipt& r) { out = r; },
                 [&out](const caf::error& e) { out = actors::from_caf_error(e); });
    return out.value_or(make_error(errc::io_error, "no answer"));
  }

  int64_t balance(const escrow::account_key& key) {
    caf::scoped_actor self{sys};
    int64_t out = -1;
    self->request(escrow_, 10s, actors::balance_atom_v, actors::balance_query::of(key))
        .receive([&out](int64_t micros) { out = micros; }, [](const caf::error&) {});
    return out;
  }
  int64_t house_balance() { return balance(escrow::renter_balance(house_key_.address())); }

  actors::relay_status relay_status() {
    caf::scoped_actor self{sys};
    actors::relay_status out;
    self->request(relay_, 10s, actors::status_atom_v)
        .receive([&out](actors::relay_status& s) { out = std::move(s); }, [](const caf::error&) {});
    return out;
  }

  size_t healthy_providers() {
    size_t n = 0;
    for (const actors::relay_provider_status& p : relay_status().providers)
      n += p.state == relay::liveness::healthy && !p.draining && !p.models.empty();
    return n;
  }

  /// Polls `done` every 10 ms for up to 10 s.
  static bool wait_until(const std::function<bool()>& done) {
    for (int i = 0; i < 1'000; ++i) {
      if (done())
        return true;
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  // --- HTTP
  // ---------------------------------------------------------------------------------------

  http_reply post(const std::string& target, const std::string& body) {
    return http_call(port_, http::verb::post, target, body);
  }
  http_reply get(const std::string& target) { return http_call(port_, http::verb::get, target); }

  /// What mock-model answers to `r` (the worker applies the plain chat template to messages).
  static actors::generation expected(actors::generation_request r) {
    r.model = std::string(actors::mock_model_id);
    return actors::mock_model{}.generate(r).value();
  }

  caf::actor_system_config cfg;
  caf::actor_system sys{prepare(cfg)};
  private_key escrow_key_ = wire::samples::test_key(50);
  private_key relay_key_ = wire::samples::test_key(100);
  private_key provider_key_ = wire::samples::test_key(201);
  private_key house_key_ = wire::samples::test_key(500);
  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  actors::wall_clock_map clock_;
  actors::escrow_actor escrow_;
  actors::relay_actor relay_;
  actors::provider_actor provider_;
  std::unique_ptr<gateway::gateway> gateway_;
  uint16_t port_ = 0;
};

}  // namespace agora::net::testing
