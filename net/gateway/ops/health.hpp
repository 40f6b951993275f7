// GET /health: {"status":"ok","providers":<healthy, not draining>,"models":<distinct ids ready>}
// while the relay answers; 503 {"status":"unavailable","error":…} when it does not.
#pragma once

#include <caf/actor.hpp>

#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The handler. REQUIRES: gateway_actor valid.
route_handler health_route(caf::actor gateway_actor);

}  // namespace agora::net::gateway
