// GET /v1/models (https://platform.openai.com/docs/api-reference/models/list): the models that
// healthy, not draining providers on the relay have ready, one entry per model id:
// {"id","object":"model","created","owned_by"} where owned_by is the cheapest such provider's
// address and created its registration time, plus Agora's own fields: providers (how many
// serve it), max_context and price_per_million_tokens_micros (the lowest).
#pragma once

#include <caf/actor.hpp>
#include <string>

#include "actors/relay/relay_actor.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway::openai {

/// The list object of `status`.
std::string models_json(const actors::relay_status& status);

/// The handler. REQUIRES: gateway_actor valid.
route_handler models_route(caf::actor gateway_actor);

}  // namespace agora::net::gateway::openai
