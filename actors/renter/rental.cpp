// The renter's rental sessions: the prepaid Rental Hold, the SessionRequest, the usage the relay
// forwards, and the renter's SessionEnd (renter.hpp).

#include "actors/renter/rental.hpp"

#include <spdlog/spdlog.h>

#include "actors/common/caf_error.hpp"
#include "core/amount.hpp"
#include "schemas/envelope.hpp"

namespace agora::actors {

namespace {

wire::frame seal_rental_hold(renter_pointer self, const wire::id128& session,
                             const wire::id128& hold_id, int64_t micros, uint32_t duration_s) {
  const renter_options& o = *self->state.options;
  wire::HoldT m;
  m.renter = wire::to_wire(o.key.address());
  m.hold_id = wire::to_wire(hold_id);
  m.amount_micros = micros;
  m.purpose = wire::HoldPurpose::Rental;
  m.subject_id = wire::to_wire(session);
  m.created_unix_s = now_s(self);
  m.expires_unix_s = m.created_unix_s + duration_s;
  return {wire::message_kind::Hold, wire::seal(m, o.key)};
}

result<wire::frame> seal_session_request(renter_pointer self, const renter_rental& spec,
                                         const wire::id128& session, const wire::id128& hold_id) {
  const renter_options& o = *self->state.options;
  wire::SessionRequestT m;
  m.renter = wire::to_wire(o.key.address());
  m.session_id = wire::to_wire(session);
  m.hold_id = wire::to_wire(hold_id);
  m.gpu_name = spec.gpu_name;
  m.gpu_count = spec.gpu_count;
  m.model = spec.model;
  m.duration_s = spec.duration_s;
  m.price_cap_per_gpu_hour_micros = spec.price_cap_per_gpu_hour_micros;
  m.created_unix_s = now_s(self);
  if (!spec.provider.empty()) {
    auto provider = address::parse(spec.provider);
    if (!provider)
      return provider.error();
    m.provider = wire::to_wire(*provider);
  }
  wire::frame f{wire::message_kind::SessionRequest, wire::seal(m, o.key)};
  if (auto opened = wire::open(f.data); !opened)  // the spec breaks a field limit
    return opened.error();
  return f;
}

/// Asks the relay for the session; the grant (or the error) goes to `rp`.
void ask_relay(renter_pointer self, const wire::id128& session, const wire::frame& request,
               caf::typed_response_promise<wire::frame> rp) {
  const renter_options& o = *self->state.options;
  self->request(o.relay, o.call_timeout, rent_atom_v, request, caf::actor_cast<frame_sink>(self))
      .then(
          [self, session, rp](const wire::frame& grant) mutable {
            self->state.rentals[session].grant = grant.data;
            rp.deliver(grant);
          },
          [self, session, rp](caf::error& e) mutable {
            self->state.rentals.erase(session);
            rp.deliver(std::move(e));
          });
}

}  // namespace

caf::result<wire::frame> on_rent(renter_pointer self, const renter_rental& spec) {
  renter_state& st = self->state;
  const wire::id128 session = random_id(*st.options->rng);
  const wire::id128 hold_id = random_id(*st.options->rng);
  auto prepaid = cost_of_gpu_time(amount::from_micros(spec.price_cap_per_gpu_hour_micros),
                                  spec.gpu_count, spec.duration_s);
  if (!prepaid)
    return to_caf_error(prepaid.error());
  auto request = seal_session_request(self, spec, session, hold_id);
  if (!request)
    return to_caf_error(request.error());
  st.rentals.emplace(session, renter_rental_state{hold_id, {}, {}});
  auto rp = self->make_response_promise<wire::frame>();
  self->request(st.options->escrow, st.options->call_timeout,
                seal_rental_hold(self, session, hold_id, prepaid->micros(), spec.duration_s))
      .then([self, session, request = *request,
             rp](const escrow_receipt&) { ask_relay(self, session, request, rp); },
            [self, session, rp](const caf::error& e) mutable {
              self->state.rentals.erase(session);
              rp.deliver(e);
            });
  return rp;
}

caf::result<escrow_receipt> on_end_session(renter_pointer self, const wire::id128& session) {
  const renter_options& o = *self->state.options;
  auto it = self->state.rentals.find(session);
  if (it == self->state.rentals.end() || it->second.grant.empty())
    return make_caf_error(errc::not_found, "renter: no granted session " + to_hex(session));
  wire::SessionEndT m;
  m.sender = wire::to_wire(o.key.address());
  m.session_id = wire::to_wire(session);
  m.reason = wire::SessionEndReason::RenterClosed;
  m.ended_unix_s = now_s(self);
  m.gpu_seconds_total = it->second.usage.gpu_seconds;
  m.hold_id = wire::to_wire(it->second.hold_id);
  m.grant = it->second.grant;
  auto rp = self->make_response_promise<escrow_receipt>();
  self->request(o.relay, o.call_timeout, end_session_atom_v,
                wire::frame{wire::message_kind::SessionEnd, wire::seal(m, o.key)})
      .then(
          [self, session, rp](const escrow_receipt& r) mutable {
            self->state.rentals[session].usage.ended = true;
            rp.deliver(r);
          },
          [rp](caf::error& e) mutable { rp.deliver(std::move(e)); });
  return rp;
}

caf::result<rental_usage> read_usage(renter_pointer self, const wire::id128& session) {
  auto it = self->state.rentals.find(session);
  if (it == self->state.rentals.end())
    return make_caf_error(errc::not_found, "renter: no session " + to_hex(session));
  return it->second.usage;
}

void on_rental_frame(renter_pointer self, const wire::opened_envelope& opened) {
  const bool usage = opened.kind() == wire::message_kind::UsageReport;
  const wire::id128 session = wire::from_wire(usage ? *opened.as<wire::UsageReport>()->session_id()
                                                    : *opened.as<wire::SessionEnd>()->session_id());
  auto it = self->state.rentals.find(session);
  if (it == self->state.rentals.end())
    return spdlog::warn("renter: a {} for no session of ours", wire::kind_name(opened.kind()));
  if (!usage) {
    it->second.usage.ended = true;
    return;
  }
  ++it->second.usage.reports;
  it->second.usage.gpu_seconds += opened.as<wire::UsageReport>()->gpu_seconds();
}

}  // namespace agora::actors
