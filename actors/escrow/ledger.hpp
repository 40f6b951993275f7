// The escrow ledger (DESIGN §6 "escrow"; docs/PROTOCOL.md "Escrow"): double-entry accounts for
// renter balances, holds, provider earnings and stakes, disputes, slashing and the protocol fee.
// A plain class that the CAF escrow actor wraps: it never blocks on anything but its own
// RocksDB writes, and reads no clock (times come in with each request).
//
// Every operation validates first (a refused operation changes nothing), then writes ONE batch
// through store::apply with the operation's idempotency id: a balanced JournalRecord, the
// changed AccountRecords and the hold or dispute record. Only after the write succeeded does
// the in-memory state change, so memory never runs ahead of disk (apply_batch alone runs it
// ahead within one call and reloads it from the store if the write fails). A retried or
// replayed operation finds its op_key executed and returns the original sequence as a
// duplicate; the executed op_keys are rebuilt from the journal on open.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "actors/escrow/journal.hpp"
#include "actors/escrow/ledger_state.hpp"
#include "actors/escrow/requests.hpp"
#include "actors/escrow/slashing_rules.hpp"
#include "core/error.hpp"
#include "schemas/envelope.hpp"
#include "storage/store.hpp"

namespace agora::escrow {

struct ledger_options {
  /// The escrow's own address, named in every JournalEntry.
  address escrow;
  /// The protocol's part of each settlement, in basis points of the settled cost, rounded down
  /// (the provider keeps the fraction). Default 0: no fee.
  int64_t protocol_fee_bps = 0;
  /// How long unstaked money waits in StakeUnlocking before release: 7 days.
  int64_t unstake_lock_s = 7 * 24 * 3'600;
  /// How long after a settlement its renter may open a dispute: 24 h.
  int64_t dispute_window_s = 24 * 3'600;
  /// How long after its expiry a Rental hold waits for its session's final settlement before
  /// refund_expired returns it to the renter (nobody reported usage: nothing is owed): 1 h.
  int64_t rental_settle_grace_s = 3'600;
  slashing_rules slashing;
  /// Threads that open the proofs of one apply_batch (one ECDSA recovery each) before its
  /// single-threaded commit; the caller's thread is one of them. 1: all on the caller's.
  size_t proof_threads = 2;
  /// Run ledger_state::verify (O(accounts + holds + disputes)) after every operation and on
  /// open. On in tests and debug builds; the O(1) kind-total check runs always.
#ifdef NDEBUG
  bool verify = false;
#else
  bool verify = true;
#endif
};

/// What an operation did.
struct receipt {
  uint64_t sequence = 0;  // the journal entry that executed it
  storage::apply_outcome outcome = storage::apply_outcome::applied;  // duplicate: executed before
};

/// One operation of a batch (ledger::apply_batch).
using batch_op =
    std::variant<deposit_request, withdraw_request, hold_request, settle_request, refund_request>;

/// The most operations one apply_batch may write (each is at most six records and carries its
/// request or proof, so 1,024 stay far below storage's batch limits).
inline constexpr size_t batch_ops_max = 1'024;
static_assert(batch_ops_max * 8 <= storage::batch_ops_max);
inline constexpr size_t proof_threads_max = 64;

class ledger {
 public:
  /// Opens a ledger over `db`, rebuilding its state from the `accounts` and `journal` families.
  /// invalid_argument for options out of range; corrupt for records that do not verify or
  /// balances that do not sum to zero. REQUIRES: db open; it outlives the ledger.
  static result<std::unique_ptr<ledger>> open(storage::store& db, const ledger_options& options);

  // --- money in and out ------------------------------------------------------------------------
  result<receipt> deposit(const deposit_request& request);
  /// insufficient_funds when the source balance is short.
  result<receipt> withdraw(const withdraw_request& request);

  // --- holds -----------------------------------------------------------------------------------
  /// insufficient_funds when the renter's balance is short; already_exists is never returned
  /// for a reused hold id: it is the same operation (duplicate).
  result<receipt> hold(const hold_request& request);
  /// Pays a provider from an active hold. Checks, in order: the hold exists (not_found), it is
  /// active (already_exists: it was refunded), the proof opens (wire::open: bad_signature,
  /// malformed, …) as a ComputeProof (wrong_kind), signed by request.provider (bad_signature),
  /// naming this hold, its renter and, for Task holds, its subject as task_id
  /// (invalid_argument), at a price no higher than the registered one (invalid_argument).
  /// Billed tokens are prompt + completion tokens (the provider computed both) at the lower of
  /// the registered and the signed price: cost = cost_of_tokens(price, tokens), rounded up,
  /// capped at the hold. The fee (protocol_fee_bps of cost) goes to ProtocolFee, cost − fee to
  /// the provider's earnings, the rest of the hold back to the renter. A settled hold settles
  /// once: settling it again is a duplicate. An active hold may be settled after its expiry as
  /// long as nobody refunded it first.
  result<receipt> settle(const settle_request& request);
  /// apply_batch of settlements only.
  std::vector<result<receipt>> settle_batch(std::span<const settle_request> requests);
  /// Ends a rental session (its provider's last UsageReport or a SessionEnd): charges the
  /// Rental hold cost = cost_of_gpu_time(price, gpu_count, used_seconds), rounded up to the
  /// micro-unit, so usage is billed per second; never more than the hold. A session that ran
  /// to its end (now ≥ the hold's expiry, which the renter set to the session's end) is charged
  /// the whole hold: it was prepaid for hours × rate × GPUs and served them. The fee and the
  /// refund of the rest (prepaid − used) to the renter work as in settle(); a hold settles
  /// once, by settle() or settle_rental(). not_found, already_exists (refunded),
  /// invalid_argument (not a Rental hold of request.session_id, gpu_count < 1,
  /// negative price or seconds).
  result<receipt> settle_rental(const rental_settle_request& request);
  /// Returns the rest of an active hold. not_found, already_exists (settled or refunded);
  /// reason Expired before expires_unix_s is invalid_argument.
  result<receipt> refund(const refund_request& request);
  /// Refunds (reason Expired) active holds whose expiry is ≤ now, oldest first, at most
  /// `holds_max` of them; returns how many it refunded. Stops at the first write error. A Rental
  /// hold is left alone until rental_settle_grace_s after its expiry, for settle_rental.
  result<size_t> refund_expired(int64_t now_unix_s, size_t holds_max);

