// The escrow actor's settlement batches (settle_batcher.hpp): written when a provider's queue is
// full or its oldest Settle waited the delay (virtual time), before a frame the waiting would
// change, each Settle answered only after its batch is written, with its own receipt or error.
#include <gtest/gtest.h>

#include <memory>
#include <optional>

#include "tests/actors/escrow/escrow_actor_fixture.hpp"

namespace agora::actors::testing {
namespace {

using namespace std::chrono_literals;
using escrow::testing::proof_claim;
using escrow::testing::seal_proof;
using wire::samples::make_id;

using answer = std::shared_ptr<std::optional<result<escrow_receipt>>>;

class settle_batching_test : public escrow_actor_test {
 protected:
  static constexpr int64_t price = 150'000;
  static constexpr int64_t hold_micros = 1'000'000;

  address renter() const { return renter_key_.address(); }

  escrow_actor spawn_batching(size_t batch_size, caf::timespan delay) {
    auto o = options();
    o.settle_batch_size = batch_size;
    o.settle_batch_delay = delay;
    auto e = spawn_escrow(sys, o);
    EXPECT_TRUE(e) << e.error().to_string();
    actors_.push_back(caf::actor_cast<caf::actor>(*e));
    run();
    return *e;
  }

  /// Sends `f` to `e` without running the scheduler; the answer lands in the returned slot.
  answer send(const escrow_actor& e, const wire::frame& f) {
    auto out = std::make_shared<std::optional<result<escrow_receipt>>>();
    auto client = sys.spawn([out, e, f](caf::event_based_actor* self) {
      self->request(e, std::chrono::seconds(24 * 3600), f)
          .then([out](const escrow_receipt& r) { *out = r; },
                [out](const caf::error& err) { *out = from_caf_error(err); });
    });
    actors_.push_back(client);  // stopped at teardown even when never answered
    return out;
  }

  /// Hold n of the renter (hold_micros) for task n, funded by one deposit of `funds`.
  void fund_and_hold(const escrow_actor& e, int64_t funds, uint8_t holds) {
    ASSERT_TRUE(submit(e, deposit(renter_key_, funds, 0x01)));
    for (uint8_t n = 1; n <= holds; ++n)
      ASSERT_TRUE(submit(e, hold(renter_key_, make_id(n), hold_micros, make_id(0x80 + n))));
  }

  /// The relay's Settle of hold n: 120,000 tokens at `price` = 18,000 micros.
  wire::frame settle_hold(uint8_t n, const private_key& provider) const {
    const bytes proof = seal_proof(
        provider, proof_claim{renter(), make_id(0x80 + n), make_id(n), 100'000, 20'000, price});
    return settle(relay_key_, make_id(n), proof, price);
  }

  int64_t earnings(const escrow_actor& e, const private_key& provider) {
    return balance(e, escrow::provider_earnings(provider.address()));
  }

