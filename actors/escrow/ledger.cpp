// The escrow ledger's operations: validation, the balanced entry each one makes, and the single
// idempotent batch that commits it (ledger.hpp).
#include "actors/escrow/ledger.hpp"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/keccak.hpp"
#include "schemas/envelope.hpp"
#include "schemas/limits.hpp"
#include "storage/write_batch.hpp"

namespace agora::escrow {

/// An operation, validated and built but not yet written.
struct ledger::pending {
  op_key key;
  int64_t now_unix_s = 0;
  byte_view request;
  entry_builder entry;
  int64_t unlock_unix_s = 0;  // Unstake: when the StakeUnlocking account it credits unlocks
  std::optional<std::pair<id128, hold_state>> hold;
  std::optional<std::pair<id128, dispute_state>> dispute;
};

namespace {

// A bound on what one operation adds to a batch besides its request or proof: the journal
// entry's postings and hash, up to four account records, the hold record and their keys.
constexpr size_t op_records_bytes_max = 4'096;

// Below this many proofs per thread, starting a thread costs more than the recoveries it takes.
constexpr size_t proofs_per_thread_min = 8;

op_key key_of(const deposit_request& r) {
  return {wire::EscrowOp::Deposit, r.idempotency_key};
}
op_key key_of(const withdraw_request& r) {
  return {wire::EscrowOp::Withdraw, r.idempotency_key};
}
op_key key_of(const hold_request& r) {
  return {wire::EscrowOp::Hold, r.hold_id};
}
op_key key_of(const settle_request& r) {
  return {wire::EscrowOp::Settle, r.hold_id};
}
op_key key_of(const refund_request& r) {
  return {wire::EscrowOp::Refund, r.hold_id};
}

/// Opens the proofs of a batch's settlements on helper threads and on the committing thread
/// together: every thread claims the next unopened proof from one counter, and the committer,
/// when the proof it needs is not ready, opens claimed-next ones meanwhile, so verification of
/// later proofs overlaps the commit of earlier ones. Each slot is written by exactly one thread
/// before its ready flag is set, so what get() returns is wire::open's answer whatever the timing.
class proof_opener {
 public:
  proof_opener(std::span<const batch_op> ops, size_t threads) : ops_(ops), slot_of_op_(ops.size()) {
    for (size_t i = 0; i < ops.size(); ++i)
      if (std::holds_alternative<settle_request>(ops[i])) {
        slot_of_op_[i] = settles_.size();
        settles_.push_back(i);
      }
    slots_.resize(settles_.size());
    ready_ = std::make_unique<std::atomic<bool>[]>(settles_.size());
    threads = std::clamp<size_t>(settles_.size() / proofs_per_thread_min, 1, threads);
    for (size_t t = 1; t < threads; ++t)
      helpers_.emplace_back([this] {
        while (open_next()) {
        }
      });
  }

  ~proof_opener() {
    next_.store(settles_.size());  // nothing more to claim
    for (std::thread& helper : helpers_)
      helper.join();
  }

  proof_opener(const proof_opener&) = delete;
  proof_opener& operator=(const proof_opener&) = delete;

  /// wire::open of settlement op i's proof. REQUIRES: ops[i] is a settle_request.
  const result<wire::opened_envelope>& get(size_t i) {
    const size_t slot = slot_of_op_[i];
    while (!ready_[slot].load(std::memory_order_acquire))
      if (!open_next())
        std::this_thread::yield();  // a helper is opening it
    return *slots_[slot];
  }

 private:
  /// Opens the next unclaimed proof; false when none is left.
  bool open_next() {
    const size_t slot = next_.fetch_add(1, std::memory_order_relaxed);
    if (slot >= settles_.size())
      return false;
    slots_[slot].emplace(wire::open(std::get<settle_request>(ops_[settles_[slot]]).proof));
    ready_[slot].store(true, std::memory_order_release);
    return true;
  }

