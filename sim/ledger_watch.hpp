// The simulation's money invariants (DESIGN §9, docs/SIMULATION.md "Invariants"), checked from
// outside the escrow on what the world's escrow tap observes:
//  - no hold is finished twice: a Settle or Refund that executed (not a duplicate) for a hold
//    that an earlier executed Settle or Refund already finished is a violation;
//  - money is conserved: an audit reads every account the world can hold money in (External,
//    Slashed, ProtocolFee, each party's balance, earnings and stake, every hold and dispute bond
//    ever requested) in one uninterrupted batch; the balances must sum to zero.
// A plain class: the taps and the auditor feed it; tests feed it directly (a planted bug).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "actors/common/interfaces.hpp"
#include "actors/escrow/accounts.hpp"

namespace agora::sim {

class ledger_watch {
 public:
  /// Audits this party's balance, earnings and stake from now on.
  void add_party(const address& party);
  /// A Hold or Dispute on its way to the escrow: audit its account from now on (before it
  /// executes, so no audit can miss it).
  void on_hold_requested(const address& renter, const wire::id128& hold_id);
  void on_dispute_requested(const address& renter, const wire::id128& dispute_id);
  /// A Settle (settled = true) or Refund of `hold_id` the escrow answered with `receipt`.
  void on_hold_finished(const wire::id128& hold_id, bool settled,
                        const actors::escrow_receipt& receipt);

  /// The accounts an audit reads, in a fixed order (External first).
  std::vector<escrow::account_key> audit_keys() const;
  /// The balances of audit_keys(), read in one batch. Returns their sum; non-zero is recorded.
  int64_t on_audit(std::span<const int64_t> balances);

  const std::vector<std::string>& violations() const { return violations_; }
  uint64_t settled() const { return settled_; }
  uint64_t refunded() const { return refunded_; }
  uint64_t audits() const { return audits_; }

 private:
  std::vector<address> parties_;
  std::vector<escrow::account_key> holds_and_bonds_;
  std::set<escrow::account_key> known_;
  std::map<wire::id128, bool> finished_;  // hold → finished by a Settle (true) or a Refund
  std::vector<std::string> violations_;
  uint64_t settled_ = 0;
  uint64_t refunded_ = 0;
  uint64_t audits_ = 0;
};

}  // namespace agora::sim
