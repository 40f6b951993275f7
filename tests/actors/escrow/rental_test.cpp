// Rental sessions on the ledger (ledger::settle_rental): a Rental hold prepaid for hours × rate ×
// GPUs is charged by the seconds used, the rest refunded; a session that ran to its expiry is
// charged the whole hold; refund_expired leaves Rental holds alone for their settle grace.
#include <gtest/gtest.h>

#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::escrow::testing {
namespace {

class rental_test : public ledger_test {
 protected:
  void SetUp() override {
    ledger_test::SetUp();
    deposit(renter_, 20'000'000, 0x01);
    // 2 h × 3 GPUs × 2.5 per GPU-hour = 15.
    auto prepaid = cost_of_gpu_time(price_, gpus_, 2 * 3'600);
    ASSERT_TRUE(prepaid);
    ASSERT_EQ(prepaid->micros(), 15'000'000);
    auto done = ledger_->hold({.hold_id = hold_id_,
                               .renter = renter_,
                               .amount_micros = prepaid->micros(),
                               .purpose = wire::HoldPurpose::Rental,
                               .subject_id = session_id_,
                               .now_unix_s = now_s,
                               .expires_unix_s = now_s + 2 * 3'600});
    ASSERT_TRUE(done) << done.error().to_string();
  }

  result<receipt> end_session(int64_t used_seconds, int64_t now_unix_s) {
    return ledger_->settle_rental({.hold_id = hold_id_,
                                   .session_id = session_id_,
                                   .provider = provider_,
                                   .price_per_gpu_hour = price_,
                                   .gpu_count = gpus_,
                                   .used_seconds = used_seconds,
                                   .now_unix_s = now_unix_s});
  }

  address renter_ = address_of(0x33);
  address provider_ = address_of(0x44);
  id128 hold_id_ = id_of(0x22);
  id128 session_id_ = id_of(0x23);
  amount price_ = amount::from_micros(2'500'000);
  int64_t gpus_ = 3;
};

TEST_F(rental_test, ended_early_charges_used_seconds_and_refunds_the_rest) {
  // 1,001 s × 3 GPUs × 2.5 / 3,600 = 2,085,416.67 → rounds up to 2,085,417.
  auto done = end_session(1'001, now_s + 1'001);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->outcome, storage::apply_outcome::applied);
  EXPECT_EQ(balance(provider_earnings(provider_)), 2'085'417);
  EXPECT_EQ(balance(renter_balance(renter_)), 5'000'000 + 15'000'000 - 2'085'417);
  EXPECT_EQ(balance(hold_account(renter_, hold_id_)), 0);
  const hold_state* hold = ledger_->state().find_hold(hold_id_);
  ASSERT_NE(hold, nullptr);
  EXPECT_EQ(hold->state, wire::HoldState::Settled);
  EXPECT_EQ(hold->settled_micros, 2'085'417);
  reopen_and_expect_same_state();

  // The session ends once: a second report is the same operation.
  auto again = end_session(7'200, now_s + 7'200);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, storage::apply_outcome::duplicate);
  EXPECT_EQ(balance(provider_earnings(provider_)), 2'085'417);
}

TEST_F(rental_test, usage_over_the_hold_is_capped_at_the_hold) {
  auto done = end_session(3 * 3'600, now_s + 3'600);  // claims more than was prepaid
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(balance(provider_earnings(provider_)), 15'000'000);
  EXPECT_EQ(balance(renter_balance(renter_)), 5'000'000);
}

TEST_F(rental_test, expiry_charges_the_whole_hold) {
  // The session ran to its end: the reported seconds (a period short) do not matter.
  auto done = end_session(7'100, now_s + 2 * 3'600);
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(balance(provider_earnings(provider_)), 15'000'000);
  EXPECT_EQ(balance(renter_balance(renter_)), 5'000'000);
  reopen_and_expect_same_state();
}

TEST_F(rental_test, refund_expired_waits_for_the_grace_then_refunds) {
  auto none = ledger_->refund_expired(now_s + 2 * 3'600 + 3'599, 10);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  EXPECT_EQ(balance(hold_account(renter_, hold_id_)), 15'000'000);
  auto refunded = ledger_->refund_expired(now_s + 3 * 3'600, 10);
  ASSERT_TRUE(refunded);
  EXPECT_EQ(*refunded, 1u);
  EXPECT_EQ(balance(renter_balance(renter_)), 20'000'000);
  auto late = end_session(60, now_s + 3 * 3'600);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, errc::already_exists);
}

TEST_F(rental_test, refuses_task_holds_and_bad_arguments) {
  const id128 task_hold = id_of(0x30);
  hold(task_hold, renter_, 1'000'000, id_of(0x31));
  auto task = ledger_->settle_rental({.hold_id = task_hold,
                                      .session_id = id_of(0x31),
                                      .provider = provider_,
                                      .price_per_gpu_hour = price_,
                                      .gpu_count = 1,
                                      .used_seconds = 10,
                                      .now_unix_s = now_s + 10});
  ASSERT_FALSE(task);
  EXPECT_EQ(task.error().code, errc::invalid_argument);
  auto other_session = ledger_->settle_rental({.hold_id = hold_id_,
                                               .session_id = id_of(0x24),
                                               .provider = provider_,
                                               .price_per_gpu_hour = price_,
                                               .gpu_count = gpus_,
                                               .used_seconds = 10,
                                               .now_unix_s = now_s + 10});
  ASSERT_FALSE(other_session);
  EXPECT_EQ(other_session.error().code, errc::invalid_argument);
  auto negative = end_session(-1, now_s + 10);
  ASSERT_FALSE(negative);
  EXPECT_EQ(negative.error().code, errc::invalid_argument);
  EXPECT_EQ(balance(hold_account(renter_, hold_id_)), 15'000'000);
}

}  // namespace
}  // namespace agora::escrow::testing
