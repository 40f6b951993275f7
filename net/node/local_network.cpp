// The one-machine network of `agora up` (local_network.hpp).

#include "net/node/local_network.hpp"

#include <spdlog/spdlog.h>

#include <vector>

#include "actors/worker/mock_model.hpp"
#include "net/node/funding.hpp"
#include "net/node/gateway_role.hpp"
#include "net/node/role_key.hpp"
#include "net/ws/relay_listener.hpp"

namespace agora::net {

namespace {

constexpr caf::timespan funding_timeout = std::chrono::seconds(30);

struct role_keys {
  private_key escrow, arbiter, relay, provider, gateway;
};

result<role_keys> load_role_keys(const std::filesystem::path& data_dir) {
  const role_key_source source{data_dir};
  std::vector<private_key> keys;
  for (const char* role : {"escrow", "arbiter", "relay", "provider", "gateway"}) {
    auto key = role_key(source, role);
    if (!key)
      return key.error();
    keys.push_back(std::move(*key));
  }
  return role_keys{keys[0], keys[1], keys[2], keys[3], keys[4]};
}

/// The house deposit, then the provider's deposit and stake: each once per data directory.
status fund(caf::actor_system& sys, const actors::escrow_inbox& escrow, const role_keys& keys,
            const local_network_options& o) {
  const int64_t now = unix_seconds(system_clock_source{}.now());
  const wire::frame requests[] = {
      stable_deposit(keys.gateway, keys.gateway.address(), o.house_deposit_micros, "house", now),
      stable_deposit(keys.provider, keys.provider.address(), o.provider_stake_micros,
                     "provider-stake-deposit", now),
      stable_stake(keys.provider, o.provider_stake_micros, "provider-stake", now),
  };
  for (const wire::frame& request : requests)
    if (auto r = call_escrow(sys, escrow, request, funding_timeout); !r)
      return make_error(r.error().code, "funding the node's accounts: " + r.error().message);
  return {};
}

}  // namespace

struct local_network::parts {
  std::vector<caf::actor> actors;  // every role, stopped in reverse order
  std::unique_ptr<relay_listener> listener;
  std::unique_ptr<gateway::gateway> gateway;

  template <class Handle>
  void keep(const Handle& h) {
    actors.push_back(caf::actor_cast<caf::actor>(h));
  }
};

local_network::local_network(std::unique_ptr<parts> p) : parts_(std::move(p)) {}

namespace {

/// The escrow (trusting the relay and the arbiter), funded; then the relay and its listener.
status start_market(caf::actor_system& sys, const role_keys& keys, const local_network_options& o,
                    local_network::parts& p, actors::escrow_actor* escrow,
                    actors::relay_actor* relay) {
  auto arbiter = actors::spawn_arbiter(
      sys, {keys.arbiter, std::make_shared<actors::mock_model>(), live_clock(sys)});
  p.keep(arbiter);
  auto e = spawn_escrow_role(sys, {o.data_dir / "escrow",
                                   keys.escrow,
                                   {keys.relay.address()},
                                   {keys.arbiter.address()},
                                   arbiter});
  if (!e)
    return e.error();
  p.keep(*e);
  *escrow = *e;
  if (auto funded = fund(sys, *e, keys, o); !funded)
    return funded;
  *relay = spawn_relay_role(sys, keys.relay, *e);
  p.keep(*relay);
  relay_listener_options listen;
  listen.host = o.host;
  listen.port = o.relay_port;
  auto listener = relay_listener::start(sys, caf::actor_cast<actors::frame_sink>(*relay),
                                        std::move(listen), std::make_shared<system_clock_source>());
  if (!listener)
    return make_error(listener.error().code, "relay listener: " + listener.error().message);
  p.listener = std::move(*listener);
  return {};
}

/// The local provider (in-process to the relay) and the gateway.
status start_serving(caf::actor_system& sys, const role_keys& keys, const local_network_options& o,
                     local_network::parts& p, const actors::escrow_actor& escrow,
                     const actors::relay_actor& relay) {
  auto engine = serve_with_models(std::make_shared<actors::mock_model>(), o.models);
  if (!engine)
    return engine.error();
  provider_role_options provider{.store_dir = o.data_dir / "provider",
                                 .key = keys.provider,
                                 .relay_id = keys.relay.address(),
                                 .relay = caf::actor_cast<actors::frame_sink>(relay),
                                 .backend = std::move(*engine),
                                 .price_per_million_tokens_micros =
                                     o.price_per_million_tokens_micros,
                                 .token_time = o.mock_token_time};
  auto spawned = spawn_provider_role(sys, std::move(provider));
  if (!spawned)
    return make_error(spawned.error().code, "provider: " + spawned.error().message);
  p.keep(*spawned);
  gateway::x402::x402_options x402;  // payments go to the escrow's address
  x402.enabled = o.x402;
  x402.pay_to = keys.escrow.address();
  const gateway_role_options role{
      .data_dir = o.data_dir,
      .key = keys.gateway,
      .escrow = escrow,
      .relay = relay,
      .host = o.host,
      .port = o.gateway_port,
      .price_cap_per_million_micros = o.price_cap_per_million_micros,
      .x402 = std::move(x402),
      .accounts = o.accounts,
      .accounts_admin_token = o.accounts_admin_token,
      .attestation = {keys.provider.address(), "provider"}};  // it signs what this node serves
  auto gateway = start_gateway_role(sys, role);
  if (!gateway)
    return gateway.error();
  p.gateway = std::move(*gateway);
  return {};
}

}  // namespace

result<std::unique_ptr<local_network>> local_network::start(caf::actor_system& sys,
                                                            local_network_options options) {
  auto keys = load_role_keys(options.data_dir);
  if (!keys)
    return keys.error();
  auto p = std::make_unique<parts>();
  std::unique_ptr<local_network> net(new local_network(std::move(p)));
  net->relay_address_ = keys->relay.address();
  actors::escrow_actor escrow;
  actors::relay_actor relay;
  if (auto s = start_market(sys, *keys, options, *net->parts_, &escrow, &relay); !s)
    return s.error();  // ~local_network stops what started
  if (auto s = start_serving(sys, *keys, options, *net->parts_, escrow, relay); !s)
    return s.error();
  spdlog::info("agora up: relay {} listening on {}:{}, gateway on {}:{}",
               net->relay_address_.to_string(), options.host, net->relay_port(), options.host,
               net->gateway_port());
  return net;
}

local_network::~local_network() {
  stop();
}

uint16_t local_network::gateway_port() const {
  AGORA_ASSERT(parts_ != nullptr);
  return parts_->gateway->port();
}

uint16_t local_network::relay_port() const {
  AGORA_ASSERT(parts_ != nullptr);
  return parts_->listener->port();
}

void local_network::stop() {
  if (parts_ == nullptr)
    return;
  if (parts_->gateway)
    parts_->gateway->stop();
  if (parts_->listener)
    parts_->listener->stop();
  for (auto it = parts_->actors.rbegin(); it != parts_->actors.rend(); ++it)
    caf::anon_send_exit(*it, caf::exit_reason::user_shutdown);
  parts_.reset();
}

}  // namespace agora::net
