// Deposits, withdrawals, holds, settlement against ComputeProofs and refunds, with exact amounts
// and a reopen after each acknowledged operation (actors/escrow/ledger.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "core/keccak.hpp"
#include "schemas/record.hpp"

#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::escrow::testing {
namespace {

class settle_test : public ledger_test {
 protected:
  void SetUp() override {
    options_.protocol_fee_bps = 100;  // 1 %
    ledger_test::SetUp();
    deposit(renter_, 10'000'000, 0x01);
    hold(hold_id_, renter_, 2'000'000, task_id_);
  }

  proof_claim claim(uint32_t prompt, uint32_t completion) const {
    return {renter_, task_id_, hold_id_, prompt, completion, price_micros_};
  }

  result<receipt> settle(byte_view proof) {
    return ledger_->settle({.hold_id = hold_id_,
                            .proof = proof,
                            .provider = provider_.address(),
                            .price_per_million_tokens = amount::from_micros(price_micros_),
                            .now_unix_s = now_s + 60});
  }

  /// A refused operation must leave the state exactly as it was.
  template <class Op>
  void expect_refused(errc code, Op&& op) {
    const ledger_state before = ledger_->state();
    auto done = op();
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().code, code) << done.error().to_string();
    EXPECT_TRUE(ledger_->state() == before);
  }

  private_key provider_ = wire::samples::test_key(7);
  private_key stranger_ = wire::samples::test_key(8);
  address renter_ = address_of(0x33);
  id128 task_id_ = id_of(0x21);
  id128 hold_id_ = id_of(0x22);
  int64_t price_micros_ = 1'500'000;  // 1.5 tokens of money per million tokens
};

