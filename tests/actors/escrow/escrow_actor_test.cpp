// The escrow actor (actors/escrow/escrow_actor.hpp): every operation through sealed frames with
// exact balances, who may sign what, replays, restart over the same store, and the expiry tick.
#include <gtest/gtest.h>

#include "tests/actors/escrow/escrow_actor_fixture.hpp"

namespace agora::actors::testing {
namespace {

using namespace std::chrono_literals;
using escrow::testing::proof_claim;
using escrow::testing::seal_proof;
using wire::samples::make_id;

class escrow_frames_test : public escrow_actor_test {
 protected:
  address renter() const { return renter_key_.address(); }
  address provider() const { return provider_key_.address(); }

  /// A proof for the hold of every test: 120,000 tokens at 0.15 per million = 18,000 micros.
  bytes proof(const private_key& signer) const {
    return seal_proof(signer, proof_claim{renter(), task_id_, hold_id_, 100'000, 20'000, price_});
  }

  /// Deposits 10 for the renter and holds 1 of it for task_id_.
  void deposit_and_hold(const escrow_actor& e) {
    ASSERT_TRUE(submit(e, deposit(renter_key_, 10'000'000, 0x01)));
    ASSERT_TRUE(submit(e, hold(renter_key_, hold_id_, 1'000'000, task_id_)));
  }

  void expect_settled_balances(const escrow_actor& e) {
    EXPECT_EQ(balance(e, escrow::provider_earnings(provider())), 18'000);
    EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 10'000'000 - 18'000);
    EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 0);
  }

  wire::id128 task_id_ = make_id(0x21);
  wire::id128 hold_id_ = make_id(0x22);
  int64_t price_ = 150'000;
};

TEST_F(escrow_frames_test, deposit_withdraw_hold_and_refund) {
  auto e = spawn_escrow_actor();
  auto deposited = submit(e, deposit(renter_key_, 10'000'000, 0x01));
  ASSERT_TRUE(deposited) << deposited.error().to_string();
  EXPECT_EQ(deposited->sequence, 1u);
  EXPECT_FALSE(deposited->duplicate);
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 10'000'000);

  auto m = wire::samples::sample(std::type_identity<wire::Withdraw>{}, renter_key_);
  m.amount_micros = 2'000'000;
  ASSERT_TRUE(submit(e, frame_of(m, renter_key_)));
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 8'000'000);
  EXPECT_EQ(balance(e, escrow::external_account()), -8'000'000);

  ASSERT_TRUE(submit(e, hold(renter_key_, hold_id_, 1'000'000, task_id_)));
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 7'000'000);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 1'000'000);

  auto r = wire::samples::sample(std::type_identity<wire::Refund>{}, relay_key_);
  r.hold_id = wire::to_wire(hold_id_);
  auto refunded = submit(e, frame_of(r, relay_key_));
  ASSERT_TRUE(refunded) << refunded.error().to_string();
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 8'000'000);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 0);
}

TEST_F(escrow_frames_test, deposit_to_another_account_and_refund_by_the_renter_are_refused) {
  auto e = spawn_escrow_actor();
  auto m = wire::samples::sample(std::type_identity<wire::Deposit>{}, stranger_key_);
  m.account = wire::to_wire(renter());
  auto refused = submit(e, frame_of(m, stranger_key_));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::bad_signature);
  deposit_and_hold(e);
  auto r = wire::samples::sample(std::type_identity<wire::Refund>{}, renter_key_);
  r.hold_id = wire::to_wire(hold_id_);
  auto own = submit(e, frame_of(r, renter_key_));
  ASSERT_FALSE(own);
  EXPECT_EQ(own.error().code, errc::bad_signature);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 1'000'000);
}

TEST_F(escrow_frames_test, replayed_frame_is_a_duplicate) {
  auto e = spawn_escrow_actor();
  const wire::frame f = deposit(renter_key_, 10'000'000, 0x01);
  auto first = submit(e, f);
  auto again = submit(e, f);
  ASSERT_TRUE(first && again);
  EXPECT_FALSE(first->duplicate);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->sequence, first->sequence);
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 10'000'000);
}

