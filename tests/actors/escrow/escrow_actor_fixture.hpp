// Test fixture for the escrow actor on the testing scheduler: an escrow over an in-memory store
// on a shared memory_env (so a test can restart it), one trusted relay and arbiter key, frame
// makers, and synchronous-looking submit/balance calls that run the scheduler until answered.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "tests/actors/common/actor_test.hpp"
#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::actors::testing {

/// A frame carrying `object` sealed by `key`.
template <class Native>
wire::frame frame_of(const Native& object, const private_key& key) {
  return {wire::kind_of<typename Native::TableType>, wire::seal(object, key)};
}

class escrow_actor_test : public actor_test {
 protected:
  using key_type = escrow::account_key;

  void SetUp() override { clock_ = clock_map(); }

  void TearDown() override {
    for (auto& a : actors_)
      caf::anon_send_exit(a, caf::exit_reason::user_shutdown);
    run();
  }

  escrow_options options(arbiter_inbox arbiter = {}) const {
    escrow_options o;
    o.store = storage::store_options{
        .path = "/escrow", .sync = false, .in_memory = true, .memory = memory_};
    o.ledger.escrow = escrow_key_.address();
    o.ledger.verify = true;
    o.trusted_relays = {relay_key_.address()};
    o.trusted_arbiters = {arbiter_key_.address()};
    o.clock = clock_;
    o.arbiter = arbiter;
    return o;
  }

  escrow_actor spawn_escrow_actor(arbiter_inbox arbiter = {}) {
    auto e = spawn_escrow(sys, options(arbiter));
    EXPECT_TRUE(e) << e.error().to_string();
    actors_.push_back(caf::actor_cast<caf::actor>(*e));
    run();
    return *e;
  }

  /// Stops `e` and runs until it is gone (its store closes with it).
  void stop(const escrow_actor& e) {
    caf::anon_send_exit(e, caf::exit_reason::user_shutdown);
    run();
  }

  /// Sends `f` to `e` and runs until it answers.
  result<escrow_receipt> submit(const escrow_actor& e, const wire::frame& f) {
    std::optional<result<escrow_receipt>> out;
    auto client = sys.spawn([&out, e, f](caf::event_based_actor* self) {
      self->request(e, std::chrono::seconds(60), f)
          .then([&out](const escrow_receipt& r) { out = r; },
                [&out](const caf::error& err) { out = from_caf_error(err); });
    });
    run();
    EXPECT_TRUE(out.has_value()) << "the escrow did not answer";
    return out.value_or(make_error(errc::io_error, "no answer"));
  }

  int64_t balance(const escrow_actor& e, const key_type& key) {
    std::optional<int64_t> out;
    auto client = sys.spawn([&out, e, key](caf::event_based_actor* self) {
      self->request(e, std::chrono::seconds(60), balance_atom_v, balance_query::of(key))
          .then([&out](int64_t micros) { out = micros; });
    });
    run();
    EXPECT_TRUE(out.has_value()) << "the escrow did not answer";
    return out.value_or(-1);
  }

  // --- frames ------------------------------------------------------------------------------------
  wire::frame deposit(const private_key& owner, int64_t micros, uint8_t key_fill) const {
    auto m = wire::samples::sample(std::type_identity<wire::Deposit>{}, owner);
    m.amount_micros = micros;
    m.idempotency_key = wire::samples::wire_id(key_fill);
    return frame_of(m, owner);
  }

  wire::frame hold(const private_key& renter, const wire::id128& hold_id, int64_t micros,
                   const wire::id128& task_id) const {
    auto m = wire::samples::sample(std::type_identity<wire::Hold>{}, renter);
    m.hold_id = wire::to_wire(hold_id);
    m.amount_micros = micros;
    m.subject_id = wire::to_wire(task_id);
    return frame_of(m, renter);
  }

  /// A Settle of `hold_id` against `proof` (sealed), signed by `submitter`.
  wire::frame settle(const private_key& submitter, const wire::id128& hold_id, const bytes& proof,
                     int64_t registered_price_micros) const {
    auto m = wire::samples::sample(std::type_identity<wire::Settle>{}, submitter);
    m.hold_id = wire::to_wire(hold_id);
    m.proof = proof;
    m.registered_price_micros = registered_price_micros;
    return frame_of(m, submitter);
  }

  wire::frame stake(const private_key& provider, int64_t micros, uint8_t key_fill) const {
    auto m = wire::samples::sample(std::type_identity<wire::Stake>{}, provider);
    m.amount_micros = micros;
    m.idempotency_key = wire::samples::wire_id(key_fill);
    return frame_of(m, provider);
  }

  private_key escrow_key_ = wire::samples::test_key(50);
  private_key relay_key_ = wire::samples::test_key(100);
  private_key arbiter_key_ = wire::samples::test_key(150);
  private_key provider_key_ = wire::samples::test_key(200);
  private_key renter_key_ = wire::samples::test_key(300);
  private_key stranger_key_ = wire::samples::test_key(400);
  std::shared_ptr<storage::memory_env> memory_ = std::make_shared<storage::memory_env>();
  wall_clock_map clock_;
  std::vector<caf::actor> actors_;
};

}  // namespace agora::actors::testing
