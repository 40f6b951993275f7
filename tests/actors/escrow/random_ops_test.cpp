// A seeded random sequence of thousands of ledger operations (every kind, valid and not) with
// conservation checked after each (options.verify), then: replaying every acknowledged
// operation changes nothing, reopening rebuilds the same state, and running the sequence on a
// fresh ledger reaches the same state (actors/escrow/ledger.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <vector>

#include "core/random.hpp"
#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::escrow::testing {
namespace {

using operation = std::function<result<receipt>(ledger&)>;

constexpr size_t operations_count = 3'000;
constexpr size_t reopen_every = 500;
constexpr uint64_t recent_window = 12;  // settles, refunds and disputes pick a recent hold
constexpr uint8_t renters_count = 6;
constexpr uint8_t providers_count = 3;

/// Builds a random operation from the PRNG; ids repeat on purpose, so some operations are
/// replays, some refer to unknown holds or disputes, and many run out of funds.
class op_generator {
 public:
  explicit op_generator(uint64_t seed) : rng_(seed) {
    for (uint8_t i = 0; i < providers_count; ++i)
      providers_.push_back(wire::samples::test_key(100 + i));
  }

  operation next() {
    now_ += static_cast<int64_t>(rng_.uniform(120));
    switch (rng_.uniform(12)) {
    case 0:
    case 1: return deposit();
    case 2: return withdraw();
    case 3:
    case 4: return hold();
    case 5:
    case 6: return settle();
    case 7: return refund();
    case 8: return stake();
    case 9: return unstake_or_release();
    case 10: return slash();
    default: return dispute_or_verdict();
    }
  }

 private:
  static id128 id_from(uint64_t n, uint8_t space) {
    id128 out{};
    for (size_t i = 0; i < 8; ++i)
      out[i] = static_cast<uint8_t>(n >> (8 * i));
    out[15] = space;  // holds and disputes count from 1 in spaces of their own
    return out;
  }
  id128 id(uint64_t range) { return id_from(rng_.uniform(range) + 1, 0); }
  /// A new id from *made (sometimes a repeat of the last one: a replay), or a recent one.
  id128 next_id(uint64_t* made, uint8_t space) {
    if (*made == 0 || rng_.uniform(8) != 0)
      ++*made;
    return id_from(*made, space);
  }
  id128 recent_id(uint64_t made, uint8_t space) {
    const uint64_t back = rng_.uniform(std::min<uint64_t>(made, recent_window) + 1);
    return id_from(made - back, space);
  }
  address renter() { return address_of(static_cast<uint8_t>(1 + rng_.uniform(renters_count))); }
  const private_key& provider() { return providers_[rng_.uniform(providers_count)]; }
  int64_t micros(int64_t max) { return static_cast<int64_t>(rng_.uniform(max + 1)); }  // 0 too

