// The escrow ledger's in-memory state (DESIGN §6, §7): balances, holds, disputes, the executed
// operations and running totals per account kind. It is a cache of the `accounts` and `journal`
// families: the ledger changes it only after the RocksDB batch that records the same change
// succeeded, and load() rebuilds it from those families on start.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "actors/escrow/accounts.hpp"
#include "actors/escrow/journal.hpp"
#include "core/error.hpp"
#include "schemas/records_generated.h"
#include "storage/fwd.hpp"

namespace agora::escrow {

/// A hold: money set aside for one task or rental (HoldRecord).
struct hold_state {
  address renter;
  wire::HoldPurpose purpose = wire::HoldPurpose::Task;
  id128 subject_id{};  // the task id or rental session id
  int64_t amount_micros = 0;
  int64_t remaining_micros = 0;  // still in the Hold account; 0 once settled or refunded
  wire::HoldState state = wire::HoldState::Active;
  int64_t created_unix_s = 0;
  int64_t expires_unix_s = 0;
  address provider;            // set at settlement
  int64_t settled_micros = 0;  // the cost charged, fee included
  int64_t fee_micros = 0;      // the protocol's part of settled_micros
  int64_t settled_unix_s = 0;  // 0: not settled

  bool operator==(const hold_state&) const = default;
};

/// A dispute over a settled hold (DisputeRecord).
struct dispute_state {
  id128 hold_id{};
  address renter;
  address provider;
  int64_t bond_micros = 0;
  wire::DisputeState state = wire::DisputeState::Open;
  wire::VerdictOutcome outcome = wire::VerdictOutcome::Inconclusive;  // once Decided
  int64_t opened_unix_s = 0;
  int64_t window_ends_unix_s = 0;  // the end of the window it was opened in

  bool operator==(const dispute_state&) const = default;
};

/// Storage of holds (family `accounts`, tag 2) and disputes (family `journal`, tag 2).
inline constexpr uint8_t hold_key_tag = 2;
inline constexpr uint8_t dispute_key_tag = 2;
bytes hold_storage_key(const id128& hold_id);
bytes dispute_storage_key(const id128& dispute_id);
bytes pack_hold(const id128& hold_id, const hold_state& hold);
bytes pack_dispute(const id128& dispute_id, const dispute_state& dispute);

/// Everything the ledger knows. Two states are equal when every balance, hold, dispute and
/// executed operation is; recovery must reproduce the state exactly.
class ledger_state {
 public:
  using kind_totals = std::array<int64_t, static_cast<size_t>(wire::AccountKind::MAX) + 1>;

  /// Rebuilds a state from the escrow's records in `db`. corrupt if a record does not verify
  /// or the balances do not sum to zero.
  static result<ledger_state> load(const storage::store& db);

  /// The balance of an account; 0 for one that does not exist.
  int64_t balance(const account_key& key) const;
  const std::map<account_key, account_state>& accounts() const { return accounts_; }
  const account_state* find_account(const account_key& key) const;
  const hold_state* find_hold(const id128& hold_id) const;
  const dispute_state* find_dispute(const id128& dispute_id) const;
  const std::map<id128, hold_state>& holds() const { return holds_; }
  const std::map<id128, dispute_state>& disputes() const { return disputes_; }
  /// The sequence of the entry that executed key, if any.
  std::optional<uint64_t> find_applied(const op_key& key) const;
  /// Whether a dispute (open or decided) names this hold: a hold is disputed once.
  bool is_disputed(const id128& hold_id) const { return disputed_holds_.contains(hold_id); }
  /// Active holds in order of expiry: (expires_unix_s, hold id).
  const std::set<std::pair<int64_t, id128>>& active_by_expiry() const { return expiring_; }
  uint64_t last_sequence() const { return last_sequence_; }
  /// The sum of balances per account kind, kept up to date by every posting.
  const kind_totals& totals() const { return totals_; }

  /// The accounts an entry's postings would leave, each with its new state, or the reason it
  /// may not run: overflow when a balance would wrap, insufficient_funds when an account other
  /// than External would go negative. Changes nothing.
  result<std::vector<std::pair<account_key, account_state>>> preview(const journal_entry& entry,
                                                                     int64_t unlock_unix_s) const;
  /// Applies a journal entry's postings and records its op key. unlock_unix_s is set on every
  /// StakeUnlocking account the entry credits. REQUIRES: entry.sequence == last_sequence() + 1,
  /// preview(entry, unlock_unix_s) succeeds (the ledger checked it before writing).
  void apply(const journal_entry& entry, int64_t unlock_unix_s);
  void put_hold(const id128& hold_id, const hold_state& hold);
  void put_dispute(const id128& dispute_id, const dispute_state& dispute);

  /// The O(n) check (style §3, "one verify flag"): recomputes every kind total from the
  /// accounts, asserts they equal totals() and that all balances sum to zero, and that only
  /// External is negative. Aborts on failure: a broken ledger must not run on.
  void verify() const;

  bool operator==(const ledger_state&) const = default;

 private:
  void set_balance(const account_key& key, const account_state& state);
  void add_account(const account_key& key, const account_state& state);
  void add_applied(const op_key& key, uint64_t sequence);

  std::map<account_key, account_state> accounts_;
  std::map<id128, hold_state> holds_;
  std::map<id128, dispute_state> disputes_;
  std::map<op_key, uint64_t> applied_;
  std::set<id128> disputed_holds_;                // derived from disputes_
  std::set<std::pair<int64_t, id128>> expiring_;  // derived from holds_
  kind_totals totals_{};                          // derived from accounts_
  uint64_t last_sequence_ = 0;
};

}  // namespace agora::escrow
