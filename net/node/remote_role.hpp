// Roles in other processes (DESIGN §1 "agora relay|escrow|gateway … on separate machines"): a
// role publishes its actor on a CAF middleman port, and a process that needs it spawns a local
// stand-in with spawn_remote_role. The stand-in connects through the middleman without
// blocking, forwards every request to the remote actor (the answer goes straight back to the
// requester), and when the remote process goes away it answers io_error and reconnects with
// capped backoff, so a restarted escrow or relay is picked up again without restarting anyone.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <chrono>
#include <cstdint>
#include <string>

#include "core/error.hpp"

namespace agora::net {

struct remote_role_options {
  std::string role;  // "escrow", "relay": for logs and errors
  std::string host;
  uint16_t port = 0;
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{10'000};
};

/// Registers every type that crosses between role processes (frames, frame sinks, escrow
/// receipts, balance queries, relay status). Call on every node's config, with the middleman.
void add_remote_types(caf::actor_system_config& cfg);

/// The local stand-in; cast it to the role's typed handle (escrow_inbox, relay_actor).
caf::actor spawn_remote_role(caf::actor_system& sys, remote_role_options options);

/// Publishes `role` on host:port (0: any free port). Returns the bound port.
result<uint16_t> publish_role(caf::actor_system& sys, const caf::actor& role,
                              const std::string& host, uint16_t port);

}  // namespace agora::net
