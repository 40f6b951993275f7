// The simulation's money invariants (ledger_watch.hpp).
#include "sim/ledger_watch.hpp"

#include "core/assert.hpp"

namespace agora::sim {

void ledger_watch::add_party(const address& party) {
  AGORA_ASSERT(party != address{});
  parties_.push_back(party);
}

void ledger_watch::on_hold_requested(const address& renter, const wire::id128& hold_id) {
  const escrow::account_key key = escrow::hold_account(renter, hold_id);
  if (known_.insert(key).second)
    holds_and_bonds_.push_back(key);
}

void ledger_watch::on_dispute_requested(const address& renter, const wire::id128& dispute_id) {
  const escrow::account_key key = escrow::dispute_bond(renter, dispute_id);
  if (known_.insert(key).second)
    holds_and_bonds_.push_back(key);
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

std::vector<escrow::account_key> ledger_watch::audit_keys() const {
  std::vector<escrow::account_key> keys{escrow::external_account(), escrow::slashed_account(),
                                        escrow::protocol_fee_account()};
  for (const address& a : parties_)
    for (const escrow::account_key& k :
         {escrow::renter_balance(a), escrow::provider_earnings(a), escrow::provider_stake(a)})
      keys.push_back(k);
  keys.insert(keys.end(), holds_and_bonds_.begin(), holds_and_bonds_.end());
  AGORA_ASSERT(keys.size() == 3 + 3 * parties_.size() + holds_and_bonds_.size());
  return keys;
}

int64_t ledger_watch::on_audit(std::span<const int64_t> balances) {
  AGORA_ASSERT(balances.size() >= 3);  // keys grow between an audit's start and its end
  AGORA_ASSERT(balances.size() <= 3 + 3 * parties_.size() + holds_and_bonds_.size());
  int64_t sum = 0;
  for (int64_t b : balances)
    sum += b;
  ++audits_;
  if (sum != 0)
    violations_.push_back("money not conserved: " + std::to_string(balances.size()) +
                          " accounts sum to " + std::to_string(sum) + " micros (audit " +
                          std::to_string(audits_) + ")");
  return sum;
}

}  // namespace agora::sim
