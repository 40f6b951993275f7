// The escrow actor: opening frames, checking their signers, mapping each kind to its ledger
// operation, queuing and writing settlement batches, the expiry tick and the dispute → arbiter →
// verdict round trip (escrow_actor.hpp).
#include "actors/escrow/escrow_actor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/common/caf_error.hpp"
#include "schemas/envelope.hpp"
#include "schemas/record.hpp"
#include "schemas/wire_types.hpp"

namespace agora::actors {

namespace {

using escrow::receipt;

/// The opened store and ledger, handed from spawn_escrow to the actor's state.
struct escrow_backing {
  std::unique_ptr<storage::store> db;
  std::unique_ptr<escrow::ledger> ledger;
};

/// What each handler needs: the opened frame, its sealed bytes and the time it is executed at.
struct incoming {
  const wire::opened_envelope& opened;
  byte_view sealed;
  int64_t now_unix_s = 0;

  template <wire::payload_table T>
  const T& as() const {
    return *opened.as<T>();
  }
};

status require_one_of(const std::vector<address>& trusted, const address& signer,
                      std::string_view role) {
  if (std::find(trusted.begin(), trusted.end(), signer) == trusted.end())
    return make_error(errc::bad_signature,
                      "signed by " + signer.to_string() + ", not a trusted " + std::string(role));
  return {};
}

// ------------------------------------------------------------------------------------------------
// One function per kind: the signer check and the ledger request it makes.

result<receipt> on_deposit(escrow::ledger& l, const incoming& in) {
  const wire::Deposit& m = in.as<wire::Deposit>();
  const address account = wire::from_wire(*m.account());
  if (account != in.opened.signer())
    return make_error(errc::bad_signature, "Deposit: only to the depositor's own account");
  return l.deposit({wire::from_wire(*m.idempotency_key()), account, m.amount_micros(),
                    in.now_unix_s, in.sealed});
}

result<receipt> on_withdraw(escrow::ledger& l, const incoming& in) {
  const wire::Withdraw& m = in.as<wire::Withdraw>();
  return l.withdraw({wire::from_wire(*m.idempotency_key()), in.opened.signer(),
                     wire::AccountKind::RenterBalance, m.amount_micros(), in.now_unix_s,
                     in.sealed});
}

result<receipt> on_hold(escrow::ledger& l, const incoming& in) {
  const wire::Hold& m = in.as<wire::Hold>();
  return l.hold({wire::from_wire(*m.hold_id()), in.opened.signer(), m.amount_micros(), m.purpose(),
                 wire::from_wire(*m.subject_id()), in.now_unix_s, m.expires_unix_s(), in.sealed});
}

/// A Settle's signer check and the queue entry it makes (its promise still empty).
result<queued_settle> on_settle(const escrow::ledger& l, const escrow_options& o,
                                const incoming& in) {
  if (auto s = require_one_of(o.trusted_relays, in.opened.signer(), "relay"); !s)
    return s.error();
  const wire::Settle& m = in.as<wire::Settle>();
  const byte_view proof = wire::view(m.proof());
  // Parsed, not opened: the queue needs only the provider the proof names, and the ledger opens
  // the proof in the batch (on its proof threads) and refuses it unless that provider signed it.
  // The relay vouches for the registered price; the ledger checks the proof is priced at most so.
  auto parsed_proof = wire::parse(proof);
  if (!parsed_proof)
    return parsed_proof.error();
  if (parsed_proof->kind != wire::message_kind::ComputeProof)
    return make_error(errc::wrong_kind, "Settle.proof is not a ComputeProof");
  queued_settle out;
  out.hold_id = wire::from_wire(*m.hold_id());
  if (const escrow::hold_state* hold = l.state().find_hold(out.hold_id))
    out.renter = hold->renter;
  out.provider = wire::from_wire(*parsed_proof->as<wire::ComputeProof>()->provider());
  out.proof.assign(proof.begin(), proof.end());
  out.registered_price = amount::from_micros(m.registered_price_micros());
  out.now_unix_s = in.now_unix_s;
  return out;
}

result<receipt> on_refund(escrow::ledger& l, const escrow_options& o, const incoming& in) {
  if (auto s = require_one_of(o.trusted_relays, in.opened.signer(), "relay"); !s)
    return s.error();
  const wire::Refund& m = in.as<wire::Refund>();
  return l.refund({wire::from_wire(*m.hold_id()), m.reason(), in.now_unix_s, in.sealed});
}

result<receipt> on_stake(escrow::ledger& l, const incoming& in) {
  const wire::Stake& m = in.as<wire::Stake>();
  return l.stake({wire::from_wire(*m.idempotency_key()), in.opened.signer(),
                  wire::AccountKind::RenterBalance, m.amount_micros(), in.now_unix_s, in.sealed});
}

result<receipt> on_unstake(escrow::ledger& l, const incoming& in) {
  const wire::Unstake& m = in.as<wire::Unstake>();
  return l.unstake({wire::from_wire(*m.idempotency_key()), in.opened.signer(), m.amount_micros(),
                    in.now_unix_s, in.sealed});
}

result<receipt> on_slash(escrow::ledger& l, const escrow_options& o, const incoming& in) {
  if (auto s = require_one_of(o.trusted_relays, in.opened.signer(), "relay"); !s)
    return s.error();
  const wire::Slash& m = in.as<wire::Slash>();
  if (m.reason() == wire::SlashReason::IncorrectResult)
    return make_error(errc::invalid_argument, "Slash: IncorrectResult comes with a Verdict");
  escrow::slash_request r;
  r.idempotency_key = wire::from_wire(*m.idempotency_key());
  r.provider = wire::from_wire(*m.provider());
  r.reason = m.reason();
  r.offline_since_unix_s = m.offline_since_unix_s();
  r.now_unix_s = in.now_unix_s;
  r.request = in.sealed;
  return l.slash(r);
}

/// The Dispute's contested proof must open and name the hold it disputes.
result<receipt> on_dispute(escrow::ledger& l, const incoming& in) {
  const wire::Dispute& m = in.as<wire::Dispute>();
  auto proof = wire::open(wire::view(m.proof()));
  if (!proof)
    return proof.error();
  if (proof->kind() != wire::message_kind::ComputeProof)
    return make_error(errc::wrong_kind, "Dispute.proof is not a ComputeProof");
  const wire::ComputeProof& p = *proof->as<wire::ComputeProof>();
  if (wire::from_wire(*p.task_id()) != wire::from_wire(*m.task_id()) ||
      proof->signer() != wire::from_wire(*m.provider()))
    return make_error(errc::invalid_argument, "Dispute: the proof names another task or provider");
  return l.dispute({wire::from_wire(*m.dispute_id()), in.opened.signer(),
                    wire::from_wire(*p.hold_id()), m.bond_micros(), in.now_unix_s, in.sealed});
}

result<receipt> on_verdict(escrow::ledger& l, const escrow_options& o, const incoming& in) {
  if (auto s = require_one_of(o.trusted_arbiters, in.opened.signer(), "arbiter"); !s)
    return s.error();
  const wire::Verdict& m = in.as<wire::Verdict>();
  return l.decide({wire::from_wire(*m.dispute_id()), m.outcome(), in.now_unix_s, in.sealed});
}

/// The relay-signed SessionGrant a SessionEnd carries, for the session it ends.
result<wire::opened_envelope> open_grant(const escrow_options& o, const wire::SessionEnd& m) {
  auto grant = wire::open(wire::view(m.grant()));
  if (!grant)
    return grant.error();
  if (grant->kind() != wire::message_kind::SessionGrant)
    return make_error(errc::wrong_kind, "SessionEnd.grant is not a SessionGrant");
  if (auto s = require_one_of(o.trusted_relays, grant->signer(), "relay"); !s)
    return s.error();
  const wire::SessionGrant& g = *grant->as<wire::SessionGrant>();
  if (wire::from_wire(*g.session_id()) != wire::from_wire(*m.session_id()) || g.gpu() == nullptr)
    return make_error(errc::invalid_argument, "SessionEnd.grant is for another session");
  return grant;
}

/// Ends a rental: a trusted relay's SessionEnd ends it at its ended_unix_s (not after now), the
/// session renter's own SessionEnd ends it now. The granted price and GPU count come from the
/// relay-signed SessionGrant it carries; the used seconds run from the grant's start.
result<receipt> on_session_end(escrow::ledger& l, const escrow_options& o, const incoming& in) {
  const wire::SessionEnd& m = in.as<wire::SessionEnd>();
  if (m.hold_id() == nullptr)
    return make_error(errc::invalid_argument, "SessionEnd.hold_id: missing");
  auto grant = open_grant(o, m);
  if (!grant)
    return grant.error();
  const wire::SessionGrant& g = *grant->as<wire::SessionGrant>();
  const bool by_relay = require_one_of(o.trusted_relays, in.opened.signer(), "relay").ok();
  if (!by_relay && in.opened.signer() != wire::from_wire(*g.renter()))
    return make_error(errc::bad_signature, "SessionEnd: not a trusted relay or the renter");
  const int64_t ended = by_relay ? std::min(m.ended_unix_s(), in.now_unix_s) : in.now_unix_s;
  escrow::rental_settle_request r;
  r.hold_id = wire::from_wire(*m.hold_id());
  r.session_id = wire::from_wire(*m.session_id());
  r.provider = wire::from_wire(*g.provider());
  r.price_per_gpu_hour = amount::from_micros(g.price_per_gpu_hour_micros());
  r.gpu_count = g.gpu()->count();
  r.used_seconds = std::max<int64_t>(0, ended - g.starts_unix_s());
  r.now_unix_s = in.now_unix_s;
  r.request = in.sealed;
  return l.settle_rental(r);
}

result<receipt> dispatch(escrow_state& st, const incoming& in) {
  escrow::ledger& l = *st.ledger;
  using wire::message_kind;
  switch (in.opened.kind()) {
  case message_kind::Deposit: return on_deposit(l, in);
  case message_kind::Withdraw: return on_withdraw(l, in);
  case message_kind::Hold: return on_hold(l, in);
  case message_kind::Refund: return on_refund(l, st.options, in);
  case message_kind::Stake: return on_stake(l, in);
  case message_kind::Unstake: return on_unstake(l, in);
  case message_kind::Slash: return on_slash(l, st.options, in);
  case message_kind::Dispute: return on_dispute(l, in);
  case message_kind::Verdict: return on_verdict(l, st.options, in);
  case message_kind::SessionEnd: return on_session_end(l, st.options, in);
  default: return make_error(errc::wrong_kind, "not a request to the escrow");
  }
}

// ------------------------------------------------------------------------------------------------
// The actor

void send_to_arbiter(escrow_pointer self, const wire::id128& dispute_id,
                     const wire::frame& dispute);

escrow_receipt receipt_of(const receipt& done) {
  AGORA_ASSERT(done.sequence > 0);
  return escrow_receipt{done.sequence, done.outcome == storage::apply_outcome::duplicate};
}

caf::result<escrow_receipt> answer_of(const result<receipt>& done) {
  if (!done)
    return to_caf_error(done.error());
  return receipt_of(*done);
}

// ------------------------------------------------------------------------------------------------
// Settlement batches

/// Writes `entries` (any number) in batches of at most batch_ops_max and answers each entry
/// with its own receipt or error once its batch is written.
void write_settles(escrow_pointer self, std::vector<queued_settle> entries) {
  for (size_t first = 0; first < entries.size(); first += escrow::batch_ops_max) {
    const size_t count = std::min(escrow::batch_ops_max, entries.size() - first);
    std::vector<escrow::batch_op> ops;
    ops.reserve(count);
    for (size_t i = first; i < first + count; ++i)
      ops.emplace_back(entries[i].request());
    auto done = self->state.ledger->apply_batch(ops);
    for (size_t i = 0; i < count; ++i) {
      auto& promise = entries[first + i].promise;
      if (done[i])
        promise.deliver(receipt_of(*done[i]));
      else
        promise.deliver(to_caf_error(done[i].error()));
    }
  }
}

/// Arms the settlement timer for the oldest queued Settle, unless it is armed or none waits.
void arm_settle_timer(escrow_pointer self) {
  auto& st = self->state;
  const auto due = st.settles->next_due();
  if (st.settle_timer_armed || !due)
    return;
  st.settle_timer_armed = true;
  self->delayed_send(self, std::max(*due - self->clock().now(), caf::timespan::zero()),
                     settle_flush_atom_v);
}

void on_settle_timer(escrow_pointer self) {
  self->state.settle_timer_armed = false;
  for (auto& due : self->state.settles->take_due(self->clock().now()))
    write_settles(self, std::move(due));
  arm_settle_timer(self);
}

void write_all_settles(escrow_pointer self) {
  for (auto& queue : self->state.settles->take_all())
    write_settles(self, std::move(queue));
}

/// Queues a checked Settle; answers it (later, or now when its queue filled) once it is written.
caf::result<escrow_receipt> queue_settle(escrow_pointer self, const incoming& in) {
  auto& st = self->state;
  auto entry = on_settle(*st.ledger, st.options, in);
  if (!entry)
    return to_caf_error(entry.error());
  auto promise = self->make_response_promise<escrow_receipt>();
  entry->promise = promise;
  const address provider = entry->provider;
  if (st.settles->push(std::move(*entry), self->clock().now()))
    write_settles(self, st.settles->take_provider(provider));
  arm_settle_timer(self);
  return promise;
}

/// The hold a Refund or SessionEnd acts on: a queued Settle of it must be written first.
std::optional<wire::id128> hold_acted_on(const wire::opened_envelope& opened) {
  if (opened.kind() == wire::message_kind::Refund)
    return wire::from_wire(*opened.as<wire::Refund>()->hold_id());
  if (opened.kind() == wire::message_kind::SessionEnd && opened.as<wire::SessionEnd>()->hold_id())
    return wire::from_wire(*opened.as<wire::SessionEnd>()->hold_id());
  return std::nullopt;
}

// ------------------------------------------------------------------------------------------------
// Executing frames

/// Authorizes and executes one opened frame (not a Settle); an accepted new Dispute goes to the
/// arbiter.
result<receipt> execute(escrow_pointer self, const incoming& in, const wire::frame& f) {
  auto done = dispatch(self->state, in);
  if (done && done->outcome == storage::apply_outcome::applied &&
      in.opened.kind() == wire::message_kind::Dispute && self->state.options.arbiter)
    send_to_arbiter(self, wire::from_wire(*in.opened.as<wire::Dispute>()->dispute_id()), f);
  return done;
}

/// Executes an opened frame other than a Settle as the unbatched escrow would: anything a
/// queued Settle could change waits for that Settle's write (escrow_actor.hpp).
result<receipt> execute_after_settles(escrow_pointer self, const incoming& in,
                                      const wire::frame& f) {
  AGORA_ASSERT(in.opened.kind() != wire::message_kind::Settle);
  auto& st = self->state;
  if (auto hold = hold_acted_on(in.opened))
    if (auto provider = st.settles->provider_of(*hold))
      write_settles(self, st.settles->take_provider(*provider));
  auto done = execute(self, in, f);
  if (!done && st.settles->has_renter(in.opened.signer())) {
    write_settles(self, st.settles->take_renter(in.opened.signer()));
    done = execute(self, in, f);
  }
  return done;
}

caf::result<escrow_receipt> on_frame(escrow_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return to_caf_error(opened.error());
  const incoming in{*opened, f.data, unix_seconds(self->state.options.clock.now(self))};
  if (opened->kind() == wire::message_kind::Settle)
    return queue_settle(self, in);
  return answer_of(execute_after_settles(self, in, f));
}

/// Applies the arbiter's answer, which must be a Verdict (dispatch checks its signer).
status apply_verdict(escrow_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::message_kind::Verdict)
    return make_error(errc::wrong_kind, "the arbiter answered with something else than a Verdict");
  const incoming in{*opened, f.data, unix_seconds(self->state.options.clock.now(self))};
  if (auto done = execute_after_settles(self, in, f); !done)
    return done.error();
  return {};
}

/// Asks the arbiter to decide `dispute` (its sealed Dispute) unless a request for it is in
/// flight; the dispute counts as in flight until the arbiter answers or the request fails.
void send_to_arbiter(escrow_pointer self, const wire::id128& dispute_id,
                     const wire::frame& dispute) {
  AGORA_ASSERT(self->state.options.arbiter);
  if (!self->state.arbitrating.insert(dispute_id).second)
    return;
  self->request(self->state.options.arbiter, self->state.options.arbitrate_timeout,
                arbitrate_atom_v, dispute)
      .then(
          [self, dispute_id](const wire::frame& verdict) {
            self->state.arbitrating.erase(dispute_id);
            if (auto done = apply_verdict(self, verdict); !done)
              spdlog::warn("escrow: the arbiter's verdict was refused: {}",
                           done.error().to_string());
          },
          [self, dispute_id](const caf::error& e) {
            self->state.arbitrating.erase(dispute_id);
            spdlog::warn("escrow: the arbiter failed: {}", from_caf_error(e).to_string());
          });
}

/// The sealed Dispute that opened `dispute_id`, read back from its journal record.
result<wire::frame> stored_dispute(const escrow::ledger& l, const wire::id128& dispute_id) {
  const auto sequence = l.state().find_applied({wire::EscrowOp::Dispute, dispute_id});
  if (!sequence)
    return make_error(errc::corrupt, "an open dispute without its journal entry");
  auto stored = l.journal_record(*sequence);
  if (!stored)
    return stored.error();
  if (!stored->has_value())
    return make_error(errc::corrupt, "the journal record of a dispute is missing");
  auto record = wire::read_record<wire::JournalRecord>(**stored);
  if (!record)
    return record.error();
  const auto* request = record->root()->request();
  if (request == nullptr || request->size() == 0)
    return make_error(errc::corrupt, "the journal record of a dispute has no request");
  return wire::frame{wire::message_kind::Dispute, bytes(request->begin(), request->end())};
}

/// Sends every Open dispute without a request in flight to the arbiter (none without one).
void arbitrate_open_disputes(escrow_pointer self) {
  if (!self->state.options.arbiter)
    return;
  for (const auto& [id, dispute] : self->state.ledger->state().disputes()) {
    if (dispute.state != wire::DisputeState::Open || self->state.arbitrating.contains(id))
      continue;
    auto f = stored_dispute(*self->state.ledger, id);
    if (!f) {
      spdlog::warn("escrow: cannot re-send an open dispute: {}", f.error().to_string());
      continue;
    }
    send_to_arbiter(self, id, *f);
  }
}

/// Releases up to releases_per_tick_max StakeUnlocking accounts whose lock has passed.
void release_unlocked(escrow_pointer self, int64_t now_unix_s) {
  escrow::ledger& l = *self->state.ledger;
  std::vector<escrow::release_request> due;
  const auto& accounts = l.state().accounts();
  for (auto it = accounts.lower_bound({wire::AccountKind::StakeUnlocking, address{}, {}});
       it != accounts.end() && it->first.kind == wire::AccountKind::StakeUnlocking &&
       due.size() < self->state.options.releases_per_tick_max;
       ++it)
    if (it->second.unlock_unix_s <= now_unix_s)
      due.push_back({it->first.sub_id, it->first.owner, now_unix_s});
  for (const auto& r : due) {  // release() changes the accounts: collected first
    if (auto done = l.release(r); !done) {
      spdlog::warn("escrow: releasing unlocked stake failed: {}", done.error().to_string());
      return;
    }
  }
}

void on_tick(escrow_pointer self) {
  const escrow_options& o = self->state.options;
  const int64_t now = unix_seconds(o.clock.now(self));
  write_all_settles(self);  // a queued Settle's hold is settled, not refunded as expired
  auto refunded = self->state.ledger->refund_expired(now, o.expired_per_tick_max);
  if (!refunded)
    spdlog::warn("escrow: refunding expired holds failed: {}", refunded.error().to_string());
  release_unlocked(self, now);
  arbitrate_open_disputes(self);
  self->delayed_send(self, o.tick_interval, tick_atom_v);
}

escrow_actor::behavior_type escrow_behavior(escrow_pointer self, escrow_options options,
                                            std::shared_ptr<escrow_backing> backing) {
  AGORA_ASSERT(backing != nullptr && backing->db != nullptr && backing->ledger != nullptr);
  AGORA_ASSERT(options.tick_interval > caf::timespan::zero());
  self->state.options = std::move(options);
  self->state.db = std::move(backing->db);
  self->state.ledger = std::move(backing->ledger);
  self->state.settles = std::make_unique<settle_batcher>(self->state.options.settle_batch_size,
                                                         self->state.options.settle_batch_delay);
  self->delayed_send(self, self->state.options.tick_interval, tick_atom_v);
  arbitrate_open_disputes(self);  // those a stopped escrow asked about, or never did
  return {
      [self](const wire::frame& f) { return on_frame(self, f); },
      [self](balance_atom, const balance_query& q) { return self->state.ledger->balance(q.key()); },
      [self](tick_atom) { on_tick(self); },
      [self](settle_flush_atom) { on_settle_timer(self); },
  };
}

}  // namespace

balance_query balance_query::of(const escrow::account_key& key) {
  return balance_query{key.kind, key.owner.raw(), key.sub_id};
}

escrow::account_key balance_query::key() const {
  return escrow::account_key{kind, address{owner}, sub_id};
}

result<escrow_actor> spawn_escrow(caf::actor_system& sys, escrow_options options) {
  if (options.settle_batch_size < 1 || options.settle_batch_size > escrow::batch_ops_max ||
      options.settle_batch_delay < caf::timespan::zero())
    return make_error(errc::invalid_argument, "escrow_options: settle batch size or delay");
  auto backing = std::make_shared<escrow_backing>();
  auto db = storage::store::open(options.store);
  if (!db)
    return db.error();
  backing->db = std::move(*db);
  auto opened = escrow::ledger::open(*backing->db, options.ledger);
  if (!opened)
    return opened.error();
  backing->ledger = std::move(*opened);
  return sys.spawn(escrow_behavior, std::move(options), std::move(backing));
}

}  // namespace agora::actors
