// The simulation's money invariants (ledger_watch.hpp).
#include "sim/ledger_watch.hpp"

#include "core/assert.hpp"

namespace agora::sim {

void ledger_watch::add_party(const address& party) {
  AGORA_ASSERT(party != address{});
  parties_.push_back(party);
  touch_party(party);
}

void ledger_watch::open(const address& owner, const escrow::account_key& key) {
  if (open_.emplace(key, open_account{owner, false}).second)
    open_by_owner_[owner].insert(key);
}

void ledger_watch::on_hold_requested(const address& renter, const wire::id128& hold_id,
                                     const wire::id128& subject) {
  open(renter, escrow::hold_account(renter, hold_id));
  hold_renter_.emplace(hold_id, renter);
  task_renter_.emplace(subject, renter);
  touch_party(renter);
}

void ledger_watch::on_dispute_requested(const address& renter, const wire::id128& dispute_id,
                                        const address& provider) {
  open(renter, escrow::dispute_bond(renter, dispute_id));
  dispute_parties_.emplace(dispute_id, std::pair{renter, provider});
  touch_party(renter);
  touch_party(provider);
}

void ledger_watch::on_opened(const escrow::account_key& key, bool executed) {
  auto it = open_.find(key);
  if (it == open_.end())
    return;
  if (executed) {
    it->second.executed = true;
    return;
  }
  // Refused: it never held money. Drop it unless an earlier request for it executed.
  if (!it->second.executed && cached(key) == 0) {
    open_by_owner_[it->second.owner].erase(key);
    cache_.erase(key);
    open_.erase(it);
  }
}

void ledger_watch::on_hold_finished(const wire::id128& hold_id, bool settled,
                                    const actors::escrow_receipt& receipt) {
  if (receipt.duplicate)
    return;  // the escrow recognised a replay: nothing moved
  AGORA_ASSERT(receipt.sequence > 0);
  auto [it, first] = finished_.emplace(hold_id, settled);
  if (!first) {
    violations_.push_back("hold " + to_hex0x(hold_id) + (settled ? " settled" : " refunded") +
                          " after it was " + (it->second ? "settled" : "refunded") +
                          " (journal sequence " + std::to_string(receipt.sequence) + ")");
    return;
  }
  ++(settled ? settled_ : refunded_);
}

// -------------------------------------------------------------------------------------------------
// Dirty accounts

void ledger_watch::mark(const escrow::account_key& key) {
  dirty_.insert(key);
  if (tracking_)
    touched({&key, 1});
}

void ledger_watch::touched(std::span<const escrow::account_key> keys) {
  if (!tracking_ || keys.empty())
    return;
  touched_.insert(keys.begin(), keys.end());
  // Any request may move the system accounts too (fees, slashes, deposits).
  touched_.insert(escrow::external_account());
  touched_.insert(escrow::slashed_account());
  touched_.insert(escrow::protocol_fee_account());
}

void ledger_watch::touch_party(const address& party) {
  mark(escrow::renter_balance(party));
  mark(escrow::provider_earnings(party));
  mark(escrow::provider_stake(party));
  auto it = open_by_owner_.find(party);
  if (it != open_by_owner_.end())
    for (const escrow::account_key& k : it->second)
      mark(k);
}

void ledger_watch::touch_hold(const wire::id128& hold_id) {
  auto it = hold_renter_.find(hold_id);
  if (it != hold_renter_.end())
    touch_party(it->second);
}

void ledger_watch::touch_task(const wire::id128& task_id) {
  auto it = task_renter_.find(task_id);
  if (it != task_renter_.end())
    touch_party(it->second);
}

void ledger_watch::touch_dispute(const wire::id128& dispute_id) {
  auto it = dispute_parties_.find(dispute_id);
  if (it == dispute_parties_.end())
    return touch_all();
  touch_party(it->second.first);
  touch_party(it->second.second);
}

void ledger_watch::touch_all() {
  for (const address& a : parties_)
    touch_party(a);
}

std::vector<escrow::account_key> ledger_watch::take_dirty() {
  if (dirty_.empty())
    return {};
  std::vector<escrow::account_key> keys{escrow::external_account(), escrow::slashed_account(),
                                        escrow::protocol_fee_account()};
  for (const escrow::account_key& k : dirty_)
    if (k != keys[0] && k != keys[1] && k != keys[2])
      keys.push_back(k);
  dirty_.clear();
  AGORA_ASSERT(keys.size() >= 3);
  return keys;
}

std::vector<escrow::account_key> ledger_watch::audit_keys() const {
  std::vector<escrow::account_key> keys{escrow::external_account(), escrow::slashed_account(),
                                        escrow::protocol_fee_account()};
  for (const address& a : parties_)
    for (const escrow::account_key& k :
         {escrow::renter_balance(a), escrow::provider_earnings(a), escrow::provider_stake(a)})
      keys.push_back(k);
  for (const auto& [key, account] : open_)
    keys.push_back(key);
  AGORA_ASSERT(keys.size() == 3 + 3 * parties_.size() + open_.size());
  return keys;
}

// -------------------------------------------------------------------------------------------------
// Reads

int64_t ledger_watch::on_read(std::span<const escrow::account_key> keys,
                              std::span<const int64_t> balances) {
  AGORA_ASSERT(keys.size() == balances.size());
  AGORA_ASSERT(!keys.empty());
  for (size_t i = 0; i < keys.size(); ++i) {
    int64_t& slot = cache_[keys[i]];
    cache_sum_ += balances[i] - slot;
    slot = balances[i];
    auto it = open_.find(keys[i]);
    if (it != open_.end() && it->second.executed && balances[i] == 0) {  // closed for good
      open_by_owner_[it->second.owner].erase(keys[i]);
      open_.erase(it);
      cache_.erase(keys[i]);
    }
  }
  ++audits_;
  if (cache_sum_ != 0)
    violations_.push_back("money not conserved: " + std::to_string(cache_.size()) +
                          " accounts sum to " + std::to_string(cache_sum_) + " micros (audit " +
                          std::to_string(audits_) + ", " + std::to_string(keys.size()) +
                          " accounts read)");
  return cache_sum_;
}

void ledger_watch::on_read_failed(std::span<const escrow::account_key> keys) {
  for (const escrow::account_key& k : keys)
    mark(k);
}

// -------------------------------------------------------------------------------------------------
// Restarts

void ledger_watch::track_touches() {
  if (tracking_)
    return;  // a restart not yet checked: keep what it excludes
  tracking_ = true;
  const std::vector<escrow::account_key> dirty(dirty_.begin(), dirty_.end());
  touched(dirty);  // marked but not read yet: they may change before the crash
}

void ledger_watch::remember_before_crash() {
  AGORA_ASSERT(tracking_);
  before_crash_ = cache_;
  const std::vector<escrow::account_key> dirty(dirty_.begin(), dirty_.end());
  touched(dirty);
}

size_t ledger_watch::check_after_restart(std::span<const escrow::account_key> keys,
                                         std::span<const int64_t> balances) {
  AGORA_ASSERT(keys.size() == balances.size());
  AGORA_ASSERT(tracking_);
  size_t compared = 0;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto before = before_crash_.find(keys[i]);
    if (before == before_crash_.end() || touched_.contains(keys[i]))
      continue;  // never read, or a request since the last read before the crash may move it
    ++compared;
    if (before->second != balances[i])
      violations_.push_back("after the escrow restarted, an account of kind " +
                            std::to_string(static_cast<int>(keys[i].kind)) + " reads " +
                            std::to_string(balances[i]) + " micros; before the crash it read " +
                            std::to_string(before->second));
  }
  tracking_ = false;
  touched_.clear();
  before_crash_.clear();
  return compared;
}

size_t ledger_watch::open_accounts() const {
  size_t n = 0;
  for (const auto& [key, account] : open_)
    n += account.executed ? 1 : 0;
  return n;
}

int64_t ledger_watch::cached(const escrow::account_key& key) const {
  auto it = cache_.find(key);
  return it == cache_.end() ? 0 : it->second;
}

}  // namespace agora::sim
