// ledger::apply_batch (actors/escrow/ledger.hpp): a batch of mixed operations leaves exactly the
// balances and journal that the same operations one by one leave, and the proofs of a batch
// opened on several threads give exactly the serial outcome.
#include <gtest/gtest.h>

#include <vector>

#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::escrow::testing {
namespace {

class batch_test : public ledger_test {
 protected:
  /// A second ledger over its own store, with the same options.
  struct twin {
    std::shared_ptr<storage::memory_env> memory = std::make_shared<storage::memory_env>();
    std::unique_ptr<storage::store> db;
    std::unique_ptr<ledger> l;
  };

  twin open_twin(const ledger_options& options) {
    twin t;
    auto db = storage::store::open({.path = "/escrow", .in_memory = true, .memory = t.memory});
    EXPECT_TRUE(db) << db.error().to_string();
    t.db = std::move(*db);
    auto opened = ledger::open(*t.db, options);
    EXPECT_TRUE(opened) << opened.error().to_string();
    t.l = std::move(*opened);
    return t;
  }

  settle_request settle_of(const id128& hold_id, const bytes& proof) const {
    return {hold_id, proof, provider_.address(), amount::from_micros(price_micros_), now_s + 60};
  }

  hold_request hold_of(uint8_t n, int64_t micros) const {
    return {.hold_id = id_of(n),
            .renter = renter_,
            .amount_micros = micros,
            .subject_id = id_of(0x80 + n),
            .now_unix_s = now_s,
            .expires_unix_s = now_s + 600};
  }

  bytes proof_for(uint8_t n, const private_key& key) const {
    return seal_proof(key, {renter_, id_of(0x80 + n), id_of(n), 1'000, 1'000, price_micros_});
  }

  /// Slot by slot: the same receipt, or the same error code.
  static void expect_same_slots(const std::vector<result<receipt>>& a,
                                const std::vector<result<receipt>>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].ok(), b[i].ok()) << "slot " << i;
      if (a[i]) {
        EXPECT_EQ(a[i]->sequence, b[i]->sequence) << "slot " << i;
        EXPECT_EQ(a[i]->outcome, b[i]->outcome) << "slot " << i;
      } else {
        EXPECT_EQ(a[i].error().code, b[i].error().code) << "slot " << i;
      }
    }
  }

  private_key provider_ = wire::samples::test_key(7);
  private_key stranger_ = wire::samples::test_key(8);
  address renter_ = address_of(0x33);
  int64_t price_micros_ = 1'500'000;
};

