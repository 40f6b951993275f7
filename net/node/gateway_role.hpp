// Starting the gateway for a live node (`agora up`, `agora gateway`): its house account key, the
// escrow and relay handles (in-process actors or remote stand-ins), its HTTP listener, and its
// proofs kept in <data dir>/gateway (RocksDB) so responses stay verifiable across restarts.
#pragma once

#include <caf/actor_system.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "net/gateway/gateway.hpp"

namespace agora::net {

struct gateway_role_options {
  std::filesystem::path data_dir;
  private_key key;  // the house account
  actors::escrow_inbox escrow;
  actors::relay_actor relay;
  std::string host = "127.0.0.1";
  uint16_t port = 4007;  // 0: ephemeral
  int64_t price_cap_per_million_micros = 10'000'000;
  /// x402 pay-per-request (net/gateway/x402/payment.hpp); disabled by default.
  gateway::x402::x402_options x402;
  /// API-key accounts (net/gateway/accounts/), their keys kept in <data dir>/gateway-accounts.
  bool accounts = false;
  std::string accounts_admin_token;         // empty: open sign-up (a dev node)
  std::chrono::seconds task_deadline{120};  // gateway_actor_options: how long a request waits
  std::chrono::seconds hold_ttl{300};       // and when a Hold nobody settled returns
  /// /attestation/report's signer: the local provider's key where the node runs one (`agora
  /// up`); zero (`agora gateway`): the house key.
  gateway::attestation_identity attestation;
};

/// The started gateway. Errors: the proof or key store cannot open, the port cannot be bound.
result<std::unique_ptr<gateway::gateway>> start_gateway_role(caf::actor_system& sys,
                                                             const gateway_role_options& options);

}  // namespace agora::net
