// Starting a live node's gateway (gateway_role.hpp).

#include "net/node/gateway_role.hpp"

#include "net/node/market_roles.hpp"

namespace agora::net {

result<std::unique_ptr<gateway::gateway>> start_gateway_role(caf::actor_system& sys,
                                                             gateway_role_options o) {
  // Proofs are re-derivable evidence, not money: no fsync per response.
  auto log = storage::store::open({.path = (o.data_dir / "gateway").string(), .sync = false});
  if (!log)
    return make_error(log.error().code, "gateway proof store: " + log.error().message);
  gateway::gateway_options http;
  http.http.host = o.host;
  http.http.port = o.port;
  gateway::gateway_actor_options g{
      .key = std::move(o.key),
      .escrow = std::move(o.escrow),
      .relay = std::move(o.relay),
      .clock = live_clock(sys),
      .rng = std::make_shared<os_random>(),
      .price_cap_per_million_micros = o.price_cap_per_million_micros,
      .task_deadline = o.task_deadline,
      .hold_ttl = o.hold_ttl,
      .proofs = std::make_shared<gateway::proof_store>(
          http.proofs_max, std::shared_ptr<storage::store>(std::move(*log))),
      .x402 = std::move(o.x402)};
  auto gw = std::make_unique<gateway::gateway>(sys, std::move(g), std::move(http));
  if (auto started = gw->start(); !started) {
    gw->stop();
    return make_error(started.error().code, "gateway: " + started.error().message);
  }
  return gw;
}

}  // namespace agora::net
