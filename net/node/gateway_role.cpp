// Starting a live node's gateway (gateway_role.hpp).

#include "net/node/gateway_role.hpp"

#include "kernels/device_info.hpp"
#include "net/node/market_roles.hpp"

namespace agora::net {

result<std::unique_ptr<gateway::gateway>> start_gateway_role(caf::actor_system& sys,
                                                             const gateway_role_options& o) {
  // Proofs are re-derivable evidence, not money: no fsync per response.
  auto log = storage::store::open({.path = (o.data_dir / "gateway").string(), .sync = false});
  if (!log)
    return make_error(log.error().code, "gateway proof store: " + log.error().message);
  // Rental session records share it: the escrow holds their money, the gateway only the record.
  const std::shared_ptr<storage::store> durable(std::move(*log));
  gateway::gateway_options http;
  http.http.host = o.host;
  http.http.port = o.port;
  http.accounts_admin_token = o.accounts_admin_token;
  std::shared_ptr<gateway::accounts::key_store> keys;
  if (o.accounts) {
    // A lost key record strands its account's balance: fsync every key write.
    auto store =
        storage::store::open({.path = (o.data_dir / "gateway-accounts").string(), .sync = true});
    if (!store)
      return make_error(store.error().code, "gateway key store: " + store.error().message);
    keys = std::make_shared<gateway::accounts::key_store>(std::move(*store));
  }
  http.hardware = {kernels::query_gpus(), kernels::query_host()};  // read once, for /v1/hardware
  http.attestation = o.attestation;
  gateway::gateway_actor_options g{
      .key = o.key,
      .escrow = o.escrow,
      .relay = o.relay,
      .clock = live_clock(sys),
      .rng = std::make_shared<os_random>(),
      .price_cap_per_million_micros = o.price_cap_per_million_micros,
      .task_deadline = o.task_deadline,
      .hold_ttl = o.hold_ttl,
      .proofs = std::make_shared<gateway::proof_store>(http.proofs_max, durable),
      .x402 = o.x402,
      .accounts = std::move(keys),
      .rentals = std::make_shared<gateway::rentals::rental_book>(
          gateway::rentals::ended_in_memory_max, durable)};
  auto gw = std::make_unique<gateway::gateway>(sys, std::move(g), std::move(http));
  if (auto started = gw->start(); !started) {
    gw->stop();
    return make_error(started.error().code, "gateway: " + started.error().message);
  }
  return gw;
}

}  // namespace agora::net