TEST_F(settle_test, deposit_hold_settle_pays_exact_amounts) {
  EXPECT_EQ(balance(renter_balance(renter_)), 8'000'000);
  EXPECT_EQ(balance(hold_account(renter_, hold_id_)), 2'000'000);
  EXPECT_EQ(balance(external_account()), -10'000'000);
  reopen_and_expect_same_state();

  // 1,100,001 tokens × 1.5 = 1,650,001.5 → rounds up to 1,650,002; the fee is 1 % rounded down.
  auto done = settle(seal_proof(provider_, claim(1'000'000, 100'001)));
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(done->outcome, storage::apply_outcome::applied);
  EXPECT_EQ(done->sequence, 3u);
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 1'650'002 - 16'500);
  EXPECT_EQ(balance(protocol_fee_account()), 16'500);
  EXPECT_EQ(balance(renter_balance(renter_)), 8'000'000 + 349'998);
  EXPECT_EQ(balance(hold_account(renter_, hold_id_)), 0);
  const hold_state* hold = ledger_->state().find_hold(hold_id_);
  ASSERT_NE(hold, nullptr);
  EXPECT_EQ(hold->state, wire::HoldState::Settled);
  EXPECT_EQ(hold->settled_micros, 1'650'002);
  reopen_and_expect_same_state();
}

TEST_F(settle_test, second_settle_is_a_duplicate_not_a_payment) {
  const bytes proof = seal_proof(provider_, claim(1000, 1000));
  auto first = settle(proof);
  ASSERT_TRUE(first);
  const ledger_state after_first = ledger_->state();
  auto second = settle(proof);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->outcome, storage::apply_outcome::duplicate);
  EXPECT_EQ(second->sequence, first->sequence);
  // Even a different (valid) proof for the same hold pays nothing more.
  auto third = settle(seal_proof(provider_, claim(5000, 5000)));
  ASSERT_TRUE(third);
  EXPECT_EQ(third->outcome, storage::apply_outcome::duplicate);
  EXPECT_TRUE(ledger_->state() == after_first);
  reopen_and_expect_same_state();
}

TEST_F(settle_test, proof_signed_by_another_key_is_refused) {
  expect_refused(errc::bad_signature,
                 [&] { return settle(seal_proof(stranger_, claim(1000, 1000))); });
  bytes tampered = seal_proof(provider_, claim(1000, 1000));
  tampered[tampered.size() / 2] ^= 0x01;
  const ledger_state before = ledger_->state();
  EXPECT_FALSE(settle(tampered));
  EXPECT_TRUE(ledger_->state() == before);
}

TEST_F(settle_test, proof_for_another_task_hold_or_renter_is_refused) {
  proof_claim other_task = claim(10, 10);
  other_task.task_id = id_of(0x99);
  expect_refused(errc::invalid_argument, [&] { return settle(seal_proof(provider_, other_task)); });
  proof_claim other_hold = claim(10, 10);
  other_hold.hold_id = id_of(0x98);
  expect_refused(errc::invalid_argument, [&] { return settle(seal_proof(provider_, other_hold)); });
  proof_claim other_renter = claim(10, 10);
  other_renter.renter = address_of(0x97);
  expect_refused(errc::invalid_argument,
                 [&] { return settle(seal_proof(provider_, other_renter)); });
  proof_claim overpriced = claim(10, 10);
  overpriced.price_micros = price_micros_ + 1;
  expect_refused(errc::invalid_argument, [&] { return settle(seal_proof(provider_, overpriced)); });
}

TEST_F(settle_test, unknown_hold_and_non_proof_are_refused) {
  expect_refused(errc::not_found, [&] {
    return ledger_->settle({.hold_id = id_of(0x55),
                            .proof = seal_proof(provider_, claim(1, 1)),
                            .provider = provider_.address()});
  });
  const bytes not_a_proof = wire::seal(
      wire::samples::sample(std::type_identity<wire::Heartbeat>{}, provider_), provider_);
  expect_refused(errc::wrong_kind, [&] { return settle(not_a_proof); });
}

TEST_F(settle_test, cost_above_the_hold_is_capped_at_the_hold) {
  auto done = settle(seal_proof(provider_, claim(2'000'000, 0)));  // costs 3,000,000
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 2'000'000 - 20'000);
  EXPECT_EQ(balance(protocol_fee_account()), 20'000);
  EXPECT_EQ(balance(renter_balance(renter_)), 8'000'000);
}

TEST_F(settle_test, a_lower_signed_price_is_billed_at_that_price) {
  proof_claim cheap = claim(0, 1'000);
  cheap.price_micros = 1'000'000;  // the provider signed 1.0 while registered at 1.5
  ASSERT_TRUE(settle(seal_proof(provider_, cheap)));
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 990);  // 1,000 less the 1 % fee
  EXPECT_EQ(balance(protocol_fee_account()), 10);
}

TEST_F(settle_test, hold_more_than_balance_is_insufficient_funds) {
  expect_refused(errc::insufficient_funds, [&] {
    return ledger_->hold({.hold_id = id_of(0x60),
                          .renter = renter_,
                          .amount_micros = 8'000'001,
                          .subject_id = id_of(0x61),
                          .now_unix_s = now_s,
                          .expires_unix_s = now_s + 60});
  });
  expect_refused(errc::invalid_argument, [&] {
    return ledger_->hold({.hold_id = id_of(0x62),
                          .renter = renter_,
                          .amount_micros = 0,
                          .subject_id = id_of(0x61),
                          .now_unix_s = now_s,
                          .expires_unix_s = now_s + 60});
  });
  expect_refused(errc::invalid_argument, [&] {  // expires before it starts
    return ledger_->hold({.hold_id = id_of(0x63),
                          .renter = renter_,
                          .amount_micros = 1,
                          .subject_id = id_of(0x61),
                          .now_unix_s = now_s,
                          .expires_unix_s = now_s});
  });
}

TEST_F(settle_test, refund_on_expiry) {
  expect_refused(errc::invalid_argument, [&] {
    return ledger_->refund(
        {.hold_id = hold_id_, .reason = wire::RefundReason::Expired, .now_unix_s = now_s + 599});
  });
  auto none = ledger_->refund_expired(now_s + 599, 10);
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0u);
  auto refunded = ledger_->refund_expired(now_s + 600, 10);
  ASSERT_TRUE(refunded);
  EXPECT_EQ(*refunded, 1u);
  EXPECT_EQ(balance(renter_balance(renter_)), 10'000'000);
  EXPECT_EQ(ledger_->state().find_hold(hold_id_)->state, wire::HoldState::Refunded);
  reopen_and_expect_same_state();
  expect_refused(errc::already_exists,
                 [&] { return settle(seal_proof(provider_, claim(10, 10))); });
  auto again = ledger_->refund({.hold_id = hold_id_, .now_unix_s = now_s + 700});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->outcome, storage::apply_outcome::duplicate);
}

TEST_F(settle_test, refund_after_settle_is_refused) {
  ASSERT_TRUE(settle(seal_proof(provider_, claim(10, 10))));
  expect_refused(errc::already_exists, [&] { return ledger_->refund({.hold_id = hold_id_}); });
  expect_refused(errc::not_found, [&] { return ledger_->refund({.hold_id = id_of(0x70)}); });
}

TEST_F(settle_test, withdraw) {
  auto done = ledger_->withdraw(
      {.idempotency_key = id_of(0x80), .account = renter_, .amount_micros = 3'000'000});
  ASSERT_TRUE(done);
  EXPECT_EQ(balance(renter_balance(renter_)), 5'000'000);
  EXPECT_EQ(balance(external_account()), -7'000'000);
  reopen_and_expect_same_state();
  // A replay is a duplicate even though it could no longer be paid.
  ASSERT_TRUE(ledger_->withdraw(
      {.idempotency_key = id_of(0x81), .account = renter_, .amount_micros = 5'000'000}));
  auto replay = ledger_->withdraw(
      {.idempotency_key = id_of(0x80), .account = renter_, .amount_micros = 3'000'000});
  ASSERT_TRUE(replay);
  EXPECT_EQ(replay->outcome, storage::apply_outcome::duplicate);
  expect_refused(errc::insufficient_funds, [&] {
    return ledger_->withdraw(
        {.idempotency_key = id_of(0x82), .account = renter_, .amount_micros = 1});
  });
  expect_refused(errc::invalid_argument, [&] {
    return ledger_->withdraw(
        {.idempotency_key = id_of(0x83), .account = renter_, .amount_micros = -5});
  });
  expect_refused(errc::invalid_argument, [&] {
    return ledger_->withdraw({.idempotency_key = id_of(0x84),
                              .account = renter_,
                              .source = wire::AccountKind::ProviderStake,
                              .amount_micros = 1});
  });
}

TEST_F(settle_test, overflow_is_refused_and_changes_nothing) {
  // Deposits are capped at amount_micros_max (10^15); External wraps int64 after 9,223 of them.
  const int64_t max = wire::limits::amount_micros_max;
  const int64_t fit = (INT64_MAX - 10'000'000) / max;
  ASSERT_EQ(fit, 9'223);
  for (int64_t i = 0; i < fit; ++i) {
    id128 key = id_of(0xc0);
    key[0] = static_cast<uint8_t>(i);
    key[1] = static_cast<uint8_t>(i >> 8);
    auto done = ledger_->deposit(
        {.idempotency_key = key, .account = address_of(0xd0), .amount_micros = max});
    ASSERT_TRUE(done) << i << ": " << done.error().to_string();
  }
  expect_refused(errc::overflow, [&] {
    return ledger_->deposit(
        {.idempotency_key = id_of(0xc1), .account = address_of(0xd1), .amount_micros = max});
  });
  expect_refused(errc::invalid_argument, [&] {
    return ledger_->deposit(
        {.idempotency_key = id_of(0xc2), .account = address_of(0xd1), .amount_micros = max + 1});
  });
  reopen_and_expect_same_state();
}

TEST_F(settle_test, journal_records_are_balanced_and_readable) {
  ASSERT_TRUE(settle(seal_proof(provider_, claim(10, 10))));
  for (uint64_t sequence = 1; sequence <= 3; ++sequence) {
    auto stored = ledger_->journal_record(sequence);
    ASSERT_TRUE(stored);
    ASSERT_TRUE(stored->has_value());
    auto entry = unpack_journal(**stored);
    ASSERT_TRUE(entry) << entry.error().to_string();
    EXPECT_EQ(entry->sequence, sequence);
    EXPECT_GE(entry->postings.size(), 2u);
  }
  auto settle_entry = unpack_journal(**ledger_->journal_record(3));
  EXPECT_EQ(settle_entry->key.op, wire::EscrowOp::Settle);
  EXPECT_EQ(settle_entry->key.id, hold_id_);
  EXPECT_FALSE(ledger_->journal_record(4)->has_value());
}

TEST_F(settle_test, the_journal_keeps_the_sealed_request) {
  const bytes sealed =
      wire::seal(wire::samples::sample(std::type_identity<wire::Deposit>{}, provider_), provider_);
  expect_refused(errc::malformed, [&] {
    return ledger_->deposit({.idempotency_key = id_of(0x90),
                             .account = renter_,
                             .amount_micros = 1,
                             .request = bytes{1, 2, 3}});
  });
  auto done = ledger_->deposit(
      {.idempotency_key = id_of(0x90), .account = renter_, .amount_micros = 1, .request = sealed});
  ASSERT_TRUE(done);
  auto stored = wire::read_record<wire::JournalRecord>(**ledger_->journal_record(done->sequence));
  ASSERT_TRUE(stored);
  const wire::JournalRecord& record = *stored->root();
  const byte_view request = wire::view(record.request());
  EXPECT_TRUE(std::equal(request.begin(), request.end(), sealed.begin(), sealed.end()));
  EXPECT_EQ(wire::from_wire(*record.entry()->request_hash()), keccak256(sealed));
  reopen_and_expect_same_state();
}

TEST_F(settle_test, settle_batch_writes_many_settlements_at_once) {
  const id128 second_hold = id_of(0x23);
  const id128 third_hold = id_of(0x24);
  hold(second_hold, renter_, 1'000'000, id_of(0x25));
  hold(third_hold, renter_, 1'000'000, id_of(0x26));
  const bytes first_proof = seal_proof(provider_, claim(1'000, 1'000));  // costs 3,000
  const bytes second_proof = seal_proof(
      provider_, {renter_, id_of(0x25), second_hold, 10'000, 0, price_micros_});  // 15,000
  const bytes forged = seal_proof(stranger_, {renter_, id_of(0x26), third_hold, 1, 1, 1});
  const auto request = [&](const id128& hold_id, const bytes& proof) {
    return settle_request{hold_id, proof, provider_.address(), amount::from_micros(price_micros_),
                          now_s + 60};
  };
  const std::vector<settle_request> batch{
      request(hold_id_, first_proof), request(second_hold, second_proof),
      request(third_hold, forged), request(hold_id_, first_proof)};
  const uint64_t before = ledger_->state().last_sequence();
  auto slots = ledger_->settle_batch(batch);
  ASSERT_EQ(slots.size(), 4u);
  ASSERT_TRUE(slots[0] && slots[1]);
  EXPECT_EQ(slots[0]->sequence, before + 1);
  EXPECT_EQ(slots[1]->sequence, before + 2);
  ASSERT_FALSE(slots[2]);
  EXPECT_EQ(slots[2].error().code, errc::bad_signature);
  ASSERT_TRUE(slots[3]);  // the same hold again in the same batch
  EXPECT_EQ(slots[3]->outcome, storage::apply_outcome::duplicate);
  EXPECT_EQ(slots[3]->sequence, before + 1);
  EXPECT_EQ(balance(provider_earnings(provider_.address())), 3'000 - 30 + 15'000 - 150);
  EXPECT_EQ(balance(protocol_fee_account()), 180);
  EXPECT_EQ(balance(hold_account(renter_, third_hold)), 1'000'000);
  reopen_and_expect_same_state();

  const ledger_state after = ledger_->state();
  auto replay = ledger_->settle_batch(batch);
  EXPECT_EQ(replay[0]->outcome, storage::apply_outcome::duplicate);
  EXPECT_EQ(replay[1]->sequence, before + 2);
  EXPECT_FALSE(replay[2]);
  EXPECT_TRUE(ledger_->state() == after);
  auto single = settle(second_proof);
  ASSERT_TRUE(single);
  EXPECT_EQ(single->outcome, storage::apply_outcome::duplicate);
}

TEST_F(settle_test, a_failed_settle_batch_write_applies_nothing) {
  // Take the batch's store id first, so its write is refused as a duplicate.
  const uint64_t next = ledger_->state().last_sequence() + 1;
  storage::write_batch squatter;
  squatter.put(storage::column::meta, as_bytes("squatter"), as_bytes("x"));
  ASSERT_TRUE(db_->apply("escrow/batch/" + std::to_string(next), squatter));
  const ledger_state before = ledger_->state();
  const bytes proof = seal_proof(provider_, claim(10, 10));
  const std::vector<settle_request> batch{
      {hold_id_, proof, provider_.address(), amount::from_micros(price_micros_), now_s + 60}};
  auto slots = ledger_->settle_batch(batch);
  ASSERT_EQ(slots.size(), 1u);
  ASSERT_FALSE(slots[0]);
  EXPECT_EQ(slots[0].error().code, errc::corrupt);
  EXPECT_TRUE(ledger_->state() == before);
  reopen_and_expect_same_state();
  EXPECT_TRUE(settle(proof));  // a single settle still works
}

}  // namespace
}  // namespace agora::escrow::testing
