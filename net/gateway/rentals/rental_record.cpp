// A rental session's record, terms and figures (rental_record.hpp).
#include "net/gateway/rentals/rental_record.hpp"

#include <algorithm>

#include "core/amount.hpp"
#include "schemas/envelope.hpp"
#include "schemas/record.hpp"

namespace agora::net::gateway::rentals {

bytes pack_record(const rental_record& r) {
  AGORA_ASSERT(!r.request.empty() && !r.grant.empty());
  wire::SessionRecordT m;
  m.session_id = wire::to_wire(r.session_id);
  m.request = r.request;
  m.grant = r.grant;
  m.state = r.state;
  m.gpu_seconds_used = r.gpu_seconds_reported;
  m.last_report_sequence = r.last_report_sequence;
  m.ended_unix_s = r.ended_unix_s;
  m.end_reason = r.end_reason;
  return wire::pack(m);
}

result<rental_record> unpack_record(byte_view value) {
  auto stored = wire::read_record<wire::SessionRecord>(value);
  if (!stored)
    return stored.error();
  const wire::SessionRecord& m = *stored->root();
  rental_record r;
  r.session_id = wire::from_wire(*m.session_id());
  const byte_view request = wire::view(m.request());
  const byte_view grant = wire::view(m.grant());
  r.request.assign(request.begin(), request.end());
  r.grant.assign(grant.begin(), grant.end());
  r.state = m.state();
  r.gpu_seconds_reported = m.gpu_seconds_used();
  r.last_report_sequence = m.last_report_sequence();
  r.ended_unix_s = m.ended_unix_s();
  r.end_reason = m.end_reason();
  if (r.request.empty() || r.grant.empty())
    return make_error(errc::corrupt, "rental session record without its request or grant");
  return r;
}

namespace {

/// The signed message of `kind` in `sealed`; corrupt otherwise (the gateway stored it opened).
result<wire::opened_envelope> open_as(byte_view sealed, wire::message_kind kind) {
  auto opened = wire::open(sealed);
  if (!opened)
    return make_error(errc::corrupt, "rental record: " + opened.error().to_string());
  if (opened->kind() != kind)
    return make_error(errc::corrupt, "rental record: a " + wire::kind_name(opened->kind()));
  return opened;
}

}  // namespace

result<rental_terms> terms_of(const rental_record& r) {
  auto request = open_as(r.request, wire::message_kind::SessionRequest);
  if (!request)
    return request.error();
  auto grant = open_as(r.grant, wire::message_kind::SessionGrant);
  if (!grant)
    return grant.error();
  const wire::SessionRequest& q = *request->as<wire::SessionRequest>();
  const wire::SessionGrant& g = *grant->as<wire::SessionGrant>();
  if (g.gpu() == nullptr)
    return make_error(errc::corrupt, "rental record: a grant without its GPU");
  auto prepaid = cost_of_gpu_time(amount::from_micros(q.price_cap_per_gpu_hour_micros()),
                                  q.gpu_count(), q.duration_s());
  if (!prepaid)
    return prepaid.error();
  rental_terms t;
  t.renter = request->signer();
  t.provider = wire::from_wire(*g.provider());
  t.hold_id = wire::from_wire(*q.hold_id());
  t.gpu_count = g.gpu()->count();
  t.gpu_name = std::string(wire::view(g.gpu()->name()));
  t.duration_s = q.duration_s();
  t.price_per_gpu_hour_micros = g.price_per_gpu_hour_micros();
  t.prepaid_micros = prepaid->micros();
  t.hold_expires_unix_s = q.created_unix_s() + q.duration_s();  // as the gateway sealed the Hold
  t.starts_unix_s = g.starts_unix_s();
  t.expires_unix_s = g.expires_unix_s();
  t.connection = std::string(wire::view(g.connection()));
  t.provisioning = std::string(wire::view(g.provisioning()));
  return t;
}

rental_figures figures_of(const rental_terms& t, const rental_record& r, int64_t now_unix_s) {
  const bool ended = r.state == wire::SessionState::Ended;
  const int64_t until = ended ? r.ended_unix_s : now_unix_s;
  // Seconds past the duration change nothing: the hold (created before the grant started)
  // expired by then, and ledger::settle_rental charges a session that reached it the whole hold.
  const int64_t seconds =
      std::clamp<int64_t>(until - t.starts_unix_s, 0, static_cast<int64_t>(t.duration_s));
  const auto cost =
      cost_of_gpu_time(amount::from_micros(t.price_per_gpu_hour_micros), t.gpu_count, seconds);
  AGORA_ASSERT(cost.ok());  // opened messages passed their limits: the product fits
  rental_figures f;
  f.used_seconds = seconds;
  f.charged_micros = until >= t.hold_expires_unix_s ? t.prepaid_micros
                                                    : std::min(cost->micros(), t.prepaid_micros);
  f.refunded_micros = ended ? t.prepaid_micros - f.charged_micros : 0;
  AGORA_ASSERT(f.charged_micros >= 0 && f.charged_micros <= t.prepaid_micros);
  AGORA_ASSERT(f.refunded_micros >= 0);
  return f;
}

}  // namespace agora::net::gateway::rentals
