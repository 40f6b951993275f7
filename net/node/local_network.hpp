// The one-machine network of `agora up` (DESIGN §1): escrow, arbiter, relay, gateway and one
// local provider with its worker, in one actor system. The relay also listens for providers on
// other machines (ws://HOST:RELAY_PORT/v1/provider/connect); the local provider talks to the
// relay in-process. State lives under the data directory: keys/ (one key per role, 0600),
// escrow/ (the ledger), provider/ (the task log). At start the node deposits its gateway's house
// account and stakes its provider, each once per data directory (funding.hpp).
#pragma once

#include <caf/actor_system.hpp>
#include <filesystem>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "net/node/market_roles.hpp"
#include "net/node/model_folders.hpp"

namespace agora::net {

struct local_network_options {
  std::filesystem::path data_dir = "agora-data";
  std::string host = "127.0.0.1";  // both listeners bind here
  uint16_t gateway_port = 4007;    // 0: ephemeral
  uint16_t relay_port = 4008;      // 0: ephemeral
  /// Credit of the gateway's house account, which holds for the requests the node serves.
  int64_t house_deposit_micros = 1'000'000'000'000;
  int64_t provider_stake_micros = 10'000'000;
  /// The local provider's price; mock-model is free.
  int64_t price_per_million_tokens_micros = 0;
  /// The most the gateway pays per million tokens (its holds cover the worst case at it).
  int64_t price_cap_per_million_micros = 10'000'000;
  /// x402 pay-per-request at the gateway (`agora up --x402`): every completion is paid by its
  /// caller into the escrow (payTo: the escrow's address) instead of the house account.
  bool x402 = false;
  /// API-key accounts at the gateway (`agora up --accounts`): a request pays from the account
  /// of its `Authorization: Bearer` key; without x402, deposits are unproven (a dev node).
  bool accounts = false;
  std::string accounts_admin_token;  // empty: anyone may create an account
  /// Time mock-model takes per token (`--mock-token-ms`; 0: at once), to watch a stream.
  std::chrono::milliseconds mock_token_time{0};
  /// Hugging Face model folders the local provider serves beside mock-model (`--model`).
  model_folders models;
};

class local_network {
 public:
  /// Starts every role. Errors name what failed (a key file, the store, a port in use).
  static result<std::unique_ptr<local_network>> start(caf::actor_system& sys,
                                                      local_network_options options);
  ~local_network();  // stop()
  local_network(const local_network&) = delete;
  local_network& operator=(const local_network&) = delete;

  uint16_t gateway_port() const;
  uint16_t relay_port() const;
  const address& relay_address() const { return relay_address_; }

  /// Stops both listeners, then every actor; the stores close with their actors. Idempotent.
  void stop();

  struct parts;  // the running roles (local_network.cpp)

 private:
  explicit local_network(std::unique_ptr<parts> p);

  std::unique_ptr<parts> parts_;
  address relay_address_;
};

}  // namespace agora::net
