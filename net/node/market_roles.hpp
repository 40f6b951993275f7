// Spawning the market's roles for a live node (DESIGN §1, §6): the escrow on its RocksDB store,
// the arbiter, the relay and a provider agent, each with live time (the actor clock mapped onto
// the host's wall clock once, at start) and the OS random source. Shared by `agora up` (all of
// them in one process) and the role commands (`agora provider`, …), so every process builds a
// role the same way.
#pragma once

#include <caf/actor_system.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <vector>

#include "actors/arbiter/arbiter.hpp"
#include "actors/escrow/escrow_actor.hpp"
#include "actors/provider/provider.hpp"
#include "actors/relay/relay_actor.hpp"
#include "actors/worker/engine.hpp"

namespace agora::net {

/// Wall time for a live node's actors: the system clock read once, now.
actors::wall_clock_map live_clock(caf::actor_system& sys);

struct escrow_role_options {
  std::filesystem::path store_dir;  // the escrow's RocksDB (created on first start)
  private_key key;
  std::vector<address> trusted_relays;
  std::vector<address> trusted_arbiters;
  actors::arbiter_inbox arbiter;           // null: Verdicts come from outside
  std::chrono::seconds tick_interval{60};  // how often expired holds are refunded
  size_t settle_batch_size = 256;          // Settles per provider written together (escrow_options)
  // The longest a Settle waits for its batch: about one fsync, because the relay forwards a
  // proof only after its Settle is answered, so at low load the delay adds to every task.
  std::chrono::milliseconds settle_batch_delay{2};
};

/// The escrow on its durable store (sync on: it acknowledges only durable money movements).
result<actors::escrow_actor> spawn_escrow_role(caf::actor_system& sys, escrow_role_options options);

/// A relay signing with `key`, reporting to `escrow` (null: settles nothing).
actors::relay_actor spawn_relay_role(caf::actor_system& sys, const private_key& key,
                                     actors::escrow_inbox escrow);

struct provider_role_options {
  std::filesystem::path store_dir;  // the task log (created on first start)
  private_key key;
  address relay_id;
  actors::frame_sink relay;
  std::shared_ptr<actors::engine> backend;
  int64_t price_per_million_tokens_micros = 0;
  int64_t price_per_gpu_hour_micros = 0;
  std::string region = "local";
  uint32_t max_concurrency = 16;
  /// Time a one-request-at-a-time engine (mock-model) takes per token (worker_options).
  std::chrono::milliseconds token_time{0};
  bool register_at_start = true;  // off behind a provider_link (provider_options)
};

/// A provider agent with its worker, registering with the GPUs of this host (registered_gpus).
result<actors::provider_actor> spawn_provider_role(caf::actor_system& sys,
                                                   provider_role_options options);

}  // namespace agora::net
