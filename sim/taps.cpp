// The observers of a simulated market: the escrow tap with its audits, the arbiter tap and the
// relay front (taps.hpp).
#include "sim/taps.hpp"

#include <memory>
#include <optional>

#include "actors/common/caf_error.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/relay/relay_actor.hpp"
#include "core/assert.hpp"
#include "schemas/envelope.hpp"
#include "schemas/task_generated.h"

namespace agora::sim {

using actors::escrow_receipt;
using actors::from_caf_error;
using wire::frame;

namespace {

std::string short_id(const wire::id128& id) {
  return to_hex(byte_view(id.data(), 4));
}

/// The provider a Settle's nested ComputeProof names, read without checking its signature (the
/// escrow does that); nullopt if it does not verify as a ComputeProof.
std::optional<address> proof_provider(const wire::Settle& s) {
  if (s.proof() == nullptr)
    return std::nullopt;
  flatbuffers::Verifier outer(s.proof()->data(), s.proof()->size());
  if (!wire::VerifyEnvelopeBuffer(outer))
    return std::nullopt;
  const wire::Envelope* e = wire::GetEnvelope(s.proof()->data());
  flatbuffers::Verifier inner(e->payload()->data(), e->payload()->size());
  if (!inner.VerifyBuffer<wire::ComputeProof>(nullptr))
    return std::nullopt;
  return wire::from_wire(
      *flatbuffers::GetRoot<wire::ComputeProof>(e->payload()->data())->provider());
}

/// What a request opened by the tap is about: its trace text, the accounts it may touch (marked
/// dirty) and, for a Settle or Refund, the hold it finishes.
struct request_view {
  std::string text;
  std::optional<std::pair<wire::id128, bool>> finishes;  // hold, settled
  std::optional<escrow::account_key> opens;              // a Hold's or Dispute's account
  std::optional<std::pair<address, wire::SlashReason>> slash;
};

request_view view_hold(market_state& m, const wire::Hold& h, request_view v) {
  const wire::id128 id = wire::from_wire(*h.hold_id());
  const address renter = wire::from_wire(*h.renter());
  m.watch.on_hold_requested(renter, id, wire::from_wire(*h.subject_id()));
  v.opens = escrow::hold_account(renter, id);
  v.text += " hold " + short_id(id) + " " + std::to_string(h.amount_micros());
  return v;
}

request_view view_settle(market_state& m, const wire::Settle& s, request_view v) {
  const wire::id128 id = wire::from_wire(*s.hold_id());
  v.finishes = std::pair{id, true};
  m.watch.touch_hold(id);
  if (const auto provider = proof_provider(s))
    m.watch.touch_party(*provider);
  else
    m.watch.touch_all();
  v.text += " hold " + short_id(id);
  return v;
}

request_view view_dispute(market_state& m, const wire::Dispute& d, request_view v) {
  const address renter = wire::from_wire(*d.renter());
  const address provider = wire::from_wire(*d.provider());
  const wire::id128 id = wire::from_wire(*d.dispute_id());
  m.watch.on_dispute_requested(renter, id, provider);
  m.watch.touch_task(wire::from_wire(*d.task_id()));
  v.opens = escrow::dispute_bond(renter, id);
  ++m.disputes;
  v.text += " against " + m.name_of(provider);
  return v;
}

request_view view_request(market_state& m, const wire::opened_envelope& e) {
  request_view v{wire::kind_name(e.kind()) + " by " + m.name_of(e.signer()), {}, {}};
  switch (e.kind()) {
  case wire::message_kind::Hold: return view_hold(m, *e.as<wire::Hold>(), std::move(v));
  case wire::message_kind::Settle: return view_settle(m, *e.as<wire::Settle>(), std::move(v));
  case wire::message_kind::Refund: {
    const wire::id128 id = wire::from_wire(*e.as<wire::Refund>()->hold_id());
    v.finishes = std::pair{id, false};
    m.watch.touch_hold(id);
    v.text += " hold " + short_id(id);
    return v;
  }
  case wire::message_kind::Dispute: return view_dispute(m, *e.as<wire::Dispute>(), std::move(v));
  case wire::message_kind::Slash: {
    const auto* s = e.as<wire::Slash>();
    m.watch.touch_party(wire::from_wire(*s->provider()));
    m.watch.touch_task(wire::from_wire(*s->task_id()));
    v.slash = std::pair{wire::from_wire(*s->provider()), s->reason()};
    v.text += " " + m.name_of(wire::from_wire(*s->provider())) + " " +
              wire::EnumNameSlashReason(s->reason());
    return v;
  }
  case wire::message_kind::Deposit:
  case wire::message_kind::Stake:
  case wire::message_kind::Withdraw:
  case wire::message_kind::Unstake: m.watch.touch_party(e.signer()); return v;
  default: m.watch.touch_all(); return v;
  }
}

/// The invariant "a provider is slashed only for something it did": a Downtime slash needs its
/// link cut off (offline or partitioned) for 3.5 h or more in one stretch (the relay counts 4 h
/// from the last heartbeat it heard); a FailureToServe slash needs a provider that fails tasks,
/// or a link that lost or withheld one of its frames in the last 2 h, or is cut off now.
void check_slash(caf::event_based_actor* self, market_state* m, const address& provider,
                 wire::SlashReason reason) {
  using namespace std::chrono_literals;
  ++m->slashes;
  const provider_record& rec = m->providers[provider];
  const caf::timespan now = m->now(self);
  const bool down = rec.down_since.count() >= 0;
  bool earned = false;
  if (reason == wire::SlashReason::Downtime) {
    const caf::timespan stretch = down ? now - rec.down_since : caf::timespan{0};
    earned = std::max(rec.down_longest, stretch) >= 3h + 30min;
  } else {
    const bool faulted = rec.last_link_fault.count() >= 0 && now - rec.last_link_fault <= 2h;
    earned = rec.misbehaves || faulted || down;
  }
  if (!earned)
    m->watch.violation(m->name_of(provider) + " slashed for " + wire::EnumNameSlashReason(reason) +
                       " at " + format_seconds(now) + " s, but it did nothing of the kind");
}

// -------------------------------------------------------------------------------------------------
// Audits: balance queries in one batch, right behind the requests they audit.

struct audit_batch {
  std::vector<escrow::account_key> keys;
  std::vector<int64_t> balances;
  size_t waiting = 0;
  bool failed = false;
  bool full = false;
  bool precrash = false;  // the last audit before a timed escrow crash
};

void start_batch(caf::event_based_actor* self, market_state* m,
                 std::vector<escrow::account_key> keys, bool full, bool precrash = false);

/// Sends the next incremental audit unless one is in flight or nothing is dirty.
void maybe_audit(caf::event_based_actor* self, market_state* m) {
  if (m->incremental_in_flight || m->escrow == nullptr)
    return;
  std::vector<escrow::account_key> keys = m->watch.take_dirty();
  if (keys.empty())
    return;
  m->incremental_in_flight = true;
  m->inflight_keys = keys;
  start_batch(self, m, std::move(keys), false);
}

/// A full audit after a restart: the accounts no request touched since the last audit before
/// the crash must read what they read then.
void check_restart(caf::event_based_actor* self, market_state* m, const audit_batch& batch) {
  if (!batch.full || !m->restart_check || m->escrow == nullptr)
    return;
  m->restart_check = false;
  const size_t n = m->watch.check_after_restart(batch.keys, batch.balances);
  m->restart_compared += n;
  m->log(self, "escrow after its restart: " + std::to_string(n) +
                   " accounts untouched since its last audit compared with it");
}

void finish_batch(caf::event_based_actor* self, market_state* m, audit_batch& batch) {
  if (!batch.full) {
    m->incremental_in_flight = false;
    m->inflight_keys.clear();
  }
  if (batch.failed) {
    m->watch.on_read_failed(batch.keys);
  } else {
    check_restart(self, m, batch);
    const int64_t sum = m->watch.on_read(batch.keys, batch.balances);
    if (sum != 0)
      m->log(self, "audit: " + std::to_string(batch.keys.size()) + " accounts read, the " +
                       "followed accounts sum to " + std::to_string(sum));
    if (batch.full) {
      m->audited_keys = batch.keys;
      m->audited = batch.balances;
    }
  }
  if (batch.precrash && m->escrow != nullptr && m->crash_after_audit) {
    m->crash_after_audit = false;
    m->watch.remember_before_crash();
    m->crash_escrow(false);
  }
  maybe_audit(self, m);
}

/// TEST_phantom_micros: an escrow whose ProtocolFee reads more than it holds once a hold was
/// settled (money made from nothing); the audit right after that settlement must see it.
int64_t planted(const market_state& m, const escrow::account_key& key, int64_t micros) {
  if (m.TEST_phantom_micros != 0 && m.watch.settled() > 0 && key == escrow::protocol_fee_account())
    return micros + m.TEST_phantom_micros;
  return micros;
}

void start_batch(caf::event_based_actor* self, market_state* m,
                 std::vector<escrow::account_key> keys, bool full, bool precrash) {
  AGORA_ASSERT(m->escrow != nullptr);
  AGORA_ASSERT(!keys.empty());
  auto batch = std::make_shared<audit_batch>();
  batch->keys = std::move(keys);
  batch->balances.assign(batch->keys.size(), 0);
  batch->waiting = batch->keys.size();
  batch->full = full;
  batch->precrash = precrash;
  for (size_t i = 0; i < batch->keys.size(); ++i) {
    self->request(m->escrow, caf::infinite, actors::balance_atom_v,
                  actors::balance_query::of(batch->keys[i]))
        .then(
            [self, m, batch, i](int64_t micros) {
              batch->balances[i] = planted(*m, batch->keys[i], micros);
              if (--batch->waiting == 0)
                finish_batch(self, m, *batch);
            },
            [self, m, batch](const caf::error&) {
              batch->failed = true;  // the escrow died under the batch
              if (--batch->waiting == 0)
                finish_batch(self, m, *batch);
            });
  }
}

// -------------------------------------------------------------------------------------------------
// The escrow tap

/// TEST_settle_twice: sends the escrow a Settle it was just sent again; the watch sees the
/// answer like any other (an executed second settlement is a violation). TEST_replay_executes
/// plants the bug: the replay's answer says it executed.
void replay_settle(caf::event_based_actor* self, market_state* m, const frame& f,
                   const std::string& what, const wire::id128& hold_id) {
  self->request(m->escrow, caf::infinite, f)
      .then(
          [self, m, what, hold_id](escrow_receipt r) {
            if (m->TEST_replay_executes)
              r.duplicate = false;
            m->watch.on_hold_finished(hold_id, true, r);
            m->log(self, "escrow -> replayed " + what + ": seq " + std::to_string(r.sequence) +
                             (r.duplicate ? " (duplicate)" : ""));
          },
          [self, m, what](const caf::error& e) {
            m->log(self, "escrow -> replayed " + what + ": refused: " + from_caf_error(e).message);
          });
}

/// The armed mid-settlement crash: the escrow executed `settle` (its store has it) and dies
/// before the answer leaves; the requester hears of a broken connection, and the Settle is sent
/// again after the restart, where it must be a duplicate.
void crash_before_answer(caf::event_based_actor* self, market_state* m, const std::string& what,
                         const frame& settle, caf::response_promise& rp) {
  AGORA_ASSERT(m->crash_escrow != nullptr);
  m->crash_armed = false;
  m->log(self, "escrow executed " + what + " and crashes before answering");
  m->watch.track_touches();
  m->watch.touched(m->inflight_keys);  // read before the Settle, or not yet read
  m->watch.remember_before_crash();
  m->crash_escrow(true);
  m->resend.push_back(settle);
  rp.deliver(actors::make_caf_error(errc::io_error, "the escrow went down before answering"));
}

caf::result<escrow_receipt> on_escrow_request(caf::event_based_actor* self, market_state* m,
                                              const frame& f) {
  auto opened = wire::open(f.data);
  if (m->escrow == nullptr) {  // it reaches no escrow: nothing to mark or follow
    const std::string who = opened ? " by " + m->name_of(opened->signer()) : "";
    m->log(self, "escrow <- " + wire::kind_name(f.kind) + who + ": unreachable (escrow down)");
    return actors::make_caf_error(errc::io_error, "the escrow is down");
  }
  const request_view v = opened ? view_request(*m, *opened)
                                : request_view{wire::kind_name(f.kind) + " that does not open"};
  m->log(self, "escrow <- " + v.text);
  auto rp = self->make_response_promise<escrow_receipt>();
  self->request(m->escrow, caf::infinite, f)
      .then(
          [self, m, v, rp, f](const escrow_receipt& r) mutable {
            if (v.finishes)
              m->watch.on_hold_finished(v.finishes->first, v.finishes->second, r);
            if (v.finishes && v.finishes->second && !r.duplicate && m->crash_armed)
              return crash_before_answer(self, m, v.text, f, rp);
            if (v.opens)
              m->watch.on_opened(*v.opens, true);
            if (v.slash && !r.duplicate)
              check_slash(self, m, v.slash->first, v.slash->second);
            m->log(self, "escrow -> " + v.text + ": seq " + std::to_string(r.sequence) +
                             (r.duplicate ? " (duplicate)" : ""));
            rp.deliver(r);
          },
          [self, m, v, rp](caf::error& e) mutable {
            if (v.opens)
              m->watch.on_opened(*v.opens, false);
            m->log(self, "escrow -> " + v.text + ": refused: " + from_caf_error(e).message);
            rp.deliver(std::move(e));
          });
  if (m->TEST_settle_twice && v.finishes && v.finishes->second)
    replay_settle(self, m, f, v.text, v.finishes->first);
  maybe_audit(self, m);  // right behind the request: it reads the state after it
  return rp;
}

}  // namespace

caf::behavior escrow_tap(caf::event_based_actor* self, market_state* m) {
  return {
      [self, m](const frame& f) { return on_escrow_request(self, m, f); },
      [self, m](audit_atom, bool full) {
        if (m->escrow == nullptr)
          return;
        if (!full)
          return maybe_audit(self, m);
        start_batch(self, m, m->watch.audit_keys(), true);
      },
      [self, m](precrash_atom) {
        if (m->escrow == nullptr)
          return;
        m->watch.track_touches();
        start_batch(self, m, m->watch.audit_keys(), true, true);
      },
  };
}

// -------------------------------------------------------------------------------------------------
// The arbiter tap: every Dispute the escrow sends and the Verdict that comes back.

actors::arbiter_inbox::behavior_type arbiter_tap(actors::arbiter_inbox::pointer self,
                                                 actors::arbiter_inbox target, market_state* m) {
  return {[self, target, m](actors::arbitrate_atom, const frame& f) -> caf::result<frame> {
    auto rp = self->make_response_promise<frame>();
    self->request(target, caf::infinite, actors::arbitrate_atom_v, f)
        .then(
            [self, m, rp](const frame& verdict) mutable {
              auto v = wire::open(verdict.data);
              AGORA_ASSERT(v && v->kind() == wire::message_kind::Verdict);
              const auto* p = v->as<wire::Verdict>();
              const address provider = wire::from_wire(*p->provider());
              m->watch.touch_dispute(wire::from_wire(*p->dispute_id()));
              m->log(self, std::string("arbiter: ") + wire::EnumNameVerdictOutcome(p->outcome()) +
                               " for " + m->name_of(provider));
              if (p->outcome() == wire::VerdictOutcome::ProviderWrong &&
                  !m->providers[provider].misbehaves)
                m->watch.violation("arbiter found " + m->name_of(provider) +
                                   " wrong, but it computes honestly");
              rp.deliver(verdict);
              caf::anon_send(m->tap, audit_atom::value, false);  // behind the Verdict
            },
            [self, m, rp](caf::error& e) mutable {
              m->log(self, "arbiter: no verdict: " + from_caf_error(e).message);
              rp.deliver(std::move(e));
            });
    return rp;
  }};
}

// -------------------------------------------------------------------------------------------------
// The relay front

caf::behavior relay_front(caf::event_based_actor* self, market_state* m) {
  const auto down = [] {
    return actors::make_caf_error(errc::limit_exceeded, "No providers available (relay down)");
  };
  return {
      [self, m, down](actors::route_atom a, const frame& f,
                      const actors::frame_sink& sink) -> caf::result<frame> {
        if (m->relay == nullptr)
          return down();
        return self->delegate(m->relay, a, f, sink);
      },
      [self, m, down](actors::rent_atom a, const frame& f,
                      const actors::frame_sink& sink) -> caf::result<frame> {
        if (m->relay == nullptr)
          return down();
        return self->delegate(m->relay, a, f, sink);
      },
      [self, m, down](actors::end_session_atom a, const frame& f) -> caf::result<escrow_receipt> {
        if (m->relay == nullptr)
          return down();
        return self->delegate(m->relay, a, f);
      },
  };
}

}  // namespace agora::sim
