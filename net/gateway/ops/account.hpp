// GET /v1/account: the gateway's own escrow account (the house account that pays for requests
// served without x402), {"object":"account","address":…,"available_micros":…}; 503 in OpenAI's
// error shape while the escrow does not answer.
#pragma once

#include <caf/actor.hpp>

#include "core/address.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The handler. REQUIRES: gateway_actor valid.
route_handler account_route(caf::actor gateway_actor, address house);

}  // namespace agora::net::gateway