TEST_F(escrow_frames_test, hold_beyond_balance_is_insufficient_funds) {
  auto e = spawn_escrow_actor();
  ASSERT_TRUE(submit(e, deposit(renter_key_, 500'000, 0x01)));
  auto refused = submit(e, hold(renter_key_, hold_id_, 500'001, task_id_));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::insufficient_funds);
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 500'000);
}

TEST_F(escrow_frames_test, settle_from_trusted_relay_pays_once) {
  auto e = spawn_escrow_actor();
  deposit_and_hold(e);
  auto untrusted = submit(e, settle(stranger_key_, hold_id_, proof(provider_key_), price_));
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code, errc::bad_signature);
  EXPECT_EQ(balance(e, escrow::provider_earnings(provider())), 0);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 1'000'000);

  auto settled = submit(e, settle(relay_key_, hold_id_, proof(provider_key_), price_));
  ASSERT_TRUE(settled) << settled.error().to_string();
  EXPECT_FALSE(settled->duplicate);
  expect_settled_balances(e);
  auto twice = submit(e, settle(relay_key_, hold_id_, proof(provider_key_), price_));
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->duplicate);
  expect_settled_balances(e);
}

TEST_F(escrow_frames_test, settle_over_the_registered_price_is_refused) {
  auto e = spawn_escrow_actor();
  deposit_and_hold(e);
  auto refused = submit(e, settle(relay_key_, hold_id_, proof(provider_key_), price_ - 1));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 1'000'000);
}

TEST_F(escrow_frames_test, restart_between_hold_and_settle) {
  auto first = spawn_escrow_actor();
  deposit_and_hold(first);
  stop(first);
  auto second = spawn_escrow_actor();
  EXPECT_EQ(balance(second, escrow::hold_account(renter(), hold_id_)), 1'000'000);
  auto settled = submit(second, settle(relay_key_, hold_id_, proof(provider_key_), price_));
  ASSERT_TRUE(settled) << settled.error().to_string();
  EXPECT_EQ(settled->sequence, 3u);
  EXPECT_FALSE(settled->duplicate);
  auto twice = submit(second, settle(relay_key_, hold_id_, proof(provider_key_), price_));
  ASSERT_TRUE(twice);
  EXPECT_TRUE(twice->duplicate);
  expect_settled_balances(second);
  EXPECT_EQ(balance(second, escrow::external_account()), -10'000'000);
}

TEST_F(escrow_frames_test, stake_unstake_and_slash) {
  auto e = spawn_escrow_actor();
  ASSERT_TRUE(submit(e, deposit(provider_key_, 100'000'000, 0x01)));
  ASSERT_TRUE(submit(e, stake(provider_key_, 100'000'000, 0x02)));
  EXPECT_EQ(balance(e, escrow::provider_stake(provider())), 100'000'000);
  auto u = wire::samples::sample(std::type_identity<wire::Unstake>{}, provider_key_);
  ASSERT_TRUE(submit(e, frame_of(u, provider_key_)));  // 50 into StakeUnlocking
  EXPECT_EQ(balance(e, escrow::provider_stake(provider())), 50'000'000);
  EXPECT_EQ(balance(e, escrow::stake_unlocking(provider(), wire::from_wire(u.idempotency_key))),
            50'000'000);

  auto s = wire::samples::sample(std::type_identity<wire::Slash>{}, stranger_key_);
  s.provider = wire::to_wire(provider());
  auto untrusted = submit(e, frame_of(s, stranger_key_));
  ASSERT_FALSE(untrusted);
  EXPECT_EQ(untrusted.error().code, errc::bad_signature);
  s.reporter = wire::to_wire(relay_key_.address());
  auto slashed = submit(e, frame_of(s, relay_key_));  // FailureToServe: 5 % of 50
  ASSERT_TRUE(slashed) << slashed.error().to_string();
  EXPECT_EQ(balance(e, escrow::provider_stake(provider())), 47'500'000);
  EXPECT_EQ(balance(e, escrow::slashed_account()), 2'500'000);
}

TEST_F(escrow_frames_test, verdict_from_an_untrusted_signer_is_refused) {
  auto e = spawn_escrow_actor();
  auto v = wire::samples::sample(std::type_identity<wire::Verdict>{}, stranger_key_);
  auto refused = submit(e, frame_of(v, stranger_key_));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::bad_signature);
}

TEST_F(escrow_frames_test, tick_refunds_expired_holds) {
  auto e = spawn_escrow_actor();
  deposit_and_hold(e);  // the Hold expires at epoch + 600 s
  advance(9min);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 1'000'000);
  advance(1min);
  EXPECT_EQ(balance(e, escrow::hold_account(renter(), hold_id_)), 0);
  EXPECT_EQ(balance(e, escrow::renter_balance(renter())), 10'000'000);
}

