// The ledger's in-memory state: applying entries, recovery from the store and the O(n)
// conservation check (ledger_state.hpp).
#include "actors/escrow/ledger_state.hpp"

#include <climits>
#include <functional>
#include <string>

#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "storage/keys.hpp"
#include "storage/store.hpp"

namespace agora::escrow {

namespace {

// Entries per bounded scan while loading; the scan resumes after the last key it saw.
constexpr size_t load_page_entries = 4096;

using record_visit = std::function<status(byte_view value)>;

/// Visits every value in col whose key starts with tag, in key order, page by page.
status scan_tag(const storage::store& db, storage::column col, uint8_t tag,
                const record_visit& visit) {
  const bytes prefix{tag};
  const std::optional<bytes> end = storage::prefix_end(prefix);
  bytes begin = prefix;
  status failure;
  for (;;) {
    bytes last;
    auto stats =
        db.scan_range(col, begin, end ? std::optional<byte_view>(*end) : std::nullopt,
                      load_page_entries, [&](byte_view key, byte_view value) {
                        last.assign(key.begin(), key.end());
                        failure = visit(value);
                        return failure ? storage::scan_step::next : storage::scan_step::stop;
                      });
    if (!stats)
      return stats.error();
    if (!failure)
      return failure;
    if (!stats->truncated)
      return {};
    AGORA_ASSERT(!last.empty());
    begin = last;
    begin.push_back(0);  // the smallest key after `last`
  }
}

result<std::pair<id128, hold_state>> unpack_hold(byte_view value) {
  auto stored = wire::read_record<wire::HoldRecord>(value);
  if (!stored)
    return stored.error();
  const wire::HoldRecord& r = *stored->root();
  if (r.provider() == nullptr || r.state() > wire::HoldState::MAX)
    return make_error(errc::corrupt, "HoldRecord without a provider or with a bad state");
  hold_state hold{wire::from_wire(*r.renter()),
                  r.purpose(),
                  wire::from_wire(*r.subject_id()),
                  r.amount_micros(),
                  r.remaining_micros(),
                  r.state(),
                  r.created_unix_s(),
                  r.expires_unix_s(),
                  wire::from_wire(*r.provider()),
                  r.settled_micros(),
                  r.fee_micros(),
                  r.settled_unix_s()};
  return std::pair{wire::from_wire(*r.hold_id()), hold};
}

result<std::pair<id128, dispute_state>> unpack_dispute(byte_view value) {
  auto stored = wire::read_record<wire::DisputeRecord>(value);
  if (!stored)
    return stored.error();
  const wire::DisputeRecord& r = *stored->root();
  if (r.hold_id() == nullptr || r.renter() == nullptr || r.provider() == nullptr)
    return make_error(errc::corrupt, "DisputeRecord without its hold, renter or provider");
  dispute_state dispute{wire::from_wire(*r.hold_id()),
                        wire::from_wire(*r.renter()),
                        wire::from_wire(*r.provider()),
                        r.bond_micros(),
                        r.state(),
                        r.outcome(),
                        r.opened_unix_s(),
                        r.window_ends_unix_s()};
  return std::pair{wire::from_wire(*r.dispute_id()), dispute};
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Records

bytes hold_storage_key(const id128& hold_id) {
  storage::key_builder builder;
  builder.u8(hold_key_tag).fixed(hold_id);
  return builder.take();
}

bytes dispute_storage_key(const id128& dispute_id) {
  storage::key_builder builder;
  builder.u8(dispute_key_tag).fixed(dispute_id);
  return builder.take();
}

bytes pack_hold(const id128& hold_id, const hold_state& hold) {
  AGORA_ASSERT(hold.remaining_micros >= 0 && hold.remaining_micros <= hold.amount_micros);
  AGORA_ASSERT((hold.state == wire::HoldState::Active) == (hold.remaining_micros > 0));
  wire::HoldRecordT r;  // request stays empty: the sealed Hold is in its journal record
  r.hold_id = wire::to_wire(hold_id);
  r.renter = wire::to_wire(hold.renter);
  r.purpose = hold.purpose;
  r.subject_id = wire::to_wire(hold.subject_id);
  r.amount_micros = hold.amount_micros;
  r.remaining_micros = hold.remaining_micros;
  r.state = hold.state;
  r.expires_unix_s = hold.expires_unix_s;
  r.created_unix_s = hold.created_unix_s;
  r.provider = wire::to_wire(hold.provider);
  r.settled_micros = hold.settled_micros;
  r.fee_micros = hold.fee_micros;
  r.settled_unix_s = hold.settled_unix_s;
  return wire::pack(r);
}

bytes pack_dispute(const id128& dispute_id, const dispute_state& dispute) {
  AGORA_ASSERT(dispute.bond_micros > 0);
  wire::DisputeRecordT r;  // dispute and verdict stay empty: both are in the journal
  r.dispute_id = wire::to_wire(dispute_id);
  r.state = dispute.state;
  r.window_ends_unix_s = dispute.window_ends_unix_s;
  r.hold_id = wire::to_wire(dispute.hold_id);
  r.renter = wire::to_wire(dispute.renter);
  r.provider = wire::to_wire(dispute.provider);
  r.bond_micros = dispute.bond_micros;
  r.outcome = dispute.outcome;
  r.opened_unix_s = dispute.opened_unix_s;
  return wire::pack(r);
}

// ------------------------------------------------------------------------------------------------
// Recovery

result<ledger_state> ledger_state::load(const storage::store& db) {
  ledger_state s;
  auto st = scan_tag(db, storage::column::accounts, account_key_tag, [&](byte_view v) -> status {
    auto account = unpack_account(v);
    if (!account)
      return account.error();
    s.add_account(account->first, account->second);
    return {};
  });
  if (st)
    st = scan_tag(db, storage::column::accounts, hold_key_tag, [&](byte_view v) -> status {
      auto hold = unpack_hold(v);
      if (!hold)
        return hold.error();
      s.put_hold(hold->first, hold->second);
      return {};
    });
  if (st)
    st = scan_tag(db, storage::column::journal, journal_key_tag, [&](byte_view v) -> status {
      auto entry = unpack_journal(v);
      if (!entry)
        return entry.error();
      if (entry->sequence != s.last_sequence_ + 1)
        return make_error(errc::corrupt, "journal sequence gap");
      s.add_applied(entry->key, entry->sequence);
      return {};
    });
  if (st)
    st = scan_tag(db, storage::column::journal, dispute_key_tag, [&](byte_view v) -> status {
      auto dispute = unpack_dispute(v);
      if (!dispute)
        return dispute.error();
      s.put_dispute(dispute->first, dispute->second);
      return {};
    });
  if (!st)
    return st.error();
  __int128 sum = 0;
  for (int64_t total : s.totals_)
    sum += total;
  if (sum != 0)
    return make_error(errc::corrupt, "stored balances do not sum to zero");
  return s;
}

// ------------------------------------------------------------------------------------------------
// Queries

int64_t ledger_state::balance(const account_key& key) const {
  const account_state* account = find_account(key);
  return account == nullptr ? 0 : account->balance_micros;
}

const account_state* ledger_state::find_account(const account_key& key) const {
  auto it = accounts_.find(key);
  return it == accounts_.end() ? nullptr : &it->second;
}

const hold_state* ledger_state::find_hold(const id128& hold_id) const {
  auto it = holds_.find(hold_id);
  return it == holds_.end() ? nullptr : &it->second;
}

const dispute_state* ledger_state::find_dispute(const id128& dispute_id) const {
  auto it = disputes_.find(dispute_id);
  return it == disputes_.end() ? nullptr : &it->second;
}

std::optional<uint64_t> ledger_state::find_applied(const op_key& key) const {
  auto it = applied_.find(key);
  if (it == applied_.end())
    return std::nullopt;
  return it->second;
}

// ------------------------------------------------------------------------------------------------
// Changes

result<std::vector<std::pair<account_key, account_state>>>
ledger_state::preview(const journal_entry& entry, int64_t unlock_unix_s) const {
  std::vector<std::pair<account_key, account_state>> out;
  for (const posting& p : entry.postings) {
    account_state next;
    if (const account_state* old = find_account(p.account))
      next = *old;
    const int64_t before = next.balance_micros;
    // INT64_MIN is out too: the other kinds' totals, which sum to −External, must fit int64.
    if (__builtin_add_overflow(before, p.amount_micros, &next.balance_micros) ||
        next.balance_micros == INT64_MIN)
      return make_error(errc::overflow, "a balance would leave the int64 range");
    if (next.balance_micros < 0 && !may_go_negative(p.account.kind))
      return make_error(errc::insufficient_funds,
                        wire::EnumNameAccountKind(p.account.kind) + std::string(" of ") +
                            p.account.owner.to_string() + " holds " + std::to_string(before) +
                            " micros, needs " + std::to_string(-p.amount_micros));
    next.last_sequence = entry.sequence;
    if (p.account.kind == wire::AccountKind::StakeUnlocking && p.amount_micros > 0)
      next.unlock_unix_s = unlock_unix_s;
    out.emplace_back(p.account, next);
  }
  return out;
}

void ledger_state::apply(const journal_entry& entry, int64_t unlock_unix_s) {
  AGORA_ASSERT(entry.sequence == last_sequence_ + 1);
  AGORA_ASSERT(!applied_.contains(entry.key));
  auto next = preview(entry, unlock_unix_s);
  AGORA_ASSERT(next.ok());
  for (const auto& [key, account] : *next)
    set_balance(key, account);
  add_applied(entry.key, entry.sequence);
}

void ledger_state::set_balance(const account_key& key, const account_state& state) {
  AGORA_ASSERT(state.balance_micros >= 0 || may_go_negative(key.kind));
  const int64_t old = balance(key);
  int64_t& total = totals_[static_cast<size_t>(key.kind)];
  const bool wrapped = __builtin_add_overflow(total, state.balance_micros - old, &total);
  AGORA_ASSERT(!wrapped);
  if (state.balance_micros == 0)
    accounts_.erase(key);
  else
    accounts_[key] = state;
}

void ledger_state::add_account(const account_key& key, const account_state& state) {
  AGORA_ASSERT(!accounts_.contains(key));
  set_balance(key, state);
}

void ledger_state::add_applied(const op_key& key, uint64_t sequence) {
  AGORA_ASSERT(sequence == last_sequence_ + 1);
  applied_.emplace(key, sequence);
  last_sequence_ = sequence;
}

void ledger_state::put_hold(const id128& hold_id, const hold_state& hold) {
  if (const hold_state* old = find_hold(hold_id); old && old->state == wire::HoldState::Active)
    expiring_.erase({old->expires_unix_s, hold_id});
  if (hold.state == wire::HoldState::Active)
    expiring_.insert({hold.expires_unix_s, hold_id});
  holds_[hold_id] = hold;
}

void ledger_state::put_dispute(const id128& dispute_id, const dispute_state& dispute) {
  disputes_[dispute_id] = dispute;
  disputed_holds_.insert(dispute.hold_id);
}

// ------------------------------------------------------------------------------------------------
// The O(n) check

void ledger_state::verify() const {
  kind_totals recomputed{};
  __int128 sum = 0;
  for (const auto& [key, account] : accounts_) {
    AGORA_ASSERT(account.balance_micros != 0);
    AGORA_ASSERT(account.balance_micros > 0 || may_go_negative(key.kind));
    recomputed[static_cast<size_t>(key.kind)] += account.balance_micros;
    sum += account.balance_micros;
  }
  AGORA_ASSERT(recomputed == totals_);
  AGORA_ASSERT(sum == 0);
  for (const auto& [hold_id, hold] : holds_) {
    const int64_t held = balance(hold_account(hold.renter, hold_id));
    AGORA_ASSERT(held == hold.remaining_micros);
    AGORA_ASSERT((hold.state == wire::HoldState::Active) == (held > 0));
  }
  for (const auto& [dispute_id, dispute] : disputes_) {
    const int64_t bond = balance(dispute_bond(dispute.renter, dispute_id));
    AGORA_ASSERT(bond == (dispute.state == wire::DisputeState::Open ? dispute.bond_micros : 0));
  }
}

}  // namespace agora::escrow