  operation deposit() {
    const deposit_request r{id(4'000), renter(), 1 + micros(5'000'000), now_};
    const address provider_account = provider().address();
    const bool to_provider = rng_.uniform(4) == 0;
    return [r, provider_account, to_provider](ledger& l) {
      deposit_request request = r;
      if (to_provider)
        request.account = provider_account;
      return l.deposit(request);
    };
  }
  operation withdraw() {
    withdraw_request r{id(4'000), renter(), wire::AccountKind::RenterBalance, micros(3'000'000),
                       now_};
    if (rng_.uniform(3) == 0) {
      r.account = provider().address();
      r.source = wire::AccountKind::ProviderEarnings;
    }
    return [r](ledger& l) { return l.withdraw(r); };
  }
  operation hold() {
    const id128 hold_id = next_id(&holds_made_, 1);
    const hold_request r{hold_id,   renter(), 1 + micros(2'000'000),    wire::HoldPurpose::Task,
                         id(1'000), now_,     now_ + 1 + micros(20'000)};
    return [r](ledger& l) { return l.hold(r); };
  }
  operation settle() {
    const private_key& key = provider();
    const id128 hold_id = recent_id(holds_made_, 1);
    const proof_claim claim{renter(),
                            id(1'000),
                            hold_id,
                            static_cast<uint32_t>(micros(400'000)),
                            static_cast<uint32_t>(micros(100'000)),
                            1 + micros(3'000'000)};
    // Most proofs name the hold's real renter and task: look them up when the op runs.
    const bool honest = rng_.uniform(5) != 0;
    const int64_t now = now_;
    return [&key, hold_id, claim, honest, now](ledger& l) -> result<receipt> {
      proof_claim c = claim;
      const hold_state* hold = l.state().find_hold(hold_id);
      if (honest && hold != nullptr) {
        c.renter = hold->renter;
        c.task_id = hold->subject_id;
      }
      return l.settle(
          {hold_id, seal_proof(key, c), key.address(), amount::from_micros(c.price_micros), now});
    };
  }
  operation refund() {
    const refund_request r{recent_id(holds_made_, 1),
                           static_cast<wire::RefundReason>(rng_.uniform(3)), now_};
    const bool sweep = rng_.uniform(3) == 0;
    return [r, sweep](ledger& l) -> result<receipt> {
      if (!sweep)
        return l.refund(r);
      auto count = l.refund_expired(r.now_unix_s, 4);  // its refunds are ops of their own
      if (!count)
        return count.error();
      return receipt{l.state().last_sequence(), storage::apply_outcome::duplicate};
    };
  }
  operation stake() {
    const stake_request r{id(4'000), provider().address(), wire::AccountKind::RenterBalance,
                          1 + micros(5'000'000), now_};
    return [r](ledger& l) { return l.stake(r); };
  }
  operation unstake_or_release() {
    const id128 key = id(50);
    const address who = provider().address();
    const int64_t now = now_;
    if (rng_.uniform(2) == 0)
      return [=](ledger& l) { return l.unstake({key, who, 1 + 100'000, now}); };
    return [=](ledger& l) { return l.release({key, who, now}); };
  }
  operation slash() {
    const slash_request r{
        id(4'000), provider().address(), static_cast<wire::SlashReason>(rng_.uniform(3)),
        renter(),  micros(500'000),      now_ - micros(30'000),
        now_};
    return [r](ledger& l) { return l.slash(r); };
  }
  operation dispute_or_verdict() {
    if (rng_.uniform(2) == 0) {
      const id128 dispute_id = next_id(&disputes_made_, 2);
      const dispute_request r{dispute_id, renter(), recent_id(holds_made_, 1), 1 + micros(100'000),
                              now_};
      const bool honest = rng_.uniform(5) != 0;  // most name the hold's real renter
      return [r, honest](ledger& l) {
        dispute_request request = r;
        if (const hold_state* hold = l.state().find_hold(r.hold_id); honest && hold != nullptr)
          request.renter = hold->renter;
        return l.dispute(request);
      };
    }
    const verdict_request r{recent_id(disputes_made_, 2),
                            static_cast<wire::VerdictOutcome>(rng_.uniform(3)), now_};
    return [r](ledger& l) { return l.decide(r); };
  }

  seeded_random rng_;
  std::vector<private_key> providers_;
  int64_t now_ = now_s;
  uint64_t holds_made_ = 0;
  uint64_t disputes_made_ = 0;
};

class random_ops_test : public ledger_test, public ::testing::WithParamInterface<uint64_t> {
 protected:
  void SetUp() override {
    options_.protocol_fee_bps = 250;
    options_.unstake_lock_s = 3'600;
    ledger_test::SetUp();
    ASSERT_TRUE(options_.verify);  // conservation is checked after every operation
  }

  /// Reads the whole journal back: every entry decodes, balances, and every EscrowOp occurs,
  /// so the sequence exercised each operation's success path.
  void expect_every_operation_kind() {
    std::map<wire::EscrowOp, size_t> counts;
    for (uint64_t sequence = 1; sequence <= ledger_->state().last_sequence(); ++sequence) {
      auto stored = ledger_->journal_record(sequence);
      ASSERT_TRUE(stored && stored->has_value());
      auto entry = unpack_journal(**stored);
      ASSERT_TRUE(entry) << entry.error().to_string();
      ++counts[entry->key.op];
    }
    for (auto op : wire::EnumValuesEscrowOp())
      EXPECT_GT(counts[op], 0u) << wire::EnumNameEscrowOp(op);
  }
};

TEST_P(random_ops_test, conserved_replayable_recoverable_and_deterministic) {
  op_generator generator(GetParam());
  std::vector<operation> ops;
  std::vector<receipt> acknowledged;
  std::vector<size_t> acknowledged_index;
  size_t refused = 0;
  for (size_t i = 0; i < operations_count; ++i) {
    ops.push_back(generator.next());
    auto done = ops.back()(*ledger_);
    if (!done) {
      ++refused;
      EXPECT_NE(done.error().code, errc::io_error) << done.error().to_string();
      EXPECT_NE(done.error().code, errc::corrupt) << done.error().to_string();
      continue;
    }
    if (done->outcome == storage::apply_outcome::applied) {
      acknowledged.push_back(*done);
      acknowledged_index.push_back(i);
    }
    if (i % reopen_every == reopen_every - 1)
      reopen_and_expect_same_state();
  }
  expect_every_operation_kind();
  EXPECT_GT(acknowledged.size(), operations_count / 3);
  EXPECT_GT(refused, operations_count / 20);
  const ledger_state final_state = ledger_->state();

  for (size_t k = 0; k < acknowledged.size(); ++k) {
    auto again = ops[acknowledged_index[k]](*ledger_);
    ASSERT_TRUE(again) << again.error().to_string();
    EXPECT_EQ(again->outcome, storage::apply_outcome::duplicate);
    EXPECT_EQ(again->sequence, acknowledged[k].sequence);
  }
  EXPECT_TRUE(ledger_->state() == final_state) << "a replay changed the ledger";
  reopen_and_expect_same_state();

  memory_ = std::make_shared<storage::memory_env>();  // a fresh store
  open_ledger();
  for (const operation& op : ops)
    (void)op(*ledger_);
  EXPECT_TRUE(ledger_->state() == final_state) << "the same sequence reached another state";
}

INSTANTIATE_TEST_SUITE_P(seeds, random_ops_test, ::testing::Values(20261123, 1, 77));

}  // namespace
}  // namespace agora::escrow::testing
