// The rental API's handlers and session JSON (rental_routes.hpp).
#include "net/gateway/rentals/rental_routes.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <caf/send.hpp>

namespace agora::net::gateway::rentals {

namespace {

namespace json = boost::json;
using openai::api_error;

/// The HTTP answer to a failed call; `param` names what was not found.
api_error error_of(const agora::error& e, const std::string& param) {
  const std::string message = e.message.empty() ? e.to_string() : e.message;
  switch (e.code) {
  case errc::invalid_argument: return openai::invalid_request(message, "gpuCount", "invalid_value");
  case errc::not_found:
    return {http::status::not_found, message, "invalid_request_error", param, param + "_not_found"};
  case errc::insufficient_funds:
    return {http::status::payment_required,
            "The paying account cannot prepay this rental: " + message,
            "insufficient_quota",
            {},
            "insufficient_funds"};
  case errc::replayed:
    return {http::status::conflict, message, "invalid_request_error", {}, "session_ending"};
  case errc::already_exists:
    return {http::status::gone, message, "invalid_request_error", {}, "session_ended"};
  case errc::corrupt: return {http::status::internal_server_error, message, "server_error", {}, {}};
  default:
    return {http::status::service_unavailable, message, "server_error", {}, "provider_unavailable"};
  }
}

std::string_view status_name(const rental_record& r) {
  return r.state == wire::SessionState::Ended ? "ended" : "active";
}

json::object connection_of(const rental_terms& t) {
  return {{"endpoint", t.connection}, {"providerNote", t.provisioning}};
}

/// Answers `reply` with the call's outcome.
rental_done answer(std::shared_ptr<reply_channel> reply, std::string not_found_param) {
  return [reply, param = std::move(not_found_param)](const result<rental_snapshot>& s) {
    if (!s)
      return reply->error(error_of(s.error(), param));
    reply->json(http::status::ok, session_json(*s));
  };
}

/// The session id in the path, or the 404 answered.
std::optional<wire::id128> session_in(std::string_view rest, reply_channel& reply) {
  wire::id128 id{};
  if (auto refused = parse_session_id(rest, &id)) {
    reply.error(*refused);
    return std::nullopt;
  }
  return id;
}

/// Who pays for a rental call (see rental_routes.hpp): an account, or nullopt inside for the
/// house; nullopt once a 401, 403 or 500 went out.
std::optional<std::optional<wire::id128>> payer_in(const accounts::account_gate& gate,
                                                   const http_request& http, reply_channel& reply) {
  if (gate.enabled()) {
    auto account = accounts::require_account(gate, http, reply);
    if (!account)
      return std::nullopt;
    return std::optional<wire::id128>(*account);
  }
  if (gate.x402) {
    reply.error({http::status::forbidden,
                 "Rentals are paid ahead from an account; this gateway takes only x402 payments "
                 "per request. Use a gateway started with --accounts.",
                 "invalid_request_error",
                 {},
                 "rentals_need_account"});
    return std::nullopt;
  }
  return std::optional<wire::id128>();
}

/// GET or DELETE /v1/sessions/{id}: the call `Call` for the session in the path, as `atom`.
template <class Call, class Atom>
route_handler session_route(caf::actor gateway_actor, accounts::account_gate gate, Atom atom) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor, gate, atom](const http_request& http, std::string_view rest,
                                     std::shared_ptr<reply_channel> reply) {
    auto paying = payer_in(gate, http, *reply);
    if (!paying)
      return;
    auto id = session_in(rest, *reply);
    if (!id)
      return;
    Call call;
    call.session_id = *id;
    call.done = answer(reply, "session");
    call.account = *paying;
    caf::anon_send(gateway_actor, atom, std::move(call));
  };
}

}  // namespace

std::string session_json(const rental_snapshot& s) {
  const rental_terms& t = s.terms;
  const rental_figures& f = s.figures;
  json::object o{{"id", to_hex(s.record.session_id)},
                 {"object", "rental_session"},
                 {"status", status_name(s.record)},
                 {"provider", t.provider.to_string()},
                 {"gpuCount", static_cast<int64_t>(t.gpu_count)},
                 {"gpu", t.gpu_name},
                 {"durationHours", static_cast<int64_t>(t.duration_s / 3'600)},
                 {"pricePerGpuHourMicros", t.price_per_gpu_hour_micros},
                 {"prepaidMicros", t.prepaid_micros},
                 {"startedAt", t.starts_unix_s},
                 {"expiresAt", t.expires_unix_s},
                 {"usedSeconds", f.used_seconds},
                 {"reportedGpuSeconds", s.record.gpu_seconds_reported},
                 {"chargedMicros", f.charged_micros},
                 {"connection", connection_of(t)},
                 {"provisioned", provisioned_note}};
  if (s.record.state == wire::SessionState::Ended) {
    o["endedAt"] = s.record.ended_unix_s;
    o["endReason"] = wire::EnumNameSessionEndReason(s.record.end_reason);
    o["refundedMicros"] = f.refunded_micros;
  }
  return json::serialize(o);
}

route_handler open_route(caf::actor gateway_actor, accounts::account_gate gate) {
  AGORA_ASSERT(gateway_actor != nullptr);
  return [gateway_actor, gate](const http_request& http, std::string_view,
                               std::shared_ptr<reply_channel> reply) {
    auto paying = payer_in(gate, http, *reply);
    if (!paying)
      return;
    rental_open_call call;
    if (auto refused = parse_rental_order(http.body(), &call.order))
      return reply->error(*refused);
    call.account = *paying;
    call.done = answer(reply, "provider");
    caf::anon_send(gateway_actor, open_atom_v, std::move(call));
  };
}

route_handler read_route(caf::actor gateway_actor, accounts::account_gate gate) {
  return session_route<rental_read_call>(std::move(gateway_actor), std::move(gate), read_atom_v);
}

route_handler close_route(caf::actor gateway_actor, accounts::account_gate gate) {
  return session_route<rental_close_call>(std::move(gateway_actor), std::move(gate), close_atom_v);
}

}  // namespace agora::net::gateway::rentals
