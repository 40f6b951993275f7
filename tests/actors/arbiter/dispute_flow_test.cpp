// Dispute → arbiter → verdict, end to end (DESIGN §6): the renter disputes a settled proof at the
// escrow, the escrow asks the arbiter, the arbiter re-executes and the escrow applies its sealed
// Verdict. Exact balances for a wrong result (slash and refund) and a false dispute (bond lost).
#include <gtest/gtest.h>

#include "tests/actors/arbiter/arbiter_fixture.hpp"

namespace agora::actors::testing {
namespace {

class dispute_flow_test : public arbiter_test {
 protected:
  address renter() const { return renter_key_.address(); }
  address provider() const { return provider_key_.address(); }

  /// Renter deposits 5 and holds 1; the provider stakes 10; the relay settles `contested`
  /// (8 tokens at 150 per million: 1,200); the renter disputes it with a bond of 0.5.
  void settle_and_dispute(const bytes& contested) {
    escrow_ = spawn_escrow_actor(spawn_arbiter_actor());
    ASSERT_TRUE(submit(escrow_, deposit(renter_key_, 5'000'000, 0x01)));
    ASSERT_TRUE(submit(escrow_, hold(renter_key_, hold_id_, 1'000'000, task_id_)));
    ASSERT_TRUE(submit(escrow_, deposit(provider_key_, 10'000'000, 0x02)));
    ASSERT_TRUE(submit(escrow_, stake(provider_key_, 10'000'000, 0x03)));
    auto settled = submit(escrow_, settle(relay_key_, hold_id_, contested, price_));
    ASSERT_TRUE(settled) << settled.error().to_string();
    EXPECT_EQ(balance(escrow_, escrow::provider_earnings(provider())), 1'200);
    auto disputed = submit(escrow_, dispute(contested, request_));  // runs the arbiter too
    ASSERT_TRUE(disputed) << disputed.error().to_string();
    EXPECT_FALSE(disputed->duplicate);
  }

  int64_t renter_balance() { return balance(escrow_, escrow::renter_balance(renter())); }

  escrow_actor escrow_;
};

TEST_F(dispute_flow_test, wrong_result_slashes_and_refunds) {
  settle_and_dispute(proof(true));
  // Bond back, the settlement reversed: the renter has all 5 again.
  EXPECT_EQ(renter_balance(), 5'000'000);
  EXPECT_EQ(balance(escrow_, escrow::provider_earnings(provider())), 0);
  // 20 % of the 10 stake; nothing of it was needed to refund the renter.
  EXPECT_EQ(balance(escrow_, escrow::provider_stake(provider())), 8'000'000);
  EXPECT_EQ(balance(escrow_, escrow::slashed_account()), 2'000'000);
  EXPECT_EQ(balance(escrow_, escrow::dispute_bond(renter(), wire::samples::make_id(0x51))), 0);
}

TEST_F(dispute_flow_test, false_dispute_loses_the_bond) {
  settle_and_dispute(proof());
  EXPECT_EQ(renter_balance(), 5'000'000 - 1'200 - 500'000);
  EXPECT_EQ(balance(escrow_, escrow::provider_earnings(provider())), 1'200 + 500'000);
  EXPECT_EQ(balance(escrow_, escrow::provider_stake(provider())), 10'000'000);
  EXPECT_EQ(balance(escrow_, escrow::slashed_account()), 0);
}

TEST_F(dispute_flow_test, mismatched_request_returns_the_bond) {
  escrow_ = spawn_escrow_actor(spawn_arbiter_actor());
  ASSERT_TRUE(submit(escrow_, deposit(renter_key_, 5'000'000, 0x01)));
  ASSERT_TRUE(submit(escrow_, hold(renter_key_, hold_id_, 1'000'000, task_id_)));
  ASSERT_TRUE(submit(escrow_, settle(relay_key_, hold_id_, proof(), price_)));
  auto other = mock_request(renter_key_, task_id_, hold_id_);
  other.prompt = "another prompt";
  ASSERT_TRUE(submit(escrow_, dispute(proof(), wire::seal(other, renter_key_))));
  EXPECT_EQ(renter_balance(), 5'000'000 - 1'200);
  EXPECT_EQ(balance(escrow_, escrow::provider_earnings(provider())), 1'200);
}

}  // namespace
}  // namespace agora::actors::testing