TEST_F(escrow_frames_test, not_an_escrow_request_is_wrong_kind) {
  auto e = spawn_escrow_actor();
  auto m = wire::samples::sample(std::type_identity<wire::TaskRequest>{}, renter_key_);
  auto refused = submit(e, frame_of(m, renter_key_));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::wrong_kind);
}

}  // namespace
}  // namespace agora::actors::testing

namespace agora::actors::testing {
namespace {

using namespace std::chrono_literals;

/// A rental through frames: 2 h × 3 GPUs × 2.5 per GPU-hour = 15 prepaid in a Rental hold.
class escrow_rental_test : public escrow_actor_test {
 protected:
  void SetUp() override {
    escrow_actor_test::SetUp();
    escrow_ = spawn_escrow_actor();
    ASSERT_TRUE(submit(escrow_, deposit(renter_key_, 20'000'000, 0x01)));
    auto m = wire::samples::sample(std::type_identity<wire::Hold>{}, renter_key_);
    m.hold_id = wire::to_wire(hold_id_);
    m.amount_micros = 15'000'000;
    m.purpose = wire::HoldPurpose::Rental;
    m.subject_id = wire::to_wire(session_id_);
    m.expires_unix_s = epoch_unix_s + 2 * 3'600;
    ASSERT_TRUE(submit(escrow_, frame_of(m, renter_key_)));
  }

  /// The relay's grant: 3 GPUs at 2.5 per GPU-hour from the epoch for 2 h.
  bytes grant() const {
    auto g = wire::samples::sample(std::type_identity<wire::SessionGrant>{}, relay_key_);
    g.renter = wire::to_wire(renter_key_.address());
    g.provider = wire::to_wire(provider_key_.address());
    g.session_id = wire::to_wire(session_id_);
    g.gpu->count = 3;
    g.price_per_gpu_hour_micros = 2'500'000;
    g.starts_unix_s = epoch_unix_s;
    g.expires_unix_s = epoch_unix_s + 2 * 3'600;
    return wire::seal(g, relay_key_);
  }

  wire::frame session_end(const private_key& sender, wire::SessionEndReason reason,
                          int64_t ended_unix_s) const {
    auto m = wire::samples::sample(std::type_identity<wire::SessionEnd>{}, sender);
    m.session_id = wire::to_wire(session_id_);
    m.reason = reason;
    m.ended_unix_s = ended_unix_s;
    m.hold_id = wire::to_wire(hold_id_);
    m.grant = grant();
    return frame_of(m, sender);
  }

  int64_t earnings() {
    return balance(escrow_, escrow::provider_earnings(provider_key_.address()));
  }
  int64_t renter_balance() {
    return balance(escrow_, escrow::renter_balance(renter_key_.address()));
  }

  escrow_actor escrow_;
  wire::id128 hold_id_ = wire::samples::make_id(0x62);
  wire::id128 session_id_ = wire::samples::make_id(0x61);
};

TEST_F(escrow_rental_test, renter_ends_early_and_gets_the_rest_back) {
  advance(1'001s);
  auto stranger = submit(
      escrow_, session_end(stranger_key_, wire::SessionEndReason::RenterClosed, epoch_unix_s + 1));
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code, errc::bad_signature);
  // The renter's own SessionEnd ends it now (its ended_unix_s is not trusted): 1,001 s.
  auto ended = submit(
      escrow_, session_end(renter_key_, wire::SessionEndReason::RenterClosed, epoch_unix_s + 1));
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(earnings(), 2'085'417);  // 1,001 × 3 × 2.5 / 3,600 = 2,085,416.67, rounded up
  EXPECT_EQ(renter_balance(), 5'000'000 + 15'000'000 - 2'085'417);
}

TEST_F(escrow_rental_test, expiry_charges_the_whole_hold) {
  advance(2h);
  auto ended = submit(
      escrow_, session_end(relay_key_, wire::SessionEndReason::Expired, epoch_unix_s + 2 * 3'600));
  ASSERT_TRUE(ended) << ended.error().to_string();
  EXPECT_EQ(earnings(), 15'000'000);
  EXPECT_EQ(renter_balance(), 5'000'000);
  advance(2h);  // past the grace: nothing is left to refund
  EXPECT_EQ(renter_balance(), 5'000'000);
}

}  // namespace
}  // namespace agora::actors::testing