  // --- batches ---------------------------------------------------------------------------------
  /// Group commit (0G-style): each operation is checked and executed exactly as its own call
  /// (deposit, withdraw, hold, settle, refund) would, in order and against the state the ones
  /// before it left, each its own journal entry and op_key, but all of them are written in ONE
  /// store::apply, so one WAL sync covers the batch. The proofs of the batch's settlements are
  /// opened on proof_threads threads, the committing one included, ahead of and overlapping the
  /// in-order commit (each slot its own, so the outcome does not depend on timing). A refused
  /// operation gets its error in its slot and the rest go on (limit_exceeded when its request
  /// no longer fits the write); if the write fails, every operation of the batch gets that
  /// error and nothing of it is applied. Replaying an operation, alone or in a
  /// batch, is a duplicate. REQUIRES: ops.size() ≤ batch_ops_max.
  std::vector<result<receipt>> apply_batch(std::span<const batch_op> ops);

  // --- stake -----------------------------------------------------------------------------------
  result<receipt> stake(const stake_request& request);
  /// Moves stake into its own StakeUnlocking account (sub_id: the request's key), unlocking at
  /// now + unstake_lock_s. insufficient_funds when the stake is short.
  result<receipt> unstake(const unstake_request& request);
  /// not_found for an unknown (or already released) unlocking account; invalid_argument while
  /// it is still locked.
  result<receipt> release(const release_request& request);

  // --- slashing and disputes -------------------------------------------------------------------
  /// Takes the reason's rate of the provider's stake, compensating the harmed renter first.
  /// Downtime needs now − offline_since ≥ downtime_s_min (invalid_argument otherwise); a
  /// provider without stake (a zero slash) is insufficient_funds. Stake in StakeUnlocking is
  /// not reached.
  result<receipt> slash(const slash_request& request);
  /// Opens a dispute over a settled hold of this renter, posting the bond from its balance.
  /// not_found (hold), invalid_argument (not settled, another renter), stale (after the
  /// window), already_exists (the hold was disputed before), insufficient_funds (bond).
  result<receipt> dispute(const dispute_request& request);
  /// Applies the arbiter's verdict on an open dispute (not_found; already_exists if decided):
  ///  - ProviderCorrect: the bond goes to the provider's earnings (it answered a false claim);
  ///  - Inconclusive: the bond goes back to the renter;
  ///  - ProviderWrong: the bond goes back; the settlement is reversed (the provider's part from
  ///    its earnings, the fee from ProtocolFee, as far as those balances reach); the provider
  ///    is slashed at incorrect_result_bps of its stake, which first covers whatever of the
  ///    settled cost the reversal could not, the rest going to Slashed.
  result<receipt> decide(const verdict_request& request);

  // --- state -----------------------------------------------------------------------------------
  const ledger_state& state() const { return state_; }
  int64_t balance(const account_key& key) const { return state_.balance(key); }
  const ledger_options& options() const { return options_; }
  /// The stored JournalRecord of `sequence` (FlatBuffers bytes), for receipts and audits.
  result<std::optional<bytes>> journal_record(uint64_t sequence) const;

  ledger(storage::store& db, const ledger_options& options, ledger_state state);  // use open()

 private:
  struct pending;
  /// Checks `change` against the state and adds its records to `batch`; changes nothing.
  result<journal_entry> stage(const pending& change, storage::write_batch& batch) const;
  /// Applies a staged change to memory (after, or in settle_batch before, its write).
  void remember(const pending& change, const journal_entry& entry);
  /// stage, one store::apply under the change's op_key, then remember.
  result<receipt> commit(const pending& change);
  /// Everything each batchable operation checks after the duplicate test, and the entry it
  /// would make; a settlement's proof comes opened (wire::open of request.proof).
  result<pending> prepare(const deposit_request& request) const;
  result<pending> prepare(const withdraw_request& request) const;
  result<pending> prepare(const hold_request& request) const;
  result<pending> prepare(const settle_request& request,
                          const result<wire::opened_envelope>& proof) const;
  result<pending> prepare(const refund_request& request) const;
  /// prepare's change committed, or its error.
  result<receipt> commit(const result<pending>& change);
  /// The settlement of an active hold that charges `billed` (≤ remaining) to `provider`: the
  /// fee to ProtocolFee, the rest of the hold back to its renter.
  pending settlement(const id128& hold_id, const hold_state& hold, const address& provider,
                     int64_t billed, int64_t now_unix_s, byte_view request) const;
  void add_reversal(const dispute_state& dispute, entry_builder& entry) const;

  storage::store& db_;
  ledger_options options_;
  ledger_state state_;
};

}  // namespace agora::escrow
