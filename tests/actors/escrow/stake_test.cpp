// Stake, unstake with its lock and release, slashing for each reason with the compensation
// split, and disputes with their verdicts (actors/escrow/ledger.hpp), with exact amounts.
#include <gtest/gtest.h>

#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::escrow::testing {
namespace {

class stake_test : public ledger_test {
 protected:
  void SetUp() override {
    ledger_test::SetUp();
    deposit(provider_.address(), 100'000'000, 0x01);
    auto staked = ledger_->stake({.idempotency_key = id_of(0x02),
                                  .provider = provider_.address(),
                                  .amount_micros = 40'000'000,
                                  .now_unix_s = now_s});
    ASSERT_TRUE(staked) << staked.error().to_string();
  }

  int64_t stake() const { return balance(provider_stake(provider_.address())); }

  result<receipt> slash(wire::SlashReason reason, int64_t harm, uint8_t key_fill) {
    return ledger_->slash({.idempotency_key = id_of(key_fill),
                           .provider = provider_.address(),
                           .reason = reason,
                           .harmed_renter = harm > 0 ? renter_ : address{},
                           .harm_micros = harm,
                           .offline_since_unix_s = now_s - 5 * 3'600,
                           .now_unix_s = now_s});
  }

  private_key provider_ = wire::samples::test_key(7);
  address renter_ = address_of(0x33);
};

TEST_F(stake_test, stake_unstake_release_after_the_lock) {
  EXPECT_EQ(stake(), 40'000'000);
  EXPECT_EQ(balance(renter_balance(provider_.address())), 60'000'000);
  auto unstaked = ledger_->unstake({.idempotency_key = id_of(0x10),
                                    .provider = provider_.address(),
                                    .amount_micros = 15'000'000,
                                    .now_unix_s = now_s});
  ASSERT_TRUE(unstaked);
  const account_key unlocking = stake_unlocking(provider_.address(), id_of(0x10));
  EXPECT_EQ(stake(), 25'000'000);
  EXPECT_EQ(balance(unlocking), 15'000'000);
  reopen_and_expect_same_state();

  const int64_t unlock = now_s + options_.unstake_lock_s;
  const release_request early{id_of(0x10), provider_.address(), unlock - 1};
  auto refused = ledger_->release(early);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  auto released = ledger_->release({id_of(0x10), provider_.address(), unlock});
  ASSERT_TRUE(released);
  EXPECT_EQ(balance(unlocking), 0);
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 15'000'000);
  reopen_and_expect_same_state();
  auto again = ledger_->release({id_of(0x10), provider_.address(), unlock + 1});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, storage::apply_outcome::duplicate);
  auto unknown = ledger_->release({id_of(0x11), provider_.address(), unlock});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::not_found);
}

TEST_F(stake_test, unstake_more_than_staked_is_insufficient_funds) {
  auto done = ledger_->unstake({.idempotency_key = id_of(0x10),
                                .provider = provider_.address(),
                                .amount_micros = 40'000'001,
                                .now_unix_s = now_s});
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code, errc::insufficient_funds);
  EXPECT_EQ(stake(), 40'000'000);
}

struct slash_case {
  wire::SlashReason reason;
  int64_t taken;  // of a 40,000,000 stake at the default rates
};

class slash_test : public stake_test, public ::testing::WithParamInterface<slash_case> {};

