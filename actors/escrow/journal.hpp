// The escrow's journal (DESIGN §6; docs/PROTOCOL.md "Escrow"): every operation is one balanced
// double-entry JournalEntry. entry_builder collects an operation's transfers into postings that
// sum to zero; this file also names each operation's idempotency key and stores entries in the
// `journal` family as JournalRecords keyed by sequence.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <vector>

#include "actors/escrow/accounts.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/escrow_generated.h"

namespace agora::escrow {

/// What makes an operation unique: a retried or replayed request with the same op_key is the
/// same operation. Deposit, Withdraw, Stake, Unstake and Slash use the request's idempotency
/// key; Hold, Settle and Refund the hold id; UnstakeRelease the Unstake's key; Dispute and
/// Verdict the dispute id. The op is part of the key, so settling and refunding one hold differ.
struct op_key {
  wire::EscrowOp op = wire::EscrowOp::Deposit;
  id128 id{};

  auto operator<=>(const op_key&) const = default;
  bool operator==(const op_key&) const = default;
};

/// The idempotency id handed to storage::store::apply: "escrow/", the op, the 16 id bytes.
std::string batch_id(const op_key& key);

/// One line of an entry: amount_micros is added to the account (negative: taken away).
struct posting {
  account_key account;
  int64_t amount_micros = 0;

  bool operator==(const posting&) const = default;
};

/// Collects an operation's transfers into postings: one per account, zero ones dropped, in
/// first-touched order. Balanced by construction; postings() asserts it.
class entry_builder {
 public:
  /// Moves amount_micros from `from` to `to`; zero adds nothing.
  /// REQUIRES: amount_micros ≥ 0, from != to.
  void transfer(const account_key& from, const account_key& to, int64_t amount_micros);
  /// The merged non-zero postings. Asserts that they sum to zero and fit one JournalEntry.
  std::vector<posting> postings() const;

 private:
  void add(const account_key& account, int64_t amount_micros);
  std::vector<posting> lines_;
};

/// A journal entry as the ledger keeps and recovers it.
struct journal_entry {
  op_key key;
  uint64_t sequence = 0;  // from 1
  std::vector<posting> postings;
  hash256 request_hash{};  // keccak-256 of the request bytes; zero when there were none
  int64_t created_unix_s = 0;
};

/// The first byte of journal keys in the `journal` family (dispute records use another tag).
inline constexpr uint8_t journal_key_tag = 1;

/// (tag, be64 sequence): entries sort by sequence.
bytes journal_storage_key(uint64_t sequence);
/// A JournalRecord: the entry signed-to-be by `escrow` and the request it executed.
/// REQUIRES: entry.postings balanced, 2..postings_max of them.
bytes pack_journal(const address& escrow, const journal_entry& entry, byte_view request);
/// Reads a JournalRecord back; corrupt if it does not verify or does not balance.
result<journal_entry> unpack_journal(byte_view value);

}  // namespace agora::escrow