TEST_F(batch_test, mixed_batch_equals_the_same_operations_one_by_one) {
  const bytes proof = proof_for(2, provider_);
  const bytes forged = seal_proof(stranger_, {renter_, id_of(0x83), id_of(3), 1, 1, 1});
  const std::vector<batch_op> ops{
      deposit_request{.idempotency_key = id_of(1),
                      .account = renter_,
                      .amount_micros = 5'000'000,
                      .now_unix_s = now_s},
      hold_of(2, 2'000'000),
      hold_of(3, 2'000'000),
      hold_of(4, 2'000'000),  // short: 1,000,000 left
      settle_of(id_of(2), proof),
      hold_of(4, 2'000'000),  // fits now: the settlement gave back 1,997,000
      settle_of(id_of(3), forged),
      refund_request{.hold_id = id_of(3), .now_unix_s = now_s},
      withdraw_request{.idempotency_key = id_of(5),
                       .account = renter_,
                       .amount_micros = 1'000,
                       .now_unix_s = now_s},
      hold_of(2, 2'000'000),                                     // a duplicate of the first hold
      settle_of(id_of(2), proof),                                // a duplicate of the settlement
      refund_request{.hold_id = id_of(9), .now_unix_s = now_s},  // no such hold
  };
  auto batched = ledger_->apply_batch(ops);

  twin single = open_twin(options_);
  std::vector<result<receipt>> one_by_one;
  for (const batch_op& op : ops)
    one_by_one.push_back(std::visit(
        [&](const auto& r) -> result<receipt> {
          using request = std::decay_t<decltype(r)>;
          if constexpr (std::is_same_v<request, deposit_request>)
            return single.l->deposit(r);
          else if constexpr (std::is_same_v<request, withdraw_request>)
            return single.l->withdraw(r);
          else if constexpr (std::is_same_v<request, hold_request>)
            return single.l->hold(r);
          else if constexpr (std::is_same_v<request, settle_request>)
            return single.l->settle(r);
          else
            return single.l->refund(r);
        },
        op));
  expect_same_slots(batched, one_by_one);
  ASSERT_FALSE(batched[3]);
  EXPECT_EQ(batched[3].error().code, errc::insufficient_funds);
  ASSERT_TRUE(batched[5]);
  EXPECT_EQ(batched[10]->outcome, storage::apply_outcome::duplicate);
  EXPECT_TRUE(ledger_->state() == single.l->state());
  for (uint64_t sequence = 1; sequence <= ledger_->state().last_sequence(); ++sequence) {
    auto mine = ledger_->journal_record(sequence);
    auto theirs = single.l->journal_record(sequence);
    ASSERT_TRUE(mine && theirs && mine->has_value() && theirs->has_value());
    EXPECT_EQ(**mine, **theirs) << "journal record " << sequence;
  }
  reopen_and_expect_same_state();
}

TEST_F(batch_test, proofs_opened_on_several_threads_give_the_serial_outcome) {
  deposit(renter_, 1'000'000'000, 0x01);
  std::vector<bytes> proofs;
  std::vector<batch_op> ops;
  for (uint8_t n = 1; n <= 60; ++n) {
    hold(id_of(n), renter_, 1'000'000, id_of(0x80 + n));
    proofs.push_back(n % 7 == 0 ? proof_for(n, stranger_) : proof_for(n, provider_));
    if (n % 11 == 0)
      proofs.back()[proofs.back().size() / 2] ^= 1;  // a broken envelope
  }
  for (uint8_t n = 1; n <= 60; ++n)
    ops.push_back(settle_of(id_of(n), proofs[n - 1]));
  ops.push_back(settle_of(id_of(5), proofs[4]));  // a duplicate at the end

  ledger_options serial = options_;
  serial.proof_threads = 1;
  twin one = open_twin(serial);
  ledger_options parallel = options_;
  parallel.proof_threads = 4;
  twin four = open_twin(parallel);
  for (twin* t : {&one, &four}) {
    ASSERT_TRUE(t->l->deposit({.idempotency_key = id_of(0x01),
                               .account = renter_,
                               .amount_micros = 1'000'000'000,
                               .now_unix_s = now_s}));
    for (uint8_t n = 1; n <= 60; ++n)
      ASSERT_TRUE(t->l->hold(hold_of(n, 1'000'000)));
  }
  auto serial_slots = one.l->apply_batch(ops);
  auto parallel_slots = four.l->apply_batch(ops);
  auto default_slots = ledger_->apply_batch(ops);
  expect_same_slots(serial_slots, parallel_slots);
  expect_same_slots(serial_slots, default_slots);
  EXPECT_TRUE(one.l->state() == four.l->state());
  size_t refused = 0;
  for (const auto& slot : serial_slots)
    refused += slot ? 0 : 1;
  EXPECT_GT(refused, 5u);  // the stranger's and the broken proofs
  EXPECT_LT(refused, 20u);
}

TEST_F(batch_test, proof_threads_out_of_range_are_refused) {
  ledger_options o = options_;
  o.proof_threads = 0;
  EXPECT_EQ(ledger::open(*db_, o).error().code, errc::invalid_argument);
  o.proof_threads = proof_threads_max + 1;
  EXPECT_EQ(ledger::open(*db_, o).error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora::escrow::testing
