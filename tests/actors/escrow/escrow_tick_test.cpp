// The escrow actor's recovery work (actors/escrow/escrow_actor.hpp): an Open dispute whose
// arbiter request was lost to a restart is asked again by the next escrow over the same store,
// never twice at once; unstaked money is released by the tick once its lock has passed.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "tests/actors/escrow/escrow_actor_fixture.hpp"

namespace agora::actors::testing {
namespace {

using namespace std::chrono_literals;
using escrow::testing::proof_claim;
using escrow::testing::seal_proof;
using wire::samples::make_id;

/// An arbiter that leaves its first request unanswered and answers every later one with a
/// Verdict of `outcome` signed by `key`. `calls` counts the requests.
struct scripted_arbiter_state {
  std::vector<caf::typed_response_promise<wire::frame>> unanswered;
};

arbiter_inbox::behavior_type
scripted_arbiter(arbiter_inbox::stateful_pointer<scripted_arbiter_state> self,
                 std::shared_ptr<int> calls, const private_key* key, wire::VerdictOutcome outcome) {
  return {
      [self, calls, key, outcome](arbitrate_atom,
                                  const wire::frame& f) -> caf::result<wire::frame> {
        if (++*calls == 1) {
          auto rp = self->make_response_promise<wire::frame>();
          self->state.unanswered.push_back(rp);
          return rp;
        }
        auto opened = wire::open(f.data);
        EXPECT_TRUE(opened && opened->kind() == wire::message_kind::Dispute);
        if (!opened)
          return caf::make_error(caf::sec::unexpected_message);
        auto v = wire::samples::sample(std::type_identity<wire::Verdict>{}, *key);
        v.dispute_id = *opened->as<wire::Dispute>()->dispute_id();
        v.outcome = outcome;
        v.slash_micros = 0;
        return frame_of(v, *key);
      },
  };
}

class escrow_tick_test : public escrow_actor_test {
 protected:
  address renter() const { return renter_key_.address(); }
  address provider() const { return provider_key_.address(); }

  arbiter_inbox spawn_scripted_arbiter(wire::VerdictOutcome outcome) {
    auto a = sys.spawn(scripted_arbiter, calls_, &arbiter_key_, outcome);
    actors_.push_back(caf::actor_cast<caf::actor>(a));
    run();
    return a;
  }

  /// Deposits 10, holds 1, settles 18,000 of it and disputes the settlement with a 0.5 bond.
  void settle_and_dispute(const escrow_actor& e) {
    ASSERT_TRUE(submit(e, deposit(renter_key_, 10'000'000, 0x01)));
    ASSERT_TRUE(submit(e, hold(renter_key_, hold_id_, 1'000'000, task_id_)));
    const bytes proof = seal_proof(
        provider_key_, proof_claim{renter(), task_id_, hold_id_, 100'000, 20'000, price_});
    ASSERT_TRUE(submit(e, settle(relay_key_, hold_id_, proof, price_)));
    auto m = wire::samples::sample(std::type_identity<wire::Dispute>{}, renter_key_);
    m.task_id = wire::to_wire(task_id_);
    m.provider = wire::to_wire(provider());
    m.proof = proof;
    auto disputed = submit(e, frame_of(m, renter_key_));
    ASSERT_TRUE(disputed) << disputed.error().to_string();
    EXPECT_FALSE(disputed->duplicate);
  }

  std::shared_ptr<int> calls_ = std::make_shared<int>(0);
  wire::id128 task_id_ = make_id(0x21);
  wire::id128 hold_id_ = make_id(0x22);
  wire::id128 dispute_id_ = make_id(0x51);  // the sample Dispute's
  int64_t price_ = 150'000;
};

TEST_F(escrow_tick_test, unanswered_dispute_is_asked_again_after_a_restart) {
  auto arbiter = spawn_scripted_arbiter(wire::VerdictOutcome::ProviderCorrect);
  auto first = spawn_escrow_actor(arbiter);
  settle_and_dispute(first);
  EXPECT_EQ(*calls_, 1);
  advance(1min);  // a tick: the request is still in flight, so it is not asked twice
  EXPECT_EQ(*calls_, 1);
  const auto bond = escrow::dispute_bond(renter(), dispute_id_);
  EXPECT_EQ(balance(first, bond), 500'000);
  stop(first);

  auto second = spawn_escrow_actor(arbiter);  // asks on start; this time the arbiter answers
  EXPECT_EQ(*calls_, 2);
  EXPECT_EQ(balance(second, bond), 0);
  EXPECT_EQ(balance(second, escrow::provider_earnings(provider())), 18'000 + 500'000);
  EXPECT_EQ(balance(second, escrow::renter_balance(renter())), 10'000'000 - 18'000 - 500'000);
  advance(1min);  // decided: never asked again
  advance(1min);
  EXPECT_EQ(*calls_, 2);
  EXPECT_EQ(balance(second, escrow::provider_earnings(provider())), 18'000 + 500'000);
  EXPECT_EQ(balance(second, escrow::external_account()), -10'000'000);
}

TEST_F(escrow_tick_test, unanswered_dispute_is_asked_again_after_the_request_times_out) {
  auto arbiter = spawn_scripted_arbiter(wire::VerdictOutcome::Inconclusive);
  auto e = spawn_escrow_actor(arbiter);
  settle_and_dispute(e);
  EXPECT_EQ(*calls_, 1);
  advance(10min);  // arbitrate_timeout: the request fails, the next tick asks again
  advance(1min);
  EXPECT_EQ(*calls_, 2);
  EXPECT_EQ(balance(e, escrow::dispute_bond(renter(), dispute_id_)), 0);
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 10'000'000 - 18'000);
  EXPECT_EQ(balance(e, escrow::provider_earnings(provider())), 18'000);
}

TEST_F(escrow_tick_test, tick_releases_unlocked_stake_once) {
  auto e = spawn_escrow_actor();
  ASSERT_TRUE(submit(e, deposit(provider_key_, 100'000'000, 0x01)));
  ASSERT_TRUE(submit(e, stake(provider_key_, 100'000'000, 0x02)));
  auto u = wire::samples::sample(std::type_identity<wire::Unstake>{}, provider_key_);
  ASSERT_TRUE(submit(e, frame_of(u, provider_key_)));  // 50 unlocking at epoch + 7 days
  const auto unlocking = escrow::stake_unlocking(provider(), wire::from_wire(u.idempotency_key));
  EXPECT_EQ(balance(e, unlocking), 50'000'000);

  advance(std::chrono::hours(7 * 24) - 1min);  // a tick one minute before the unlock
  EXPECT_EQ(balance(e, unlocking), 50'000'000);
  EXPECT_EQ(balance(e, escrow::provider_earnings(provider())), 0);
  advance(2min);  // the tick at the unlock releases it
  EXPECT_EQ(balance(e, unlocking), 0);
  EXPECT_EQ(balance(e, escrow::provider_earnings(provider())), 50'000'000);
  EXPECT_EQ(balance(e, escrow::provider_stake(provider())), 50'000'000);
  advance(1min);
  advance(1h);
  EXPECT_EQ(balance(e, escrow::provider_earnings(provider())), 50'000'000);
  EXPECT_EQ(balance(e, escrow::external_account()), -100'000'000);

  stop(e);  // released exactly once, also across a restart
  auto again = spawn_escrow_actor();
  advance(1min);
  EXPECT_EQ(balance(again, unlocking), 0);
  EXPECT_EQ(balance(again, escrow::provider_earnings(provider())), 50'000'000);
}

}  // namespace
}  // namespace agora::actors::testing
