// GET /metrics: the Prometheus text exposition format, version 0.0.4 (a # HELP and a # TYPE line
// per family, then its samples): the gateway's counters (ops/counters.hpp) — requests by route
// and status, a latency histogram per route, refusals by reason, tokens, proofs, settlements —
// and what the relay's status says now: whether it answered, active providers, providers by
// state, tasks in flight, escrow reports. docs/PROTOCOL.md "Gateway operations" lists them.
#pragma once

#include <caf/actor.hpp>
#include <memory>
#include <string>

#include "actors/relay/relay_actor.hpp"
#include "net/gateway/ops/counters.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The exposition text of `counters` and of `relay` (null: the relay did not answer, which
/// agora_relay_up 0 says, and the relay's families are left out).
std::string prometheus_text(const gateway_counters& counters, const actors::relay_status* relay);

/// The handler: asks the relay's status through the gateway actor, then answers.
/// REQUIRES: gateway_actor valid, counters not null.
route_handler metrics_route(caf::actor gateway_actor,
                            std::shared_ptr<const gateway_counters> counters);

}  // namespace agora::net::gateway
