// GET /v1/providers and GET /v1/providers/{id}: the providers registered on the relay, as its
// status query reports them, in a shape close to vast.ai's offers and OpenRouter's provider
// entries (docs/PROTOCOL.md "Gateway operations" gives every field). A provider's id is its
// EIP-55 address; the list holds every registered provider, whatever its state, in address
// order:
//   {"id","object":"provider","status":"healthy"|"unhealthy"|"offline","draining","region",
//    "hardware":{"gpus":[…],"gpu_count","cpu":{"model","cores"},"memory_bytes"},
//    "models":[{"id","max_context","quantization","ready"}],
//    "pricing":{"per_million_tokens_micros","per_gpu_hour_micros"},
//    "availability":{"max_concurrency","in_flight","free_capacity",…,"active_rentals"},
//    "tee":{"type","status","evidence_bytes"},
//    "reliability":{"uptime_seconds","connected_since","jobs_completed",…,"error_rate"}}
// Errors (OpenAI's shape): 400 invalid_address for an id that is no address, 404
// provider_not_found for an address not registered, 503 relay_unavailable.
#pragma once

#include <caf/actor.hpp>
#include <string>

#include "actors/relay/relay_actor.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// One provider's JSON.
std::string provider_json(const actors::relay_provider_status& provider);

/// GET /v1/providers. REQUIRES: gateway_actor valid.
route_handler providers_route(caf::actor gateway_actor);
/// GET /v1/providers/{id} (a prefix route: `rest` is the id). REQUIRES: gateway_actor valid.
route_handler provider_route(caf::actor gateway_actor);

}  // namespace agora::net::gateway