  private_key second_provider_ = wire::samples::test_key(201);
};

TEST_F(settle_batching_test, a_full_queue_is_written_and_each_settle_answered_after_it) {
  auto e = spawn_batching(3, 1h);
  fund_and_hold(e, 10'000'000, 4);
  auto first = send(e, settle_hold(1, provider_key_));
  auto second = send(e, settle_hold(2, provider_key_));
  auto other_provider = send(e, settle_hold(4, second_provider_));
  run();
  EXPECT_FALSE(first->has_value() || second->has_value() || other_provider->has_value());
  EXPECT_EQ(earnings(e, provider_key_), 0);  // nothing written yet
  auto third = send(e, settle_hold(3, provider_key_));
  run();
  for (const answer& a : {first, second, third}) {
    ASSERT_TRUE(a->has_value());
    ASSERT_TRUE(**a) << (*a)->error().to_string();
    EXPECT_FALSE((**a)->duplicate);
  }
  // Deposit 1, holds 2..5, then the batch in arrival order.
  EXPECT_EQ((**first)->sequence, 6u);
  EXPECT_EQ((**second)->sequence, 7u);
  EXPECT_EQ((**third)->sequence, 8u);
  EXPECT_EQ(earnings(e, provider_key_), 3 * 18'000);
  EXPECT_FALSE(other_provider->has_value());  // its own queue is not full
  EXPECT_EQ(earnings(e, second_provider_), 0);
}

TEST_F(settle_batching_test, the_delay_writes_a_queue_that_did_not_fill) {
  auto e = spawn_batching(100, 50ms);
  fund_and_hold(e, 10'000'000, 2);
  auto first = send(e, settle_hold(1, provider_key_));
  run();
  advance(30ms);
  auto second = send(e, settle_hold(2, provider_key_));
  run();
  EXPECT_FALSE(first->has_value() || second->has_value());
  advance(20ms);  // the first has waited 50 ms: the whole queue goes
  ASSERT_TRUE(first->has_value() && second->has_value());
  ASSERT_TRUE(**first && **second);
  EXPECT_EQ(earnings(e, provider_key_), 2 * 18'000);
}

TEST_F(settle_batching_test, a_hold_that_would_be_short_writes_the_renters_settles_first) {
  auto e = spawn_batching(100, 1h);
  fund_and_hold(e, 2 * hold_micros, 2);  // the renter's balance is 0 now
  auto first = send(e, settle_hold(1, provider_key_));
  auto second = send(e, settle_hold(2, provider_key_));
  run();
  EXPECT_FALSE(first->has_value());
  // Both settlements give back 982,000 each: a hold of 1.5 fits only after they are written.
  auto held = submit(e, hold(renter_key_, make_id(9), 1'500'000, make_id(0x89)));
  ASSERT_TRUE(held) << held.error().to_string();
  ASSERT_TRUE(first->has_value() && second->has_value());
  EXPECT_EQ((**first)->sequence, 4u);
  EXPECT_EQ((**second)->sequence, 5u);
  EXPECT_EQ(held->sequence, 6u);
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 2 * (hold_micros - 18'000) - 1'500'000);
  // Beyond what the settlements return, the hold is refused as the unbatched escrow would.
  auto short_hold = submit(e, hold(renter_key_, make_id(10), 1'000'000, make_id(0x8a)));
  ASSERT_FALSE(short_hold);
  EXPECT_EQ(short_hold.error().code, errc::insufficient_funds);
}

TEST_F(settle_batching_test, a_refund_of_a_queued_hold_comes_after_its_settle) {
  auto e = spawn_batching(100, 1h);
  fund_and_hold(e, 10'000'000, 1);
  auto settled = send(e, settle_hold(1, provider_key_));
  run();
  auto m = wire::samples::sample(std::type_identity<wire::Refund>{}, relay_key_);
  m.hold_id = wire::to_wire(make_id(1));
  m.reason = wire::RefundReason::Unused;
  auto refunded = submit(e, frame_of(m, relay_key_));
  ASSERT_TRUE(settled->has_value() && **settled);
  ASSERT_FALSE(refunded);
  EXPECT_EQ(refunded.error().code, errc::already_exists);  // settled before it came
  EXPECT_EQ(earnings(e, provider_key_), 18'000);
}

TEST_F(settle_batching_test, duplicates_in_a_batch_and_across_batches) {
  auto e = spawn_batching(3, 1h);
  fund_and_hold(e, 10'000'000, 2);
  auto first = send(e, settle_hold(1, provider_key_));
  auto again = send(e, settle_hold(1, provider_key_));
  auto second = send(e, settle_hold(2, provider_key_));
  run();
  ASSERT_TRUE(first->has_value() && again->has_value() && second->has_value());
  ASSERT_TRUE(**first && **again && **second);
  EXPECT_FALSE((**first)->duplicate);
  EXPECT_TRUE((**again)->duplicate);
  EXPECT_EQ((**again)->sequence, (**first)->sequence);
  auto later = send(e, settle_hold(1, provider_key_));
  run();
  EXPECT_FALSE(later->has_value());
  advance(1h);
  ASSERT_TRUE(later->has_value() && **later);
  EXPECT_TRUE((**later)->duplicate);
  EXPECT_EQ((**later)->sequence, (**first)->sequence);
  EXPECT_EQ(earnings(e, provider_key_), 2 * 18'000);
}

TEST_F(settle_batching_test, a_bad_proof_gets_its_own_error_and_the_others_settle) {
  auto e = spawn_batching(3, 1h);
  fund_and_hold(e, 10'000'000, 3);
  auto first = send(e, settle_hold(1, provider_key_));
  // Priced over the registered price: only the ledger, in the batch, finds it out.
  auto overpriced_proof = seal_proof(
      provider_key_, proof_claim{renter(), make_id(0x82), make_id(2), 100'000, 20'000, price * 2});
  auto overpriced = send(e, settle(relay_key_, make_id(2), overpriced_proof, price));
  auto third = send(e, settle_hold(3, provider_key_));
  run();
  ASSERT_TRUE(first->has_value() && third->has_value());
  EXPECT_TRUE(**first && **third);
  ASSERT_TRUE(overpriced->has_value());
  ASSERT_FALSE(**overpriced);
  EXPECT_EQ((*overpriced)->error().code, errc::invalid_argument);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), make_id(2))), hold_micros);
  EXPECT_EQ(earnings(e, provider_key_), 2 * 18'000);
}

TEST_F(settle_batching_test, a_proof_signed_by_another_key_joins_its_claimed_queue_and_fails) {
  auto e = spawn_batching(2, 1h);
  fund_and_hold(e, 10'000'000, 2);
  // The payload names provider_key_ but the second provider signed it: the actor queues it by
  // that claim without recovering the signer, and the batch's open refuses it.
  const bytes honest = seal_proof(
      provider_key_, proof_claim{renter(), make_id(0x82), make_id(2), 100'000, 20'000, price});
  const auto opened = wire::open(honest);
  ASSERT_TRUE(opened);
  const bytes forged =
      wire::seal(wire::message_kind::ComputeProof, opened->payload(), second_provider_);
  auto first = send(e, settle_hold(1, provider_key_));
  auto refused = send(e, settle(relay_key_, make_id(2), forged, price));
  run();
  ASSERT_TRUE(first->has_value() && refused->has_value());  // one full queue of two
  EXPECT_TRUE(**first);
  ASSERT_FALSE(**refused);
  EXPECT_EQ((*refused)->error().code, errc::bad_signature);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), make_id(2))), hold_micros);
  EXPECT_EQ(earnings(e, provider_key_), 18'000);
  EXPECT_EQ(earnings(e, second_provider_), 0);
}

TEST_F(settle_batching_test, a_restart_loses_only_unacknowledged_settles) {
  auto e = spawn_batching(2, 1h);
  fund_and_hold(e, 10'000'000, 3);
  auto first = send(e, settle_hold(1, provider_key_));
  auto second = send(e, settle_hold(2, provider_key_));
  auto waiting = send(e, settle_hold(3, provider_key_));
  run();
  ASSERT_TRUE(first->has_value() && **first && second->has_value() && **second);
  EXPECT_FALSE(waiting->has_value());
  stop(e);
  EXPECT_FALSE(waiting->has_value() && **waiting);  // never acknowledged
  auto restarted = spawn_batching(1, 1h);
  EXPECT_EQ(earnings(restarted, provider_key_), 2 * 18'000);  // both acknowledged ones kept
  EXPECT_EQ(balance(restarted, escrow::hold_account(renter(), make_id(3))), hold_micros);
  auto retried = submit(restarted, settle_hold(3, provider_key_));  // the relay's retry
  ASSERT_TRUE(retried) << retried.error().to_string();
  EXPECT_FALSE(retried->duplicate);
  EXPECT_EQ(earnings(restarted, provider_key_), 3 * 18'000);
}

TEST_F(settle_batching_test, the_tick_writes_queued_settles_before_refunding_expired_holds) {
  auto o = options();
  o.settle_batch_size = 100;
  o.settle_batch_delay = 2h;
  o.tick_interval = 1h;
  auto spawned = spawn_escrow(sys, o);
  ASSERT_TRUE(spawned);
  actors_.push_back(caf::actor_cast<caf::actor>(*spawned));
  const escrow_actor e = *spawned;
  run();
  fund_and_hold(e, 10'000'000, 1);
  auto settled = send(e, settle_hold(1, provider_key_));
  run();
  advance(1h);  // past the sample hold's expiry
  ASSERT_TRUE(settled->has_value());
  ASSERT_TRUE(**settled) << (*settled)->error().to_string();
  EXPECT_EQ(earnings(e, provider_key_), 18'000);
}

TEST_F(settle_batching_test, options_out_of_range_are_refused) {
  auto o = options();
  o.settle_batch_size = 0;
  EXPECT_EQ(spawn_escrow(sys, o).error().code, errc::invalid_argument);
  o.settle_batch_size = escrow::batch_ops_max + 1;
  EXPECT_EQ(spawn_escrow(sys, o).error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora::actors::testing
