// The gateway's rental API (docs/PROTOCOL.md "Gateway rental API"), served by the rental actor
// (rental_actor.hpp) through the gateway actor:
//
//   POST   /v1/sessions        {providerId, durationHours, gpuCount, sshPublicKey} → 200 session
//   GET    /v1/sessions/{id}   → 200 session (active or ended)
//   DELETE /v1/sessions/{id}   → 200 session, ended, with the final settlement
//
// A session is {"object":"rental_session", id, status, provider, gpuCount, gpu, durationHours,
// pricePerGpuHourMicros, prepaidMicros, startedAt, expiresAt, usedSeconds, reportedGpuSeconds,
// chargedMicros, connection, provisioned} plus endedAt, endReason and refundedMicros once ended.
// Errors in OpenAI's shape: 400 bad fields or more GPUs than the provider has, 402 the paying
// account cannot prepay, 404 unknown provider or session, 409 an end already in flight, 410 the
// session ended already, 503 the provider, relay or escrow unavailable, 429 too many sessions.
//
// Who pays: with API-key accounts on (`--accounts`), the account of the request's Bearer key (401
// without one), and a session is seen and ended only by the account that opened it. With only
// x402 on, rentals are refused (403 rentals_need_account): x402 pays one request after it is
// priced, and a rental is paid ahead for hours, so it needs an account to draw on. With neither,
// the gateway's house account pays, as it does for inference on a dev node.
#pragma once

#include <caf/actor.hpp>
#include <string>

#include "net/gateway/accounts/auth.hpp"
#include "net/gateway/rentals/rental_actor.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway::rentals {

/// The honest account of what a session gives today: the `provisioned` field.
inline constexpr std::string_view provisioned_note =
    "none: the provider grants a session record and usage billing; no SSH access or container "
    "is set up yet, so sshPublicKey was checked but is not installed anywhere";

/// The session's JSON.
std::string session_json(const rental_snapshot& s);

/// The handlers. REQUIRES: gateway_actor valid.
route_handler open_route(caf::actor gateway_actor, accounts::account_gate gate);
route_handler read_route(caf::actor gateway_actor, accounts::account_gate gate);
route_handler close_route(caf::actor gateway_actor, accounts::account_gate gate);

}  // namespace agora::net::gateway::rentals