TEST_P(slash_test, compensates_the_renter_first_then_slashed) {
  const slash_case c = GetParam();
  const int64_t harm = 300'000;
  auto done = slash(c.reason, harm, 0x20);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(stake(), 40'000'000 - c.taken);
  EXPECT_EQ(balance(renter_balance(renter_)), harm);
  EXPECT_EQ(balance(slashed_account()), c.taken - harm);
  reopen_and_expect_same_state();
  // The same report again is a duplicate; a harm above the slash gets all of it.
  auto replay = slash(c.reason, harm, 0x20);
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->outcome, storage::apply_outcome::duplicate);
  const int64_t stake_before = stake();
  ASSERT_TRUE(slash(c.reason, 1'000'000'000, 0x21));
  const int64_t second = stake_before - stake();
  EXPECT_EQ(second, stake_before * options_.slashing.bps_for(c.reason) / 10'000);
  EXPECT_EQ(balance(renter_balance(renter_)), harm + second);
  EXPECT_EQ(balance(slashed_account()), c.taken - harm);
}

INSTANTIATE_TEST_SUITE_P(reasons, slash_test,
                         ::testing::Values(slash_case{wire::SlashReason::Downtime, 400'000},
                                           slash_case{wire::SlashReason::FailureToServe, 2'000'000},
                                           slash_case{wire::SlashReason::IncorrectResult,
                                                      8'000'000}));

TEST_F(stake_test, downtime_needs_four_hours_and_a_slash_needs_stake) {
  auto early = ledger_->slash({.idempotency_key = id_of(0x30),
                               .provider = provider_.address(),
                               .reason = wire::SlashReason::Downtime,
                               .offline_since_unix_s = now_s - 4 * 3'600 + 1,
                               .now_unix_s = now_s});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, errc::invalid_argument);
  auto nobody = ledger_->slash({.idempotency_key = id_of(0x31),
                                .provider = address_of(0x44),
                                .reason = wire::SlashReason::FailureToServe});
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, errc::insufficient_funds);
  auto no_renter = ledger_->slash({.idempotency_key = id_of(0x32),
                                   .provider = provider_.address(),
                                   .reason = wire::SlashReason::FailureToServe,
                                   .harm_micros = 5});
  ASSERT_FALSE(no_renter);
  EXPECT_EQ(no_renter.error().code, errc::invalid_argument);
  EXPECT_EQ(stake(), 40'000'000);
}

// ------------------------------------------------------------------------------------------------
// Disputes

class dispute_test : public stake_test {
 protected:
  void SetUp() override {
    options_.protocol_fee_bps = 1'000;  // 10 %, so the fee's reversal shows
    stake_test::SetUp();
    deposit(renter_, 5'000'000, 0x03);
    hold(hold_id_, renter_, 2'000'000, task_id_);
    const proof_claim claim{renter_, task_id_, hold_id_, 1'000'000, 0, 1'000'000};
    auto settled = ledger_->settle({.hold_id = hold_id_,
                                    .proof = seal_proof(provider_, claim),
                                    .provider = provider_.address(),
                                    .price_per_million_tokens = amount::from_micros(1'000'000),
                                    .now_unix_s = now_s + 10});
    ASSERT_TRUE(settled) << settled.error().to_string();
    // Cost 1,000,000: 900,000 to the provider, 100,000 fee, 1,000,000 back to the renter.
    ASSERT_EQ(balance(renter_balance(renter_)), 4'000'000);
    ASSERT_EQ(balance(provider_earnings(provider_.address())), 900'000);
  }

  result<receipt> open_dispute(int64_t bond, int64_t now) {
    return ledger_->dispute({.dispute_id = dispute_id_,
                             .renter = renter_,
                             .hold_id = hold_id_,
                             .bond_micros = bond,
                             .now_unix_s = now});
  }
  result<receipt> decide(wire::VerdictOutcome outcome) {
    return ledger_->decide(
        {.dispute_id = dispute_id_, .outcome = outcome, .now_unix_s = now_s + 3'600});
  }

  id128 task_id_ = id_of(0x21);
  id128 hold_id_ = id_of(0x22);
  id128 dispute_id_ = id_of(0x23);
};

TEST_F(dispute_test, provider_at_fault_is_slashed_and_the_renter_refunded) {
  ASSERT_TRUE(open_dispute(250'000, now_s + 100));
  EXPECT_EQ(balance(renter_balance(renter_)), 3'750'000);
  EXPECT_EQ(balance(dispute_bond(renter_, dispute_id_)), 250'000);
  reopen_and_expect_same_state();
  auto done = decide(wire::VerdictOutcome::ProviderWrong);
  ASSERT_TRUE(done) << done.error().to_string();
  // The bond returns and the whole settled cost is reversed from earnings and the fee.
  EXPECT_EQ(balance(renter_balance(renter_)), 5'000'000);
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 0);
  EXPECT_EQ(balance(protocol_fee_account()), 0);
  EXPECT_EQ(stake(), 32'000'000);  // 20 % slashed, all of it to Slashed: no shortfall
  EXPECT_EQ(balance(slashed_account()), 8'000'000);
  EXPECT_EQ(ledger_->state().find_dispute(dispute_id_)->state, wire::DisputeState::Decided);
  reopen_and_expect_same_state();
  auto again = decide(wire::VerdictOutcome::ProviderCorrect);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, storage::apply_outcome::duplicate);
}

TEST_F(dispute_test, withdrawn_earnings_are_covered_by_the_slash) {
  ASSERT_TRUE(ledger_->withdraw({.idempotency_key = id_of(0x50),
                                 .account = provider_.address(),
                                 .source = wire::AccountKind::ProviderEarnings,
                                 .amount_micros = 600'000}));
  ASSERT_TRUE(open_dispute(250'000, now_s + 100));
  ASSERT_TRUE(decide(wire::VerdictOutcome::ProviderWrong));
  // 300,000 from earnings + 100,000 fee; the 600,000 shortfall comes out of the 8 M slash.
  EXPECT_EQ(balance(renter_balance(renter_)), 5'000'000);
  EXPECT_EQ(balance(slashed_account()), 8'000'000 - 600'000);
  EXPECT_EQ(stake(), 32'000'000);
}

TEST_F(dispute_test, false_dispute_loses_the_bond_to_the_provider) {
  ASSERT_TRUE(open_dispute(250'000, now_s + 100));
  ASSERT_TRUE(decide(wire::VerdictOutcome::ProviderCorrect));
  EXPECT_EQ(balance(renter_balance(renter_)), 3'750'000);
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 900'000 + 250'000);
  EXPECT_EQ(stake(), 40'000'000);
  reopen_and_expect_same_state();
}

TEST_F(dispute_test, inconclusive_returns_the_bond) {
  ASSERT_TRUE(open_dispute(250'000, now_s + 100));
  ASSERT_TRUE(decide(wire::VerdictOutcome::Inconclusive));
  EXPECT_EQ(balance(renter_balance(renter_)), 4'000'000);
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 900'000);
}

TEST_F(dispute_test, window_hold_state_and_bond_are_checked) {
  auto late = open_dispute(250'000, now_s + 10 + options_.dispute_window_s + 1);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, errc::stale);
  auto too_big = open_dispute(4'000'001, now_s + 100);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, errc::insufficient_funds);
  auto unknown = ledger_->decide({.dispute_id = dispute_id_});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, errc::not_found);
  ASSERT_TRUE(open_dispute(1, now_s + 100));
  auto second = ledger_->dispute({.dispute_id = id_of(0x24),
                                  .renter = renter_,
                                  .hold_id = hold_id_,
                                  .bond_micros = 1,
                                  .now_unix_s = now_s});
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::already_exists);
  hold(id_of(0x25), renter_, 1'000, id_of(0x26));
  auto active = ledger_->dispute({.dispute_id = id_of(0x27),
                                  .renter = renter_,
                                  .hold_id = id_of(0x25),
                                  .bond_micros = 1,
                                  .now_unix_s = now_s});
  ASSERT_FALSE(active);
  EXPECT_EQ(active.error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora::escrow::testing
