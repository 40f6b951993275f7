// GET /health: liveness and readiness. The gateway answering at all is its liveness ("live":
// true); it is ready when both the relay (its status query) and the escrow (the house account's
// balance) answer. Ready: 200
//   {"status":"ok","live":true,"ready":true,"relay":{"reachable":true},
//    "escrow":{"reachable":true},"providers":<healthy, not draining>,"models":<distinct ids ready>}
// Not ready: 503 with "status":"unavailable", "ready":false and, for each part that did not
// answer, "reachable":false and its "error"; providers and models only when the relay answered.
#pragma once

#include <caf/actor.hpp>

#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The handler. REQUIRES: gateway_actor valid.
route_handler health_route(caf::actor gateway_actor);

}  // namespace agora::net::gateway
