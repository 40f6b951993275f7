// The gateway's rental actor (rental_actor.hpp).
#include "net/gateway/rentals/rental_actor.hpp"

#include <spdlog/spdlog.h>

#include <numeric>
#include <set>

#include "actors/common/caf_error.hpp"
#include "core/amount.hpp"
#include "net/gateway/rentals/rental_messages.hpp"

namespace agora::net::gateway::rentals {

namespace {

struct rental_state {
  std::shared_ptr<const rental_actor_options> options;
  size_t opening = 0;             // open calls past the limit check, not answered yet
  std::set<wire::id128> closing;  // sessions whose SessionEnd is in flight

  static inline const char* name = "agora.gateway.rentals";
};

using rental_pointer = caf::stateful_actor<rental_state>*;

int64_t now_s(rental_pointer self) {
  return unix_seconds(self->state.options->clock.now(self));
}

result<rental_snapshot> snapshot_of(rental_pointer self, const rental_record& record) {
  auto terms = terms_of(record);
  if (!terms)
    return terms.error();
  const int64_t now = now_s(self);
  return rental_snapshot{record, *terms, figures_of(*terms, record, now), now};
}

/// The provider's GPU-hour rate from its registration; not_found (unknown), invalid_argument
/// (fewer GPUs than asked), limit_exceeded (not serving now, or renting no GPUs).
result<int64_t> rate_of(const actors::relay_status& status, const rental_order& order) {
  for (const actors::relay_provider_status& p : status.providers) {
    auto provider = address::parse(p.provider);
    if (!provider || *provider != order.provider)
      continue;
    if (p.state != relay::liveness::healthy || p.draining)
      return make_error(errc::limit_exceeded, "provider " + p.provider + " is not available now");
    const uint32_t gpus =
        std::accumulate(p.gpus.begin(), p.gpus.end(), 0u,
                        [](uint32_t n, const actors::relay_gpu_status& g) { return n + g.count; });
    if (order.gpu_count > gpus)
      return make_error(errc::invalid_argument,
                        "provider " + p.provider + " has " + std::to_string(gpus) + " GPU(s)");
    if (p.price_per_gpu_hour_micros <= 0)
      return make_error(errc::limit_exceeded, "provider " + p.provider + " rents no GPUs");
    return p.price_per_gpu_hour_micros;
  }
  return make_error(errc::not_found,
                    "no provider " + order.provider.to_string() + " is registered with the relay");
}

// ------------------------------------------------------------------------------------------------
// Opening: relay status → Hold → rent → record.

/// One open call on its way; its `done` is called once, by finish().
struct opening {
  rental_open_call call;
  rental_ask ask;
};

using opening_ptr = std::shared_ptr<opening>;

void finish(rental_pointer self, const opening_ptr& o, const result<rental_snapshot>& outcome) {
  AGORA_ASSERT(self->state.opening > 0);
  --self->state.opening;
  o->call.done(outcome);
}

/// The relay granted the session: it becomes an active record.
void on_granted(rental_pointer self, const opening_ptr& o, const wire::frame& request,
                const wire::frame& grant) {
  auto checked = check_grant(o->ask, o->call.payer->address(), grant);
  if (!checked)
    return finish(self, o, checked.error());
  rental_record record;
  record.session_id = o->ask.session_id;
  record.request = request.data;
  record.grant = grant.data;
  if (auto s = self->state.options->book->put(record); !s)
    spdlog::error("gateway: rental {} not stored: {}", to_hex(record.session_id),
                  s.error().to_string());
  spdlog::info("gateway: rental {} granted on {}", to_hex(record.session_id),
               o->ask.order.provider.to_string());
  finish(self, o, snapshot_of(self, record));
}

/// The Hold was taken: the relay rents the session out (and refunds the Hold if it cannot).
void rent(rental_pointer self, const opening_ptr& o) {
  const rental_actor_options& opt = *self->state.options;
  auto request = seal_session_request(o->ask, *o->call.payer);
  if (!request)  // the Hold expires and comes back; cannot happen with the order's limits
    return finish(self, o, request.error());
  self->request(opt.relay, opt.rent_timeout, actors::rent_atom_v, *request,
                caf::actor_cast<actors::frame_sink>(self))
      .then([self, o, r = *request](const wire::frame& grant) { on_granted(self, o, r, grant); },
            [self, o](const caf::error& e) {
              finish(self, o,
                     make_error(errc::limit_exceeded, "the provider did not grant the session: " +
                                                          actors::from_caf_error(e).to_string()));
            });
}

void hold(rental_pointer self, const opening_ptr& o, int64_t rate) {
  const rental_actor_options& opt = *self->state.options;
  o->ask.price_per_gpu_hour_micros = rate;
  auto prepaid =
      cost_of_gpu_time(amount::from_micros(rate), o->ask.order.gpu_count, o->ask.duration_s());
  if (!prepaid)
    return finish(self, o, prepaid.error());
  o->ask.prepaid_micros = prepaid->micros();
  o->ask.created_unix_s = now_s(self);
  self->request(opt.escrow, opt.call_timeout, seal_rental_hold(o->ask, *o->call.payer))
      .then([self, o](const actors::escrow_receipt&) { rent(self, o); },
            [self, o](const caf::error& e) {
              auto why = actors::from_caf_error(e);
              finish(self, o,
                     why.code == errc::insufficient_funds
                         ? why
                         : make_error(errc::io_error,
                                      "the escrow refused the Hold: " + why.to_string()));
            });
}

void on_open(rental_pointer self, rental_open_call& call) {
  rental_state& st = self->state;
  if (st.options->book->active() + st.opening >= st.options->active_max)
    return call.done(make_error(errc::limit_exceeded, "too many rental sessions on this gateway"));
  ++st.opening;
  auto o = std::make_shared<opening>(opening{std::move(call), {}});
  o->ask.order = o->call.order;
  st.options->rng->fill(o->ask.session_id);
  st.options->rng->fill(o->ask.hold_id);
  self->request(st.options->relay, st.options->call_timeout, actors::status_atom_v)
      .then(
          [self, o](const actors::relay_status& status) {
            auto rate = rate_of(status, o->ask.order);
            if (!rate)
              return finish(self, o, rate.error());
            hold(self, o, *rate);
          },
          [self, o](const caf::error& e) { finish(self, o, actors::from_caf_error(e)); });
}

// ------------------------------------------------------------------------------------------------
// Reading and ending.

/// The payer's session `id`: its record and terms; not_found for none (or another payer's).
result<std::pair<rental_record, rental_terms>> find_own(rental_pointer self, const wire::id128& id,
                                                        const private_key& payer) {
  auto record = self->state.options->book->find(id);
  if (!record)
    return make_error(errc::not_found, "no rental session " + to_hex(id));
  auto terms = terms_of(*record);
  if (!terms)
    return terms.error();
  if (terms->renter != payer.address())
    return make_error(errc::not_found, "no rental session " + to_hex(id));
  return std::pair{std::move(*record), std::move(*terms)};
}

void on_read(rental_pointer self, const rental_read_call& call) {
  auto own = find_own(self, call.session_id, *call.payer);
  if (!own)
    return call.done(own.error());
  call.done(snapshot_of(self, own->first));
}

/// Marks the session ended at `ended_unix_s` unless it is already; returns its record.
rental_record mark_ended(rental_pointer self, rental_record record, int64_t ended_unix_s,
                         wire::SessionEndReason reason) {
  if (record.state == wire::SessionState::Ended)
    return record;
  record.state = wire::SessionState::Ended;
  record.ended_unix_s = ended_unix_s;
  record.end_reason = reason;
  if (auto s = self->state.options->book->put(record); !s)
    spdlog::error("gateway: rental {} end not stored: {}", to_hex(record.session_id),
                  s.error().to_string());
  spdlog::info("gateway: rental {} ended ({})", to_hex(record.session_id),
               wire::EnumNameSessionEndReason(reason));
  return record;
}

void on_close(rental_pointer self, const rental_close_call& call) {
  rental_state& st = self->state;
  const wire::id128 id = call.session_id;
  auto own = find_own(self, id, *call.payer);
  if (!own)
    return call.done(own.error());
  const auto& [record, terms] = *own;
  if (record.state == wire::SessionState::Ended)
    return call.done(make_error(errc::already_exists, "the rental session ended already"));
  if (!st.closing.insert(id).second)
    return call.done(make_error(errc::replayed, "the rental session is being ended"));
  const int64_t ended = now_s(self);
  const wire::frame end = seal_session_end(id, terms.hold_id, record.grant,
                                           record.gpu_seconds_reported, ended, *call.payer);
  self->request(st.options->relay, st.options->call_timeout, actors::end_session_atom_v, end)
      .then(
          [self, call, ended, before = record](const actors::escrow_receipt&) {
            self->state.closing.erase(call.session_id);
            // The relay's echo of this SessionEnd may have marked it ended meanwhile.
            const rental_record current =
                self->state.options->book->find(call.session_id).value_or(before);
            call.done(snapshot_of(
                self, mark_ended(self, current, ended, wire::SessionEndReason::RenterClosed)));
          },
          [self, call](const caf::error& e) {
            self->state.closing.erase(call.session_id);
            auto why = actors::from_caf_error(e);
            // The relay forgot it: it expired or its provider closed it; their SessionEnd is on
            // its way to this actor.
            call.done(
                why.code == errc::not_found
                    ? make_error(errc::already_exists, "the relay ended it: " + why.message)
                    : make_error(errc::io_error, "the session did not end: " + why.to_string()));
          });
}

// ------------------------------------------------------------------------------------------------
// The renter sink: what the relay forwards.

void on_usage(rental_pointer self, rental_record record, const rental_terms& terms,
              const wire::opened_envelope& opened) {
  const wire::UsageReport& m = *opened.as<wire::UsageReport>();
  if (opened.signer() != terms.provider || m.sequence() <= record.last_report_sequence ||
      record.state == wire::SessionState::Ended)
    return spdlog::warn("gateway: a UsageReport for rental {} dropped", to_hex(record.session_id));
  record.last_report_sequence = m.sequence();
  record.gpu_seconds_reported += m.gpu_seconds();
  if (auto s = self->state.options->book->put(record); !s)
    spdlog::error("gateway: rental {} usage not stored: {}", to_hex(record.session_id),
                  s.error().to_string());
}

/// A SessionEnd: the relay's (expiry, provider closed) or this gateway's own, echoed back.
void on_session_end(rental_pointer self, const rental_record& record, const rental_terms& terms,
                    const wire::opened_envelope& opened, const address& relay) {
  const wire::SessionEnd& m = *opened.as<wire::SessionEnd>();
  if (opened.signer() != relay && opened.signer() != terms.renter)
    return spdlog::warn("gateway: a SessionEnd for rental {} from a stranger dropped",
                        to_hex(record.session_id));
  mark_ended(self, record, m.ended_unix_s(), m.reason());
}

void on_frame(rental_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return spdlog::warn("gateway: a frame for rentals dropped: {}", opened.error().to_string());
  const auto kind = opened->kind();
  if (kind != wire::message_kind::UsageReport && kind != wire::message_kind::SessionEnd)
    return spdlog::warn("gateway: a {} for rentals dropped", wire::kind_name(kind));
  const bool usage = kind == wire::message_kind::UsageReport;
  const wire::id128 id = wire::from_wire(usage ? *opened->as<wire::UsageReport>()->session_id()
                                               : *opened->as<wire::SessionEnd>()->session_id());
  auto record = self->state.options->book->find(id);
  auto terms = record ? terms_of(*record) : result<rental_terms>(make_error(errc::not_found, ""));
  if (!terms)
    return spdlog::warn("gateway: a {} for no rental session of ours", wire::kind_name(kind));
  if (usage)
    return on_usage(self, *record, *terms, *opened);
  auto grant = wire::open(record->grant);
  AGORA_ASSERT(grant.ok());  // terms_of opened it
  on_session_end(self, *record, *terms, *opened, grant->signer());
}

caf::behavior rental_behavior(rental_pointer self,
                              std::shared_ptr<const rental_actor_options> options) {
  AGORA_ASSERT(options->rng != nullptr && options->book != nullptr);
  AGORA_ASSERT(options->active_max > 0);
  self->state.options = std::move(options);
  return {
      [self](open_atom, rental_open_call& call) { on_open(self, call); },
      [self](read_atom, const rental_read_call& call) { on_read(self, call); },
      [self](close_atom, const rental_close_call& call) { on_close(self, call); },
      [self](const wire::frame& f) { on_frame(self, f); },
  };
}

}  // namespace

caf::actor spawn_rental_actor(caf::local_actor* parent, rental_actor_options options) {
  AGORA_ASSERT(parent != nullptr);
  return parent->spawn<caf::linked>(
      rental_behavior, std::make_shared<const rental_actor_options>(std::move(options)));
}

}  // namespace agora::net::gateway::rentals
