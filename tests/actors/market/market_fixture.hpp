// The end-to-end market fixture: ONE real world on CAF's testing scheduler (virtual time). A real
// escrow (in-memory store on a memory_env the fixture keeps, so a test can restart it), a real
// mock-model arbiter, a real relay, real providers (mock-model workers, each deposited and staked
// through signed frames) and real renters with deposits. The relay and the renters reach the
// escrow through ONE recording tap, which keeps their requests in the order they were sent (a
// renter's Dispute never overtakes the relay's Settle of the same proof). Money helpers compute
// every expected balance from the documented rules: cost = ceil(tokens × price / 10⁶)
// (core/amount.hpp), fee = floor(cost × 250 / 10⁴), slashes in basis points of the stake
// (actors/escrow/slashing_rules.hpp defaults).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/arbiter/arbiter.hpp"
#include "actors/common/caf_error.hpp"
#include "actors/escrow/accounts.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/renter/renter.hpp"
#include "actors/worker/mock_model.hpp"
#include "schemas/envelope.hpp"
#include "tests/actors/common/actor_test.hpp"
#include "tests/actors/common/frame_log.hpp"
#include "tests/schemas/samples.hpp"

namespace agora::actors::testing {

using namespace std::chrono_literals;

// --- the documented money rules ------------------------------------------------------------------
inline constexpr int64_t fee_bps = 250;                   // the fixture's protocol fee: 2.5 %
inline constexpr int64_t stake_micros = 10'000'000;       // every provider stakes 10
inline constexpr int64_t deposit_micros = 5'000'000;      // every renter deposits 5
inline constexpr int64_t bond_micros = 100'000;           // renter_options default
inline constexpr int64_t price_cap_micros = 200'000'000;  // 200 per million tokens
/// mock-model on the fixture's task: "hello market world" is 3 prompt words, 5 completion tokens.
inline constexpr int64_t task_tokens = 3 + 5;

/// ceil(tokens × price / 10⁶) (core/amount.hpp cost_of_tokens).
inline int64_t cost_of(int64_t price_per_million, int64_t tokens) {
  return (price_per_million * tokens + 999'999) / 1'000'000;
}
/// floor(cost × fee_bps / 10⁴) (ledger_options::protocol_fee_bps).
inline int64_t fee_of(int64_t cost) {
  return cost * fee_bps / 10'000;
}
/// floor(stake × bps / 10⁴) (slashing_rules apply_bps).
inline int64_t slash_of(int64_t stake, int64_t bps) {
  return stake * bps / 10'000;
}
/// Provider n's price: 150 per million plus 0.125 × n, plus 1 µ, so its 8 tokens cost
/// 1,200 + n + 1 after rounding up.
inline int64_t price_of(uint32_t n) {
  return 150'000'000 + 125'000 * int64_t{n} + 1;
}
/// The worst-case hold of the fixture's task: every token at the cap.
inline int64_t worst_case_hold() {
  return cost_of(price_cap_micros, task_tokens);
}

using testing::frame_log;

/// The escrow as the relay and renters see it: records every request, then forwards it to the
/// escrow `*target` is now (a restarted one too, as a remote stand-in reconnects) and relays the
/// answer (an error when the escrow is gone).
inline escrow_inbox::behavior_type escrow_tap(escrow_inbox::pointer self,
                                              const escrow_actor* target, frame_log* log) {
  return {[self, target, log](const wire::frame& f) -> caf::result<escrow_receipt> {
    log->frames.emplace_back(f, self->clock().now());
    auto rp = self->make_response_promise<escrow_receipt>();
    self->request(escrow_inbox{*target}, caf::infinite, f)
        .then([rp](const escrow_receipt& r) mutable { rp.deliver(r); },
              [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
    return rp;
  }};
}

/// How one provider is set up.
struct provider_setup {
  uint32_t max_concurrency = 4;
  std::shared_ptr<engine> backend = std::make_shared<mock_model>();
};

class market_test : public actor_test {
 protected:
  void SetUp() override {
    clock_ = clock_map();
    arbiter_ =
        spawn_arbiter(sys, arbiter_options{arbiter_key_, std::make_shared<mock_model>(), clock_});
    keep(arbiter_);
    escrow_ = spawn_escrow_actor();
    tap_ = sys.spawn(escrow_tap, &escrow_, &escrow_log_);
    keep(tap_);
    relay_ = spawn_relay_actor();
  }

  void TearDown() override {
    for (auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  template <class Handle>
  void keep(const Handle& h) {
    actors_.push_back(caf::actor_cast<caf::actor>(h));
  }

  escrow_actor spawn_escrow_actor() {
    escrow_options o;
    o.store = storage::store_options{
        .path = "/escrow", .sync = false, .in_memory = true, .memory = memory_};
    o.ledger.escrow = escrow_key_.address();
    o.ledger.protocol_fee_bps = fee_bps;
    o.ledger.verify = true;
    o.trusted_relays = {relay_key_.address()};
    o.trusted_arbiters = {arbiter_key_.address()};
    o.clock = clock_;
    o.arbiter = arbiter_;
    auto e = spawn_escrow(sys, std::move(o));
    EXPECT_TRUE(e) << e.error().to_string();
    keep(*e);
    run();
    return *e;
  }

  relay_actor spawn_relay_actor() {
    auto r = spawn_relay(
        sys, relay_options{relay_key_, tap_, clock_, std::make_shared<seeded_random>(1)});
    keep(r);
    run();
    return r;
  }

  static private_key provider_key(uint32_t n) { return wire::samples::test_key(200 + n); }
  static address provider_address(uint32_t n) { return provider_key(n).address(); }

  /// Deposits and stakes stake_micros for provider n through signed frames, then spawns it with
  /// its own task log; runs until it registered.
  provider_actor add_provider(uint32_t n, provider_setup setup = {}) {
    const private_key key = provider_key(n);
    parties_.push_back(key.address());
    EXPECT_TRUE(submit(escrow_, deposit(key, stake_micros, static_cast<uint8_t>(2 * n))));
    EXPECT_TRUE(submit(escrow_, stake(key, stake_micros, static_cast<uint8_t>(2 * n + 1))));
    storage::store_options store{.path = "/provider-" + std::to_string(n),
                                 .sync = false,
                                 .in_memory = true,
                                 .memory = memory_};
    wire::GpuInfoT gpu;
    gpu.name = "NVIDIA H100 80GB HBM3";
    gpu.vram_bytes = uint64_t{80} << 30;
    gpu.count = 1;
    provider_options options{key,
                             relay_key_.address(),
                             caf::actor_cast<frame_sink>(relay_),
                             clock_,
                             std::make_shared<seeded_random>(n),
                             std::move(storage::store::open(store).value()),
                             std::move(setup.backend),
                             {.queue_max = 4, .token_time = 100ms},
                             {gpu},
                             "eu-west",
                             price_of(n),
                             2'000'000,
                             setup.max_concurrency};
    auto p = spawn_provider(sys, std::move(options));
    keep(p);
    providers_.push_back(p);
    run();
    return p;
  }

  /// Spawns renter n (test_key(300 + n)) and deposits `micros` through it.
  caf::actor add_renter(uint32_t n, int64_t micros = deposit_micros, uint32_t spot_permille = 0) {
    const private_key key = wire::samples::test_key(300 + n);
    parties_.push_back(key.address());
    auto r =
        spawn_renter(sys, renter_options{key, tap_, caf::actor_cast<caf::actor>(relay_), clock_,
                                         std::make_shared<seeded_random>(7 + n), spot_permille});
    keep(r);
    std::optional<escrow_receipt> done;
    call(r, [&done, micros](caf::event_based_actor* self, const caf::actor& to) {
      self->request(to, 60s, deposit_atom_v, micros).then([&done](escrow_receipt x) { done = x; });
    });
    EXPECT_TRUE(done.has_value());
    return r;
  }

  /// Two providers (1 and 2) and renter 1 with a deposit.
  caf::actor start(uint32_t spot_permille = 0) {
    add_provider(1);
    add_provider(2);
    return add_renter(1, deposit_micros, spot_permille);
  }

  /// The fixture's mock-model task (3 + 5 tokens) holding the worst case at the cap.
  static renter_task task(std::string model = std::string(mock_model_id)) {
    return renter_task{std::move(model),  "hello market world", 5, 0.7f, 99,
                       worst_case_hold(), price_cap_micros};
  }

  /// Spawns a client that `body` drives, then runs every ready message.
  template <class Body>
  void call(const caf::actor& to, Body body) {
    keep(sys.spawn([to, body](caf::event_based_actor* self) { body(self, to); }));
    run();
  }

  uint64_t submit_task(const caf::actor& renter, const renter_task& spec) {
    std::optional<uint64_t> number;
    call(renter, [&number, spec](caf::event_based_actor* self, const caf::actor& to) {
      self->request(to, 60s, submit_atom_v, spec).then([&number](uint64_t n) { number = n; });
    });
    EXPECT_TRUE(number.has_value());
    return number.value_or(~uint64_t{0});
  }

  task_outcome outcome(const caf::actor& renter, uint64_t number) {
    std::optional<task_outcome> out;
    call(renter, [&out, number](caf::event_based_actor* self, const caf::actor& to) {
      self->request(to, 60s, outcome_atom_v, number).then([&out](task_outcome o) { out = o; });
    });
    EXPECT_TRUE(out.has_value());
    return out.value_or(task_outcome{});
  }

  /// Sends `f` to `e` and runs until it answers.
  template <class Escrow>
  result<escrow_receipt> submit(const Escrow& e, const wire::frame& f) {
    std::optional<result<escrow_receipt>> out;
    keep(sys.spawn([&out, e, f](caf::event_based_actor* self) {
      self->request(e, 60s, f).then([&out](const escrow_receipt& r) { out = r; },
                                    [&out](const caf::error& err) { out = from_caf_error(err); });
    }));
    run();
    EXPECT_TRUE(out.has_value()) << "the escrow did not answer";
    return out.value_or(make_error(errc::io_error, "no answer"));
  }

  int64_t balance(const escrow::account_key& key) {
    std::optional<int64_t> out;
    auto e = escrow_;
    keep(sys.spawn([&out, e, key](caf::event_based_actor* self) {
      self->request(e, 60s, balance_atom_v, balance_query::of(key)).then([&out](int64_t micros) {
        out = micros;
      });
    }));
    run();
    EXPECT_TRUE(out.has_value()) << "the escrow did not answer";
    return out.value_or(-1);
  }
  int64_t renter_balance(uint32_t n = 1) {
    return balance(escrow::renter_balance(wire::samples::test_key(300 + n).address()));
  }
  int64_t earnings(uint32_t n) { return balance(escrow::provider_earnings(provider_address(n))); }
  int64_t staked(uint32_t n) { return balance(escrow::provider_stake(provider_address(n))); }
  int64_t slashed() { return balance(escrow::slashed_account()); }
  int64_t protocol_fee() { return balance(escrow::protocol_fee_account()); }

  /// Every account the fixture's parties can hold money in, External first.
  std::vector<int64_t> balances() {
    std::vector<int64_t> out{balance(escrow::external_account()), slashed(), protocol_fee()};
    for (const address& a : parties_)
      for (const auto& key :
           {escrow::renter_balance(a), escrow::provider_earnings(a), escrow::provider_stake(a)})
        out.push_back(balance(key));
    return out;
  }

  /// Money is conserved: with no hold or bond open, the accounts above sum to zero (External
  /// is minus everything deposited).
  void expect_conserved() {
    int64_t sum = 0;
    for (int64_t b : balances())
      sum += b;
    EXPECT_EQ(sum, 0);
  }

  relay_status status() {
    relay_status out;
    auto r = relay_;
    keep(sys.spawn([&out, r](caf::event_based_actor* self) {
      self->request(r, 60s, status_atom_v).then([&out](relay_status& s) { out = s; });
    }));
    run();
    return out;
  }

  /// The registered provider number (1, 2, …) with a task in flight; 0 if none.
  uint32_t busy_provider() {
    const relay_status s = status();
    for (uint32_t n = 1; n <= providers_.size(); ++n)
      for (const relay_provider_status& p : s.providers)
        if (p.provider == provider_address(n).to_string() && p.in_flight > 0)
          return n;
    return 0;
  }
  const relay_provider_status* provider_status(const relay_status& s, uint32_t n) const {
    for (const relay_provider_status& p : s.providers)
      if (p.provider == provider_address(n).to_string())
        return &p;
    return nullptr;
  }

  /// Moves virtual time by `total` in steps of `step`, running everything due at each step.
  void step(caf::timespan total, caf::timespan step = 1s) {
    for (caf::timespan done{0}; done < total; done += step)
      advance(step);
  }

  template <class Handle>
  void kill(const Handle& h) {
    caf::anon_send_exit(h, caf::exit_reason::kill);
    run();
  }

  /// Sends `frames` to the relay from a fresh actor; what the relay answers it.
  frame_log send_to_relay(std::vector<wire::frame> frames) {
    auto log = std::make_shared<frame_log>();
    auto r = relay_;
    keep(sys.spawn([r, log, frames](caf::event_based_actor* self) {
      for (const wire::frame& f : frames)
        self->send(r, f);
      return caf::behavior{
          [self, log](const wire::frame& f) { log->frames.emplace_back(f, self->clock().now()); }};
    }));
    run();
    return *log;
  }

  /// How many requests of `kind` the escrow was sent (through the tap).
  size_t sent(wire::message_kind kind) const { return escrow_log_.of_kind(kind).size(); }

  int64_t now_s() { return unix_seconds(clock_.at(sys.clock().now())); }

  /// Routes a sealed TaskRequest through the relay with a recording sink: the assignment, or
  /// the relay's error.
  result<wire::frame> route(const wire::frame& request) {
    std::optional<result<wire::frame>> out;
    auto r = relay_;
    auto sink = sys.spawn([](frame_sink::pointer) -> frame_sink::behavior_type {
      return {[](const wire::frame&) {}};
    });
    keep(sink);
    keep(sys.spawn([&out, r, request, sink](caf::event_based_actor* self) {
      self->request(r, 60s, route_atom_v, request, sink)
          .then([&out](const wire::frame& f) { out = f; },
                [&out](const caf::error& e) { out = from_caf_error(e); });
    }));
    run();
    EXPECT_TRUE(out.has_value()) << "the relay did not answer";
    return out.value_or(make_error(errc::io_error, "no answer"));
  }

  /// The text mock-model answers to the fixture's task.
  static std::string expected_text() {
    const sampling_params sampling{5, 0.7f, 1.0f, 0, 99, {}};
    generation_request r{0, std::string(mock_model_id), "hello market world", {}, sampling};
    return mock_model{}.generate(r).value().text;
  }

  // --- frames ------------------------------------------------------------------------------------
  template <class Native>
  static wire::frame frame_of(const Native& object, const private_key& key) {
    return {wire::kind_of<typename Native::TableType>, wire::seal(object, key)};
  }
  wire::frame deposit(const private_key& owner, int64_t micros, uint8_t key_fill) const {
    auto m = wire::samples::sample(std::type_identity<wire::Deposit>{}, owner);
    m.amount_micros = micros;
    m.idempotency_key = wire::samples::wire_id(key_fill);
    return frame_of(m, owner);
  }
  wire::frame stake(const private_key& provider, int64_t micros, uint8_t key_fill) const {
    auto m = wire::samples::sample(std::type_identity<wire::Stake>{}, provider);
    m.amount_micros = micros;
    m.idempotency_key = wire::samples::wire_id(key_fill);
    return frame_of(m, provider);
  }
  /// A Register of a provider the relay has not seen, stamped `offset_s` off the relay's clock.
  wire::frame registration(int64_t offset_s) {
    const private_key key = wire::samples::test_key(250);
    wire::RegisterT m = wire::samples::sample_of<wire::Register>(key);
    m.relay = wire::to_wire(relay_key_.address());
    m.timestamp_unix_s = now_s() + offset_s;
    return frame_of(m, key);
  }

  private_key escrow_key_ = wire::samples::test_key(50);
  private_key relay_key_ = wire::samples::test_key(100);
  private_key arbiter_key_ = wire::samples::test_key(150);
  private_key stranger_key_ = wire::samples::test_key(400);
  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  wall_clock_map clock_;
  arbiter_inbox arbiter_;
  escrow_actor escrow_;
  escrow_inbox tap_;
  frame_log escrow_log_;  // what the relay and the renters asked of the escrow, in order
  relay_actor relay_;
  std::vector<provider_actor> providers_;
  std::vector<address> parties_;  // providers and renters, in the order they joined
  std::vector<caf::actor> actors_;
};

}  // namespace agora::actors::testing