  std::span<const batch_op> ops_;
  std::vector<size_t> slot_of_op_;  // op index → slot (settlements only)
  std::vector<size_t> settles_;     // slot → op index
  std::vector<std::optional<result<wire::opened_envelope>>> slots_;
  std::unique_ptr<std::atomic<bool>[]> ready_;
  std::atomic<size_t> next_{0};
  std::vector<std::thread> helpers_;  // last: started once everything above exists
};

/// The receipt of an operation executed before, if key was.
std::optional<receipt> executed(const ledger_state& state, const op_key& key) {
  auto sequence = state.find_applied(key);
  if (!sequence)
    return std::nullopt;
  return receipt{*sequence, storage::apply_outcome::duplicate};
}

status check_amount(std::string_view field, int64_t micros) {
  if (micros <= 0 || micros > wire::limits::amount_micros_max)
    return make_error(errc::invalid_argument, std::string(field) + ": " + std::to_string(micros) +
                                                  " is outside [1, amount_micros_max]");
  return {};
}

status check_nonzero(std::string_view field, const address& value) {
  if (value.is_zero())
    return make_error(errc::invalid_argument, std::string(field) + ": the zero address");
  return {};
}

status check_spendable(wire::AccountKind source) {
  if (!is_spendable(source))
    return make_error(errc::invalid_argument, "source: only RenterBalance or ProviderEarnings");
  return {};
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// Opening and committing

result<std::unique_ptr<ledger>> ledger::open(storage::store& db, const ledger_options& options) {
  AGORA_ASSERT(db.is_open());
  const int64_t fee = options.protocol_fee_bps;
  if (fee < 0 || fee > basis_points_max || options.unstake_lock_s < 0 ||
      options.dispute_window_s < 0 || options.rental_settle_grace_s < 0 ||
      !is_valid(options.slashing) || options.proof_threads < 1 ||
      options.proof_threads > proof_threads_max)
    return make_error(errc::invalid_argument, "ledger_options out of range");
  auto state = ledger_state::load(db);
  if (!state)
    return state.error();
  if (options.verify)
    state->verify();
  return std::make_unique<ledger>(db, options, std::move(*state));
}

ledger::ledger(storage::store& db, const ledger_options& options, ledger_state state)
    : db_(db), options_(options), state_(std::move(state)) {}

result<journal_entry> ledger::stage(const pending& change, storage::write_batch& batch) const {
  AGORA_ASSERT(!state_.find_applied(change.key));
  journal_entry entry{change.key, state_.last_sequence() + 1, change.entry.postings(), hash256{},
                      change.now_unix_s};
  AGORA_ASSERT(entry.postings.size() >= wire::limits::postings_min);  // every op moves money
  if (!change.request.empty())
    entry.request_hash = keccak256(change.request);
  // The record's request is a nested Envelope: one that does not verify would make the
  // journal unreadable on recovery.
  if (!change.request.empty() && wire::peek_kind(change.request) == wire::MessageKind::None)
    return make_error(errc::malformed, "request: not a sealed Envelope");
  auto accounts = state_.preview(entry, change.unlock_unix_s);
  if (!accounts)
    return accounts.error();

  batch.put(storage::column::journal, journal_storage_key(entry.sequence),
            pack_journal(options_.escrow, entry, change.request));
  for (const auto& [key, account] : *accounts) {
    if (account.balance_micros == 0)
      batch.del(storage::column::accounts, account_storage_key(key));
    else
      batch.put(storage::column::accounts, account_storage_key(key), pack_account(key, account));
  }
  if (change.hold)
    batch.put(storage::column::accounts, hold_storage_key(change.hold->first),
              pack_hold(change.hold->first, change.hold->second));
  if (change.dispute)
    batch.put(storage::column::journal, dispute_storage_key(change.dispute->first),
              pack_dispute(change.dispute->first, change.dispute->second));
  return entry;
}

void ledger::remember(const pending& change, const journal_entry& entry) {
  state_.apply(entry, change.unlock_unix_s);
  if (change.hold)
    state_.put_hold(change.hold->first, change.hold->second);
  if (change.dispute)
    state_.put_dispute(change.dispute->first, change.dispute->second);
  int64_t total = 0;  // the kind totals cannot wrap: their sum is External's complement
  for (int64_t kind_total : state_.totals())
    total += kind_total;
  AGORA_ASSERT(total == 0);
  if (options_.verify)
    state_.verify();
}

result<receipt> ledger::commit(const pending& change) {
  storage::write_batch batch;
  auto entry = stage(change, batch);
  if (!entry)
    return entry.error();
  auto outcome = db_.apply(batch_id(change.key), batch);
  if (!outcome)
    return outcome.error();
  if (*outcome == storage::apply_outcome::duplicate)  // the store knows it, memory does not
    return make_error(errc::corrupt, "the store executed an operation the ledger has not");
  remember(change, *entry);
  return receipt{entry->sequence, storage::apply_outcome::applied};
}

result<receipt> ledger::commit(const result<pending>& change) {
  if (!change)
    return change.error();
  return commit(*change);
}

result<std::optional<bytes>> ledger::journal_record(uint64_t sequence) const {
  return db_.get(storage::column::journal, journal_storage_key(sequence));
}

// ------------------------------------------------------------------------------------------------
// Money in and out

result<receipt> ledger::deposit(const deposit_request& r) {
  if (auto done = executed(state_, key_of(r)))
    return *done;
  return commit(prepare(r));
}

result<ledger::pending> ledger::prepare(const deposit_request& r) const {
  if (auto s = check_nonzero("account", r.account); !s)
    return s.error();
  if (auto s = check_amount("amount_micros", r.amount_micros); !s)
    return s.error();
  pending change{key_of(r), r.now_unix_s, r.request};
  change.entry.transfer(external_account(), renter_balance(r.account), r.amount_micros);
  return change;
}

result<receipt> ledger::withdraw(const withdraw_request& r) {
  if (auto done = executed(state_, key_of(r)))
    return *done;
  return commit(prepare(r));
}

result<ledger::pending> ledger::prepare(const withdraw_request& r) const {
  if (auto s = check_spendable(r.source); !s)
    return s.error();
  if (auto s = check_amount("amount_micros", r.amount_micros); !s)
    return s.error();
  pending change{key_of(r), r.now_unix_s, r.request};
  const account_key source{r.source, r.account, id128{}};
  change.entry.transfer(source, external_account(), r.amount_micros);
  return change;
}

// ------------------------------------------------------------------------------------------------
// Holds

result<receipt> ledger::hold(const hold_request& r) {
  if (auto done = executed(state_, key_of(r)))
    return *done;
  return commit(prepare(r));
}

result<ledger::pending> ledger::prepare(const hold_request& r) const {
  if (auto s = check_nonzero("renter", r.renter); !s)
    return s.error();
  if (auto s = check_amount("amount_micros", r.amount_micros); !s)
    return s.error();
  if (r.purpose > wire::HoldPurpose::MAX || r.expires_unix_s <= r.now_unix_s)
    return make_error(errc::invalid_argument, "hold: unknown purpose, or expires before now");
  pending change{key_of(r), r.now_unix_s, r.request};
  change.entry.transfer(renter_balance(r.renter), hold_account(r.renter, r.hold_id),
                        r.amount_micros);
  hold_state hold;
  hold.renter = r.renter;
  hold.purpose = r.purpose;
  hold.subject_id = r.subject_id;
  hold.amount_micros = r.amount_micros;
  hold.remaining_micros = r.amount_micros;
  hold.created_unix_s = r.now_unix_s;
  hold.expires_unix_s = r.expires_unix_s;
  change.hold = {r.hold_id, hold};
  return change;
}

result<receipt> ledger::settle(const settle_request& r) {
  if (auto done = executed(state_, key_of(r)))
    return *done;
  return commit(prepare(r, wire::open(r.proof)));
}

result<ledger::pending> ledger::prepare(const settle_request& r,
                                        const result<wire::opened_envelope>& opened) const {
  const hold_state* found = state_.find_hold(r.hold_id);
  if (found == nullptr)
    return make_error(errc::not_found, "settle: no such hold");
  const hold_state& hold = *found;
  if (hold.state != wire::HoldState::Active)  // a settled one was executed before this
    return make_error(errc::already_exists, "settle: the hold was refunded");
  if (r.price_per_million_tokens.is_negative())
    return make_error(errc::invalid_argument, "settle: negative registered price");
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::MessageKind::ComputeProof)
    return make_error(errc::wrong_kind, "settle: the proof is not a ComputeProof");
  if (opened->signer() != r.provider)
    return make_error(errc::bad_signature, "settle: proof signed by " +
                                               opened->signer().to_string() +
                                               ", not the registered provider");
  const wire::ComputeProof& proof = *opened->as<wire::ComputeProof>();
  if (wire::from_wire(*proof.hold_id()) != r.hold_id ||
      wire::from_wire(*proof.renter()) != hold.renter ||
      (hold.purpose == wire::HoldPurpose::Task &&
       wire::from_wire(*proof.task_id()) != hold.subject_id))
    return make_error(errc::invalid_argument, "settle: the proof names another hold or task");
  if (proof.price_per_million_tokens_micros() > r.price_per_million_tokens.micros())
    return make_error(errc::invalid_argument, "settle: the proof's price is over the registered");
  const auto price = amount::from_micros(proof.price_per_million_tokens_micros());
  const int64_t tokens = int64_t{proof.prompt_tokens()} + int64_t{proof.completion_tokens()};
  auto cost = cost_of_tokens(price, tokens);
  if (!cost)
    return cost.error();
  const int64_t billed = std::min(cost->micros(), hold.remaining_micros);
  return settlement(r.hold_id, hold, r.provider, billed, r.now_unix_s, r.proof);
}

ledger::pending ledger::settlement(const id128& hold_id, const hold_state& hold,
                                   const address& provider, int64_t billed, int64_t now_unix_s,
                                   byte_view request) const {
  AGORA_ASSERT(hold.state == wire::HoldState::Active);
  AGORA_ASSERT(billed >= 0 && billed <= hold.remaining_micros);
  const int64_t fee = apply_bps(billed, options_.protocol_fee_bps);
  AGORA_ASSERT(fee <= billed);
  pending change{op_key{wire::EscrowOp::Settle, hold_id}, now_unix_s, request};
  const account_key held = hold_account(hold.renter, hold_id);
  change.entry.transfer(held, provider_earnings(provider), billed - fee);
  change.entry.transfer(held, protocol_fee_account(), fee);
  change.entry.transfer(held, renter_balance(hold.renter), hold.remaining_micros - billed);
  hold_state next = hold;
  next.state = wire::HoldState::Settled;
  next.remaining_micros = 0;
  next.provider = provider;
  next.settled_micros = billed;
  next.fee_micros = fee;
  next.settled_unix_s = now_unix_s;
  change.hold = {hold_id, next};
  return change;
}

result<receipt> ledger::settle_rental(const rental_settle_request& r) {
  if (auto done = executed(state_, op_key{wire::EscrowOp::Settle, r.hold_id}))
    return *done;
  const hold_state* hold = state_.find_hold(r.hold_id);
  if (hold == nullptr)
    return make_error(errc::not_found, "settle_rental: no such hold");
  if (hold->state != wire::HoldState::Active)  // a settled one was executed above
    return make_error(errc::already_exists, "settle_rental: the hold was refunded");
  if (hold->purpose != wire::HoldPurpose::Rental || hold->subject_id != r.session_id)
    return make_error(errc::invalid_argument, "settle_rental: not a Rental hold of this session");
  if (r.gpu_count < 1 || r.used_seconds < 0 || r.price_per_gpu_hour.is_negative())
    return make_error(errc::invalid_argument, "settle_rental: GPU count, seconds or price");
  if (auto s = check_nonzero("provider", r.provider); !s)
    return s.error();
  auto cost = cost_of_gpu_time(r.price_per_gpu_hour, r.gpu_count, r.used_seconds);
  if (!cost)
    return cost.error();
  const bool ran_to_end = r.now_unix_s >= hold->expires_unix_s;
  const int64_t billed =
      ran_to_end ? hold->remaining_micros : std::min(cost->micros(), hold->remaining_micros);
  return commit(settlement(r.hold_id, *hold, r.provider, billed, r.now_unix_s, r.request));
}

std::vector<result<receipt>> ledger::settle_batch(std::span<const settle_request> requests) {
  const std::vector<batch_op> ops(requests.begin(), requests.end());
  return apply_batch(ops);
}

std::vector<result<receipt>> ledger::apply_batch(std::span<const batch_op> ops) {
  AGORA_ASSERT(ops.size() <= batch_ops_max);
  proof_opener proofs(ops, options_.proof_threads);
  std::vector<result<receipt>> out;
  out.reserve(ops.size());
  storage::write_batch batch;
  const uint64_t first_sequence = state_.last_sequence() + 1;
  // Memory runs ahead of the disk here, so that each operation sees the ones before it; a
  // failed write puts it back by reloading the state from the store, which did not change.
  for (size_t i = 0; i < ops.size(); ++i) {
    if (auto done = executed(state_, std::visit([](const auto& r) { return key_of(r); }, ops[i]))) {
      out.emplace_back(*done);
      continue;
    }
    auto change = std::visit(
        [&](const auto& r) -> result<pending> {
          if constexpr (std::is_same_v<std::decay_t<decltype(r)>, settle_request>)
            return prepare(r, proofs.get(i));
          else
            return prepare(r);
        },
        ops[i]);
    if (change && batch.byte_size() + change->request.size() + op_records_bytes_max >
                      storage::batch_bytes_max)
      change = make_error(errc::limit_exceeded, "batch: no room for the request");
    auto entry = change ? stage(*change, batch) : result<journal_entry>(change.error());
    if (!entry) {
      out.emplace_back(entry.error());
      continue;
    }
    remember(*change, *entry);
    out.emplace_back(receipt{entry->sequence, storage::apply_outcome::applied});
  }
  if (batch.empty())
    return out;
  const std::string id = "escrow/batch/" + std::to_string(first_sequence);
  auto outcome = db_.apply(id, batch);
  if (outcome && *outcome == storage::apply_outcome::applied)
    return out;
  auto reloaded = ledger_state::load(db_);
  AGORA_ASSERT(reloaded.ok());  // the store served this state a moment ago
  state_ = std::move(*reloaded);
  AGORA_ASSERT(state_.last_sequence() == first_sequence - 1);
  const error failure = outcome ? make_error(errc::corrupt, "batch id was used") : outcome.error();
  for (auto& slot : out)
    if (slot && slot->outcome == storage::apply_outcome::applied)
      slot = failure;
  return out;
}

result<receipt> ledger::refund(const refund_request& r) {
  if (auto done = executed(state_, key_of(r)))
    return *done;
  return commit(prepare(r));
}

result<ledger::pending> ledger::prepare(const refund_request& r) const {
  const hold_state* hold = state_.find_hold(r.hold_id);
  if (hold == nullptr)
    return make_error(errc::not_found, "refund: no such hold");
  if (hold->state != wire::HoldState::Active)  // a refunded one was executed above
    return make_error(errc::already_exists, "refund: the hold was settled");
  if (r.reason > wire::RefundReason::MAX)
    return make_error(errc::invalid_argument, "refund: unknown reason");
  if (r.reason == wire::RefundReason::Expired && r.now_unix_s < hold->expires_unix_s)
    return make_error(errc::invalid_argument, "refund: the hold has not expired");
  pending change{key_of(r), r.now_unix_s, r.request};
  change.entry.transfer(hold_account(hold->renter, r.hold_id), renter_balance(hold->renter),
                        hold->remaining_micros);
  hold_state next = *hold;
  next.state = wire::HoldState::Refunded;
  next.remaining_micros = 0;
  change.hold = {r.hold_id, next};
  return change;
}

result<size_t> ledger::refund_expired(int64_t now_unix_s, size_t holds_max) {
  std::vector<id128> due;  // collected first: refunding changes active_by_expiry
  for (const auto& [expires_unix_s, hold_id] : state_.active_by_expiry()) {
    if (expires_unix_s > now_unix_s || due.size() == holds_max)
      break;
    const hold_state* hold = state_.find_hold(hold_id);
    AGORA_ASSERT(hold != nullptr && hold->state == wire::HoldState::Active);
    if (hold->purpose == wire::HoldPurpose::Rental &&
        now_unix_s - expires_unix_s < options_.rental_settle_grace_s)
      continue;  // its session's final settlement may still come
    due.push_back(hold_id);
  }
  AGORA_ASSERT(due.size() <= holds_max);
  for (const id128& hold_id : due) {
    auto done = refund(refund_request{hold_id, wire::RefundReason::Expired, now_unix_s, {}});
    if (!done)
      return done.error();
    AGORA_ASSERT(done->outcome == storage::apply_outcome::applied);  // it was active
  }
  return due.size();
}

// ------------------------------------------------------------------------------------------------
// Stake

result<receipt> ledger::stake(const stake_request& r) {
  const op_key key{wire::EscrowOp::Stake, r.idempotency_key};
  if (auto done = executed(state_, key))
    return *done;
  if (auto s = check_spendable(r.source); !s)
    return s.error();
  if (auto s = check_amount("amount_micros", r.amount_micros); !s)
    return s.error();
  pending change{key, r.now_unix_s, r.request};
  const account_key source{r.source, r.provider, id128{}};
  change.entry.transfer(source, provider_stake(r.provider), r.amount_micros);
  return commit(change);
}

result<receipt> ledger::unstake(const unstake_request& r) {
  const op_key key{wire::EscrowOp::Unstake, r.idempotency_key};
  if (auto done = executed(state_, key))
    return *done;
  if (auto s = check_amount("amount_micros", r.amount_micros); !s)
    return s.error();
  pending change{key, r.now_unix_s, r.request};
  if (__builtin_add_overflow(r.now_unix_s, options_.unstake_lock_s, &change.unlock_unix_s))
    return make_error(errc::overflow, "unstake: now + lock overflows");
  change.entry.transfer(provider_stake(r.provider), stake_unlocking(r.provider, r.idempotency_key),
                        r.amount_micros);
  return commit(change);
}

result<receipt> ledger::release(const release_request& r) {
  const op_key key{wire::EscrowOp::UnstakeRelease, r.unstake_key};
  if (auto done = executed(state_, key))
    return *done;
  const account_key unlocking = stake_unlocking(r.provider, r.unstake_key);
  const account_state* account = state_.find_account(unlocking);
  if (account == nullptr)
    return make_error(errc::not_found, "release: no unlocking stake under that key");
  if (r.now_unix_s < account->unlock_unix_s)
    return make_error(errc::invalid_argument,
                      "release: locked until " + std::to_string(account->unlock_unix_s));
  pending change{key, r.now_unix_s, {}};
  change.entry.transfer(unlocking, provider_earnings(r.provider), account->balance_micros);
  return commit(change);
}

// ------------------------------------------------------------------------------------------------
// Slashing and disputes

result<receipt> ledger::slash(const slash_request& r) {
  const op_key key{wire::EscrowOp::Slash, r.idempotency_key};
  if (auto done = executed(state_, key))
    return *done;
  if (r.reason > wire::SlashReason::MAX || r.harm_micros < 0 ||
      (r.harm_micros > 0 && r.harmed_renter.is_zero()))
    return make_error(errc::invalid_argument, "slash: unknown reason, or a harm without renter");
  if (r.reason == wire::SlashReason::Downtime &&
      (r.offline_since_unix_s > r.now_unix_s ||
       r.now_unix_s - r.offline_since_unix_s < options_.slashing.downtime_s_min))
    return make_error(errc::invalid_argument, "slash: not offline for downtime_s_min");
  const int64_t stake = state_.balance(provider_stake(r.provider));
  const int64_t taken = apply_bps(stake, options_.slashing.bps_for(r.reason));
  if (taken == 0)
    return make_error(errc::insufficient_funds, "slash: the provider has no stake to slash");
  const slash_split split = split_slash(taken, r.harm_micros);
  pending change{key, r.now_unix_s, r.request};
  change.entry.transfer(provider_stake(r.provider), renter_balance(r.harmed_renter),
                        split.to_renter_micros);
  change.entry.transfer(provider_stake(r.provider), slashed_account(), split.to_slashed_micros);
  return commit(change);
}

result<receipt> ledger::dispute(const dispute_request& r) {
  const op_key key{wire::EscrowOp::Dispute, r.dispute_id};
  if (auto done = executed(state_, key))
    return *done;
  if (auto s = check_amount("bond_micros", r.bond_micros); !s)
    return s.error();
  const hold_state* hold = state_.find_hold(r.hold_id);
  if (hold == nullptr)
    return make_error(errc::not_found, "dispute: no such hold");
  if (hold->state != wire::HoldState::Settled || hold->renter != r.renter)
    return make_error(errc::invalid_argument, "dispute: the hold is not a settled one of yours");
  const int64_t window_ends = hold->settled_unix_s + options_.dispute_window_s;
  if (r.now_unix_s > window_ends)
    return make_error(errc::stale, "dispute: the dispute window has closed");
  if (state_.is_disputed(r.hold_id))
    return make_error(errc::already_exists, "dispute: the hold was disputed before");
  pending change{key, r.now_unix_s, r.request};
  change.entry.transfer(renter_balance(r.renter), dispute_bond(r.renter, r.dispute_id),
                        r.bond_micros);
  change.dispute = {r.dispute_id,
                    dispute_state{r.hold_id, r.renter, hold->provider, r.bond_micros,
                                  wire::DisputeState::Open, wire::VerdictOutcome::Inconclusive,
                                  r.now_unix_s, window_ends}};
  return commit(change);
}

result<receipt> ledger::decide(const verdict_request& r) {
  const op_key key{wire::EscrowOp::Verdict, r.dispute_id};
  if (auto done = executed(state_, key))
    return *done;
  if (r.outcome > wire::VerdictOutcome::MAX)
    return make_error(errc::invalid_argument, "verdict: unknown outcome");
  const dispute_state* dispute = state_.find_dispute(r.dispute_id);
  if (dispute == nullptr)
    return make_error(errc::not_found, "verdict: no such dispute");
  AGORA_ASSERT(dispute->state == wire::DisputeState::Open);  // decided ones were executed above
  pending change{key, r.now_unix_s, r.request};
  const account_key bond = dispute_bond(dispute->renter, r.dispute_id);
  if (r.outcome == wire::VerdictOutcome::ProviderCorrect) {
    change.entry.transfer(bond, provider_earnings(dispute->provider), dispute->bond_micros);
  } else {
    change.entry.transfer(bond, renter_balance(dispute->renter), dispute->bond_micros);
    if (r.outcome == wire::VerdictOutcome::ProviderWrong)
      add_reversal(*dispute, change.entry);
  }
  dispute_state next = *dispute;
  next.state = wire::DisputeState::Decided;
  next.outcome = r.outcome;
  change.dispute = {r.dispute_id, next};
  return commit(change);
}

void ledger::add_reversal(const dispute_state& dispute, entry_builder& entry) const {
  const hold_state* hold = state_.find_hold(dispute.hold_id);
  AGORA_ASSERT(hold != nullptr && hold->state == wire::HoldState::Settled);
  AGORA_ASSERT(hold->provider == dispute.provider);
  const account_key earnings = provider_earnings(dispute.provider);
  const account_key renter = renter_balance(dispute.renter);
  const int64_t provider_part = hold->settled_micros - hold->fee_micros;
  const int64_t from_earnings = std::min(provider_part, state_.balance(earnings));
  const int64_t from_fee = std::min(hold->fee_micros, state_.balance(protocol_fee_account()));
  const int64_t shortfall = hold->settled_micros - from_earnings - from_fee;
  AGORA_ASSERT(shortfall >= 0);
  const account_key stake = provider_stake(dispute.provider);
  const int64_t taken = apply_bps(state_.balance(stake), options_.slashing.incorrect_result_bps);
  const slash_split split = split_slash(taken, shortfall);
  entry.transfer(earnings, renter, from_earnings);
  entry.transfer(protocol_fee_account(), renter, from_fee);
  entry.transfer(stake, renter, split.to_renter_micros);
  entry.transfer(stake, slashed_account(), split.to_slashed_micros);
}

}  // namespace agora::escrow
