// The renter-facing gateway (DESIGN §6 "gateway"): an OpenAI-compatible HTTP API over the
// market. It owns the HTTP server (http_server.hpp), the routes (router.hpp) and the gateway
// actor (gateway_actor.hpp), which pays for every request from the gateway's own escrow account.
//
//   POST /v1/chat/completions, POST /v1/completions   openai/completions.hpp
//   GET  /v1/models                                   openai/models.hpp
//   GET  /v1/proofs/{response id}                     proofs/proof_routes.hpp
//   GET  /signature/{response id}                     proofs/signature_route.hpp
//   GET  /health                                      ops/health.hpp
//   GET  /v1/account                                  ops/account.hpp
//   GET  /metrics (Prometheus text)                   ops/metrics.hpp
//   GET  /v1/providers, /v1/providers/{address}       ops/providers.hpp
//   GET  /v1/hardware, /attestation/report            ops/hardware.hpp, ops/attestation.hpp
//   POST /v1/sessions, GET|DELETE /v1/sessions/{id}   rentals/rental_routes.hpp (GPU rentals)
//   x402 pay-per-request on the completion routes     x402/paywall.hpp (docs/X402.md)
//   API-key accounts: /v1/accounts…, /v1/account       accounts/account_routes.hpp
//
// Use: gateway g{sys, actor_options, options}; if (auto s = g.start(); !s) …; g.port(); the
// destructor stops it. The node funds key's account (a Deposit) before serving.
#pragma once

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <memory>

#include "core/error.hpp"
#include "net/gateway/gateway_actor.hpp"
#include "net/gateway/http_server.hpp"
#include "net/gateway/openai/request.hpp"
#include "net/gateway/ops/attestation.hpp"
#include "net/gateway/ops/hardware.hpp"
#include "net/gateway/x402/paywall.hpp"

namespace agora::net::gateway {

struct gateway_options {
  http_server_options http;
  openai::request_limits limits;
  size_t proofs_max = 100'000;  // proofs kept in memory; the oldest goes first
  /// This node's hardware for /v1/hardware, read by the node at start (empty: none reported).
  hardware_snapshot hardware;
  /// Who signs what this node serves, for /attestation/report; a zero address: the house key.
  attestation_identity attestation;
  /// x402: set by the gateway from gateway_actor_options::x402 and the price cap.
  x402::paywall x402;
  /// Accounts (gateway_actor_options::accounts set): empty, anyone may create an account (a
  /// dev node); else POST /v1/accounts requires this as its Bearer credential.
  std::string accounts_admin_token;
};

class gateway {
 public:
  /// Spawns the gateway actor; serving starts with start(). `actor_options.proofs`, `.counters`
  /// and `.rentals` may be null: the gateway makes its own (in memory). REQUIRES: see
  /// spawn_gateway_actor.
  gateway(caf::actor_system& sys, gateway_actor_options actor_options, gateway_options options);
  ~gateway();

  gateway(const gateway&) = delete;
  gateway& operator=(const gateway&) = delete;

  /// Starts the HTTP server (http_server::start's errors).
  status start();
  /// REQUIRES: started.
  uint16_t port() const { return server_->port(); }
  /// Stops the server (joining its threads), then the gateway actor and its tasks. Idempotent.
  void stop();

  const gateway_counters& counters() const { return *counters_; }
  const proof_store& proofs() const { return *proofs_; }

 private:
  std::shared_ptr<proof_store> proofs_;
  std::shared_ptr<gateway_counters> counters_;
  caf::actor actor_;
  std::unique_ptr<http_server> server_;
};

}  // namespace agora::net::gateway
