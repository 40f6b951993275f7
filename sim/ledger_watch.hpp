// The simulation's money invariants (DESIGN §9, docs/SIMULATION.md "Invariants"), checked from
// outside the escrow on what the world's taps observe and on balances read through the escrow's
// own balance queries:
//  - no hold is finished twice: a Settle or Refund that executed (not a duplicate) for a hold
//    that an earlier executed Settle or Refund already finished is a violation;
//  - money is conserved: the watch keeps the last balance read of every account money can be in
//    (External, Slashed, ProtocolFee, each party's balance, earnings and stake, every hold and
//    dispute bond not yet seen closed). Every request the taps pass to the escrow marks the
//    accounts it can touch dirty; an audit reads the dirty ones in one batch, which the escrow
//    answers from one state (it drains its mailbox before anything else runs), right after
//    the request, so every state the escrow reaches through a request is audited. After every
//    read the cached balances must sum to zero. Why the cache is one consistent state: see
//    take_dirty();
//  - violations that other checkers find (slashes nobody earned) are recorded here too.
// A plain class: the taps and the auditor feed it; tests feed it directly (planted bugs).
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
  /// A Hold on its way to the escrow: audit its account from now on (before it executes, so no
  /// audit can miss it); `subject` is its task (slashes name the task, not the hold).
  void on_hold_requested(const address& renter, const wire::id128& hold_id,
                         const wire::id128& subject);
  /// A Dispute on its way to the escrow: its bond account, like a hold.
  void on_dispute_requested(const address& renter, const wire::id128& dispute_id,
                            const address& provider);
  /// The escrow's answer to a Hold or Dispute: `executed` false (refused) means its account
  /// never held money; true means it did, so a later read of zero closes it.
  void on_opened(const escrow::account_key& key, bool executed);
  /// A Settle (settled = true) or Refund of `hold_id` the escrow answered with `receipt`.
  void on_hold_finished(const wire::id128& hold_id, bool settled,
                        const actors::escrow_receipt& receipt);

  /// Marks the accounts a request about these can touch: the party's balance, earnings, stake
  /// and open holds and bonds; the hold's renter; the task's renter; the dispute's parties.
  void touch_party(const address& party);
  void touch_hold(const wire::id128& hold_id);
  void touch_task(const wire::id128& task_id);
  void touch_dispute(const wire::id128& dispute_id);
  /// Every party (a request the watch cannot attribute).
  void touch_all();

  /// The dirty accounts plus External, Slashed and ProtocolFee, for an incremental audit, and
  /// clears the dirty set. Empty when nothing is dirty. Consistency: a batch sent right after
  /// a request reaches the escrow behind every request sent before it, so it reads the state
  /// after all of them; an account not in it was last read before, and only requests sent
  /// since that read (all dirty now) or the escrow's own tick (refunds of expired holds: the
  /// hold and its renter's balance, which touch_party always reads together) changed it.
  std::vector<escrow::account_key> take_dirty();
  /// Every account the watch follows (a full audit), External first.
  std::vector<escrow::account_key> audit_keys() const;
  /// Balances of `keys` read in one batch. Updates the cache, closes holds and bonds read as
  /// zero after they held money, and returns the cache's sum; non-zero is recorded.
  /// REQUIRES: keys.size() == balances.size().
  int64_t on_read(std::span<const escrow::account_key> keys, std::span<const int64_t> balances);
  /// A batch failed (the escrow crashed): its accounts are dirty again.
  void on_read_failed(std::span<const escrow::account_key> keys);

  /// The invariant "a stored state after restart equals the state before the crash for every
  /// acknowledged operation": track_touches() when the last audit before a crash is sent (from
  /// then on every account a request may move is remembered as touched),
  /// remember_before_crash() when it is complete and the escrow dies, and check_after_restart()
  /// with the first full audit of the restarted escrow: every account read before and not
  /// touched since must read the same. Returns how many accounts it compared.
  void track_touches();
  /// While tracking: these accounts (and the system accounts) may have moved (a batch that was
  /// in flight when the escrow died, say).
  void touched(std::span<const escrow::account_key> keys);
  void remember_before_crash();
  size_t check_after_restart(std::span<const escrow::account_key> keys,
                             std::span<const int64_t> balances);
  bool tracking_touches() const { return tracking_; }

  /// Records a violation another checker found.
  void violation(std::string what) { violations_.push_back(std::move(what)); }
  /// Executed holds and bonds whose account is not yet read as zero.
  size_t open_accounts() const;

  const std::vector<std::string>& violations() const { return violations_; }
  uint64_t settled() const { return settled_; }
  uint64_t refunded() const { return refunded_; }
  uint64_t audits() const { return audits_; }
  int64_t cached(const escrow::account_key& key) const;

 private:
  struct open_account {
    address owner;
    bool executed = false;
  };
  void open(const address& owner, const escrow::account_key& key);
  void mark(const escrow::account_key& key);

  std::vector<address> parties_;
  std::map<escrow::account_key, open_account> open_;  // holds and bonds not seen closed
  std::map<address, std::set<escrow::account_key>> open_by_owner_;
  std::map<wire::id128, address> hold_renter_;
  std::map<wire::id128, address> task_renter_;
  std::map<wire::id128, std::pair<address, address>> dispute_parties_;  // renter, provider
  std::set<escrow::account_key> dirty_;
  std::map<escrow::account_key, int64_t> cache_;
  int64_t cache_sum_ = 0;
  bool tracking_ = false;
  std::set<escrow::account_key> touched_;                // since track_touches()
  std::map<escrow::account_key, int64_t> before_crash_;  // the cache when the escrow died
  std::map<wire::id128, bool> finished_;  // hold → finished by a Settle (true) or a Refund
  std::vector<std::string> violations_;
  uint64_t settled_ = 0;
  uint64_t refunded_ = 0;
  uint64_t audits_ = 0;
};

}  // namespace agora::sim
