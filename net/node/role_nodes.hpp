// The market roles as separate processes (DESIGN §1): `agora escrow`, `agora relay` and `agora
// gateway` each start one of these. They find each other through CAF's middleman: the escrow
// and the relay publish their actors on a CAF port, the relay and the gateway reach them
// through remote_role stand-ins that reconnect by themselves, so any of them may restart.
//
//   agora relay   --port 4008 --caf-port 4009 --escrow HOST:4010      (providers dial 4008)
//   agora escrow  --caf-port 4010 --trusted-relay 0x<relay address>
//   agora gateway --port 4007 --relay HOST:4009 --escrow HOST:4010    (renters call 4007)
#pragma once

#include <caf/actor_system.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "core/error.hpp"

namespace agora::net {

/// A started role process: what stops it, and what it prints for its operator.
struct role_node {
  std::function<void()> stop;
  std::vector<std::string> banner;
};

struct endpoint {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
};

/// Parses "HOST:PORT" (PORT 1–65535).
result<endpoint> parse_endpoint(const std::string& text);

struct escrow_node_options {
  std::filesystem::path data_dir = "agora-escrow";
  endpoint caf;  // where the escrow actor is published
  std::vector<address> trusted_relays;
  std::chrono::seconds tick_interval{60};  // how often expired holds are refunded
};

struct relay_node_options {
  std::filesystem::path data_dir = "agora-relay";
  endpoint websocket{"127.0.0.1", 4008};  // providers dial here
  endpoint caf{"127.0.0.1", 4009};        // the gateway reaches the relay here
  endpoint escrow;                        // the escrow's CAF endpoint
};

struct gateway_node_options {
  std::filesystem::path data_dir = "agora-gateway";
  endpoint http{"127.0.0.1", 4007};
  endpoint relay;   // the relay's CAF endpoint
  endpoint escrow;  // the escrow's CAF endpoint
  int64_t house_deposit_micros = 1'000'000'000'000;
  int64_t price_cap_per_million_micros = 10'000'000;
  /// x402 pay-per-request to this address (the escrow's); zero: off (docs/X402.md).
  address x402_pay_to;
  bool accounts = false;                    // API-key accounts (net/gateway/accounts/)
  std::string accounts_admin_token;         // empty: anyone may create an account
  std::chrono::seconds task_deadline{120};  // how long a request waits for its result
  std::chrono::seconds hold_ttl{300};       // when a Hold nobody settled returns (≥ deadline)
};

result<role_node> start_escrow_node(caf::actor_system& sys, const escrow_node_options& o);
result<role_node> start_relay_node(caf::actor_system& sys, const relay_node_options& o);
result<role_node> start_gateway_node(caf::actor_system& sys, const gateway_node_options& o);

}  // namespace agora::net
