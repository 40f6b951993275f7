// The ledger's building blocks: entry_builder's merged, balanced postings, the record round
// trips of accounts and journal entries, and the basis-point and slash-split arithmetic.
#include <gtest/gtest.h>

#include <cstdint>

#include "actors/escrow/journal.hpp"
#include "actors/escrow/slashing_rules.hpp"
#include "tests/actors/escrow/ledger_fixture.hpp"

namespace agora::escrow::testing {
namespace {

TEST(entry_builder, merges_accounts_and_drops_zero_lines) {
  entry_builder entry;
  const address renter = address_of(0x01);
  entry.transfer(renter_balance(renter), hold_account(renter, id_of(1)), 500);
  entry.transfer(hold_account(renter, id_of(1)), renter_balance(renter), 200);
  entry.transfer(hold_account(renter, id_of(1)), slashed_account(), 300);
  entry.transfer(renter_balance(renter), slashed_account(), 0);
  const std::vector<posting> postings = entry.postings();
  ASSERT_EQ(postings.size(), 2u);  // the hold nets to zero and is dropped
  EXPECT_EQ(postings[0], (posting{renter_balance(renter), -300}));
  EXPECT_EQ(postings[1], (posting{slashed_account(), 300}));
}

TEST(journal_record, round_trips_and_keys_sort_by_sequence) {
  journal_entry entry;
  entry.key = op_key{wire::EscrowOp::Deposit, id_of(0x42)};
  entry.sequence = 7;
  entry.postings = {{external_account(), -10}, {renter_balance(address_of(2)), 10}};
  entry.request_hash.fill(0x5a);
  entry.created_unix_s = now_s;
  auto back = unpack_journal(pack_journal(address_of(0xe5), entry, {}));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->key, entry.key);
  EXPECT_EQ(back->sequence, 7u);
  EXPECT_EQ(back->postings, entry.postings);
  EXPECT_EQ(back->request_hash, entry.request_hash);
  EXPECT_LT(journal_storage_key(255), journal_storage_key(256));
  EXPECT_FALSE(unpack_journal(bytes{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(account_record, round_trips) {
  const account_key key = stake_unlocking(address_of(3), id_of(9));
  const account_state state{123, now_s + 60, 4};
  auto back = unpack_account(pack_account(key, state));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->first, key);
  EXPECT_EQ(back->second, state);
  EXPECT_NE(account_storage_key(key), account_storage_key(provider_stake(address_of(3))));
}

TEST(slashing_rules, basis_points_round_down_and_split_compensates_first) {
  EXPECT_EQ(apply_bps(999, 100), 9);
  EXPECT_EQ(apply_bps(INT64_MAX, basis_points_max), INT64_MAX);  // no overflow in between
  EXPECT_EQ(apply_bps(INT64_MAX, 5'000), INT64_MAX / 2);
  const slash_split partial = split_slash(1'000, 300);
  EXPECT_EQ(partial.to_renter_micros, 300);
  EXPECT_EQ(partial.to_slashed_micros, 700);
  const slash_split all = split_slash(1'000, 5'000);
  EXPECT_EQ(all.to_renter_micros, 1'000);
  EXPECT_EQ(all.to_slashed_micros, 0);
  slashing_rules rules;
  EXPECT_TRUE(is_valid(rules));
  rules.incorrect_result_bps = basis_points_max + 1;
  EXPECT_FALSE(is_valid(rules));
}

TEST(ledger_open, refuses_options_out_of_range) {
  auto db = storage::store::open(storage::store_options{.path = "/escrow", .in_memory = true});
  ASSERT_TRUE(db);
  ledger_options options;
  options.protocol_fee_bps = -1;
  auto opened = ledger::open(**db, options);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, errc::invalid_argument);
}

}  // namespace
}  // namespace agora::escrow::testing
