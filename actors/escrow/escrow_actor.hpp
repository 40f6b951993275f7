// The escrow actor (DESIGN §6 "escrow"; docs/PROTOCOL.md "Escrow"): a typed CAF actor that owns
// the ledger over its store. Every money-moving request arrives as a sealed frame, is opened,
// checked for who may sign it (escrow_options), turned into a ledger request and answered with
// an escrow_receipt or an "agora" error (caf_error.hpp). Time comes from the actor clock through
// a wall_clock_map; a periodic tick refunds expired holds and releases unlocked stake; disputes
// go to the arbiter, whose sealed Verdict the escrow applies like any other frame. Every Open
// dispute without an arbiter request in flight is (re)sent on start and on each tick, so one
// whose request was lost to a restart or a timeout is still decided.
//
// Who may sign what (the signer is always the payload's signer field, checked by wire::open):
//  - Deposit: any signer, to its own account only. In this in-process market nothing proves the
//    funds; real funding arrives with x402 in the gateway, which will sign deposits it verified.
//  - Withdraw, Hold, Dispute: the renter whose balance they debit (the signer field).
//  - Stake, Unstake: the provider whose money they move.
//  - Settle, Refund (any reason), Slash (Downtime, FailureToServe): trusted relays only.
//  - Verdict: trusted arbiters only. Slash(IncorrectResult) is refused: a Verdict does it.
//  - SessionEnd (a rental, ledger::settle_rental): a trusted relay, or the renter named in the
//    relay-signed SessionGrant it must carry; the grant gives the provider, price and GPUs.
// A frame signed by anyone else is refused with bad_signature and changes nothing.
// A Verdict's slash_micros is not used: the ledger's slashing_rules set the slash (ledger.hpp).
//
// Settlement batching (settle_batcher.hpp, docs/ARCHITECTURE.md "Escrow batching"): a checked
// Settle waits in its provider's queue and is answered only once its batch is written. A queue is
// written when it holds settle_batch_size entries, when its oldest has waited settle_batch_delay
// (actor timer), and before anything its waiting could change: a Refund or SessionEnd of a
// queued hold writes that hold's queue first, the tick writes every queue before it refunds
// expired holds, and a frame refused while its signer has settlements queued as a renter is
// retried once after those are written (a Hold, Withdraw or Dispute the waiting money or
// settlement would have allowed). So every answer is the one the unbatched escrow gives.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "actors/common/interfaces.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/escrow/ledger.hpp"
#include "actors/escrow/settle_batcher.hpp"
#include "storage/store.hpp"

namespace agora::actors {

/// Names one escrow account for a balance query (escrow::account_key as a CAF message type).
struct balance_query {
  wire::AccountKind kind = wire::AccountKind::RenterBalance;
  address::raw_type owner{};
  wire::id128 sub_id{};

  static balance_query of(const escrow::account_key& key);
  escrow::account_key key() const;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, balance_query& x) {
  return f(caf::meta::type_name("agora::balance_query"), x.kind, x.owner, x.sub_id);
}

/// The escrow's own timer for settlements that waited settle_batch_delay.
using settle_flush_atom = caf::atom_constant<caf::atom("stl_flush")>;
inline constexpr settle_flush_atom settle_flush_atom_v{};

/// The escrow's full interface: the shared inbox, balance queries (tests, the gateway), its
/// own periodic tick and its settlement timer.
using escrow_actor =
    escrow_inbox::extend<caf::replies_to<balance_atom, balance_query>::with<int64_t>,
                         caf::reacts_to<tick_atom>, caf::reacts_to<settle_flush_atom>>;

struct escrow_options {
  storage::store_options store;
  escrow::ledger_options ledger;
  /// Relays whose Settle, Refund and Slash frames the escrow executes.
  std::vector<address> trusted_relays;
  /// Arbiters whose Verdicts the escrow applies.
  std::vector<address> trusted_arbiters;
  /// Actor clock → wall time; every request's now_unix_s comes from it.
  wall_clock_map clock;
  /// Where accepted Disputes go; null: a Verdict frame must come from outside.
  arbiter_inbox arbiter;
  /// How often expired holds are refunded, and how many per tick at most.
  caf::timespan tick_interval = std::chrono::seconds(60);
  size_t expired_per_tick_max = 256;
  /// How many unlocked StakeUnlocking accounts one tick releases at most.
  size_t releases_per_tick_max = 256;
  /// How long the arbiter may take to answer one Dispute.
  caf::timespan arbitrate_timeout = std::chrono::minutes(10);
  /// Settles written per batch for one provider, in [1, escrow::batch_ops_max]. 1: every Settle
  /// is written as it arrives (tests, the simulation); live nodes use 256.
  size_t settle_batch_size = 1;
  /// The longest a queued Settle waits for its batch to fill; live nodes use 2 ms (about one
  /// fsync: at low load the wait adds to every task, whose proof the relay forwards only after
  /// its Settle is answered).
  caf::timespan settle_batch_delay = std::chrono::milliseconds(2);
};

struct escrow_state {
  escrow_options options;
  std::unique_ptr<storage::store> db;  // declared before the ledger: outlives it
  std::unique_ptr<escrow::ledger> ledger;
  /// Open disputes with an arbitrate request in flight: not asked again until it ends.
  std::set<wire::id128> arbitrating;
  std::unique_ptr<settle_batcher> settles;
  bool settle_timer_armed = false;

  static inline const char* name = "agora.escrow";
};

using escrow_pointer = escrow_actor::stateful_pointer<escrow_state>;

/// Opens the store and the ledger of `options` (rebuilding the state the store holds: a restart
/// is a new escrow actor over the same store) and spawns the escrow over them; the first tick
/// is due one tick_interval after the spawn. Errors: invalid_argument for a settle_batch_size
/// or settle_batch_delay out of range; those of storage::store::open and escrow::ledger::open.
result<escrow_actor> spawn_escrow(caf::actor_system& sys, escrow_options options);

}  // namespace agora::actors
