// Live spawning of the market roles (market_roles.hpp).

#include "net/node/market_roles.hpp"

#include "core/random.hpp"
#include "kernels/device_info.hpp"
#include "net/node/registered_gpus.hpp"
#include "schemas/limits.hpp"

namespace agora::net {

actors::wall_clock_map live_clock(caf::actor_system& sys) {
  return actors::wall_clock_map::starting_now(sys.clock(), system_clock_source{}.now());
}

result<actors::escrow_actor> spawn_escrow_role(caf::actor_system& sys,
                                               escrow_role_options options) {
  actors::escrow_options o;
  o.store = storage::store_options{.path = options.store_dir.string(), .sync = true};
  o.ledger.escrow = options.key.address();
  o.trusted_relays = std::move(options.trusted_relays);
  o.trusted_arbiters = std::move(options.trusted_arbiters);
  o.clock = live_clock(sys);
  o.arbiter = std::move(options.arbiter);
  o.tick_interval = options.tick_interval;
  o.settle_batch_size = options.settle_batch_size;
  o.settle_batch_delay = options.settle_batch_delay;
  return actors::spawn_escrow(sys, std::move(o));
}

actors::relay_actor spawn_relay_role(caf::actor_system& sys, const private_key& key,
                                     actors::escrow_inbox escrow) {
  actors::relay_options o{key, std::move(escrow), live_clock(sys), std::make_shared<os_random>()};
  return actors::spawn_relay(sys, std::move(o));
}

result<actors::provider_actor> spawn_provider_role(caf::actor_system& sys,
                                                   provider_role_options options) {
  AGORA_ASSERT(options.backend != nullptr);
  AGORA_ASSERT(options.relay != nullptr);
  auto log = storage::store::open({.path = options.store_dir.string(), .sync = true});
  if (!log)
    return log.error();
  const kernels::host_info host = kernels::query_host();
  actors::provider_options o{
      .key = std::move(options.key),
      .relay_id = options.relay_id,
      .relay = std::move(options.relay),
      .clock = live_clock(sys),
      .rng = std::make_shared<os_random>(),
      .log = std::move(*log),
      .backend = std::move(options.backend),
      .worker = {.token_time = options.token_time},
      .gpus = registered_gpus(kernels::query_gpus(), host),
      .region = std::move(options.region),
      .price_per_million_tokens_micros = options.price_per_million_tokens_micros,
      .price_per_gpu_hour_micros = options.price_per_gpu_hour_micros,
      .max_concurrency = options.max_concurrency,
      .register_at_start = options.register_at_start,
      .cpu_model = host.cpu_model.substr(0, wire::limits::name_bytes_max),
      .cpu_cores = host.logical_cores,
      .memory_bytes = host.memory_bytes,
  };
  return actors::spawn_provider(sys, std::move(o));
}

}  // namespace agora::net
