// GET /metrics: the gateway's counters in the Prometheus text format (version 0.0.4):
// requests answered by route and status, tokens served, proofs verified and rejected.
#pragma once

#include <memory>
#include <string>

#include "net/gateway/ops/counters.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The exposition text of `counters`.
std::string prometheus_text(const gateway_counters& counters);

/// The handler. REQUIRES: counters not null.
route_handler metrics_route(std::shared_ptr<const gateway_counters> counters);

}  // namespace agora::net::gateway
