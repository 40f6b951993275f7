// Sealing the gateway's rental messages and checking the grant (rental_messages.hpp).
#include "net/gateway/rentals/rental_messages.hpp"

namespace agora::net::gateway::rentals {

wire::frame seal_rental_hold(const rental_ask& ask, const private_key& payer) {
  AGORA_ASSERT(ask.prepaid_micros > 0);
  wire::HoldT m;
  m.renter = wire::to_wire(payer.address());
  m.hold_id = wire::to_wire(ask.hold_id);
  m.amount_micros = ask.prepaid_micros;
  m.purpose = wire::HoldPurpose::Rental;
  m.subject_id = wire::to_wire(ask.session_id);
  m.created_unix_s = ask.created_unix_s;
  m.expires_unix_s = ask.created_unix_s + ask.duration_s();
  return {wire::message_kind::Hold, wire::seal(m, payer)};
}

result<wire::frame> seal_session_request(const rental_ask& ask, const private_key& payer) {
  wire::SessionRequestT m;
  m.renter = wire::to_wire(payer.address());
  m.session_id = wire::to_wire(ask.session_id);
  m.hold_id = wire::to_wire(ask.hold_id);
  m.gpu_count = ask.order.gpu_count;
  m.duration_s = ask.duration_s();
  m.price_cap_per_gpu_hour_micros = ask.price_per_gpu_hour_micros;
  m.created_unix_s = ask.created_unix_s;
  m.provider = wire::to_wire(ask.order.provider);
  wire::frame f{wire::message_kind::SessionRequest, wire::seal(m, payer)};
  if (auto opened = wire::open(f.data); !opened)
    return opened.error();
  return f;
}

wire::frame seal_session_end(const wire::id128& session_id, const wire::id128& hold_id,
                             const bytes& grant, uint64_t gpu_seconds, int64_t ended_unix_s,
                             const private_key& payer) {
  AGORA_ASSERT(!grant.empty());
  wire::SessionEndT m;
  m.sender = wire::to_wire(payer.address());
  m.session_id = wire::to_wire(session_id);
  m.reason = wire::SessionEndReason::RenterClosed;
  m.ended_unix_s = ended_unix_s;
  m.gpu_seconds_total = gpu_seconds;
  m.hold_id = wire::to_wire(hold_id);
  m.grant = grant;
  return {wire::message_kind::SessionEnd, wire::seal(m, payer)};
}

result<wire::opened_envelope> check_grant(const rental_ask& ask, const address& payer,
                                          const wire::frame& grant) {
  auto opened = wire::open(grant.data);
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::message_kind::SessionGrant)
    return make_error(errc::wrong_kind,
                      "the relay answered a rental with a " + wire::kind_name(opened->kind()));
  const wire::SessionGrant& g = *opened->as<wire::SessionGrant>();
  const bool same = wire::from_wire(*g.session_id()) == ask.session_id &&
                    wire::from_wire(*g.renter()) == payer &&
                    wire::from_wire(*g.provider()) == ask.order.provider && g.gpu() != nullptr &&
                    g.gpu()->count() == ask.order.gpu_count &&
                    g.price_per_gpu_hour_micros() <= ask.price_per_gpu_hour_micros;
  if (!same)
    return make_error(errc::invalid_argument, "the relay granted another session than asked");
  return opened;
}

}  // namespace agora::net::gateway::rentals
