// The market roles as separate processes (role_nodes.hpp).

#include "net/node/role_nodes.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <thread>

#include "actors/worker/mock_model.hpp"
#include "net/node/funding.hpp"
#include "net/node/gateway_role.hpp"
#include "net/node/market_roles.hpp"
#include "net/node/remote_role.hpp"
#include "net/node/role_key.hpp"
#include "net/ws/relay_listener.hpp"

namespace agora::net {

namespace {

std::string text_of(const endpoint& e) {
  return e.host + ":" + std::to_string(e.port);
}

/// Stops every actor in `actors` (reverse order) after `first`.
std::function<void()> stopper(std::vector<caf::actor> actors, std::function<void()> first = {}) {
  return [actors = std::move(actors), first = std::move(first)] {
    if (first)
      first();
    for (auto it = actors.rbegin(); it != actors.rend(); ++it)
      caf::anon_send_exit(*it, caf::exit_reason::user_shutdown);
  };
}

/// The house deposit through a remote escrow that may not be reachable yet: retried for a
/// while (the stand-in connects in the background).
status fund_house(caf::actor_system& sys, const actors::escrow_inbox& escrow,
                  const private_key& key, int64_t micros) {
  constexpr int attempts = 60;
  const int64_t now = unix_seconds(system_clock_source{}.now());
  result<actors::escrow_receipt> r = make_error(errc::io_error, "not tried");
  for (int i = 0; i < attempts; ++i) {
    r = call_escrow(sys, escrow, stable_deposit(key, key.address(), micros, "house", now),
                    std::chrono::seconds(10));
    if (r || r.error().code != errc::io_error)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!r)
    return make_error(r.error().code, "funding the gateway's house account: " + r.error().message);
  return {};
}

}  // namespace

result<endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return make_error(errc::invalid_argument, "expected HOST:PORT, got '" + text + "'");
  endpoint e{text.substr(0, colon), 0};
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65'535)
    return make_error(errc::invalid_argument, "bad port in '" + text + "'");
  e.port = static_cast<uint16_t>(value);
  return e;
}

result<role_node> start_escrow_node(caf::actor_system& sys, const escrow_node_options& o) {
  auto key = role_key({o.data_dir}, "escrow");
  auto arbiter_key = role_key({o.data_dir}, "arbiter");
  if (!key || !arbiter_key)
    return key ? arbiter_key.error() : key.error();
  auto arbiter = actors::spawn_arbiter(
      sys, {*arbiter_key, std::make_shared<actors::mock_model>(), live_clock(sys)});
  auto escrow = spawn_escrow_role(sys, {o.data_dir / "escrow",
                                        *key,
                                        o.trusted_relays,
                                        {arbiter_key->address()},
                                        arbiter,
                                        o.tick_interval});
  if (!escrow) {
    caf::anon_send_exit(arbiter, caf::exit_reason::user_shutdown);
    return escrow.error();
  }
  role_node node{
      stopper({caf::actor_cast<caf::actor>(arbiter), caf::actor_cast<caf::actor>(*escrow)})};
  auto port = publish_role(sys, caf::actor_cast<caf::actor>(*escrow), o.caf.host, o.caf.port);
  if (!port) {
    node.stop();
    return port.error();
  }
  node.banner = {"escrow " + key->address().to_string(),
                 "  published on " + o.caf.host + ":" + std::to_string(*port),
                 "  trusts " + std::to_string(o.trusted_relays.size()) + " relay(s)"};
  return node;
}

result<role_node> start_relay_node(caf::actor_system& sys, const relay_node_options& o) {
  auto key = role_key({o.data_dir}, "relay");
  if (!key)
    return key.error();
  auto escrow = spawn_remote_role(sys, {"escrow", o.escrow.host, o.escrow.port});
  auto relay = spawn_relay_role(sys, *key, caf::actor_cast<actors::escrow_inbox>(escrow));
  std::vector<caf::actor> actors{escrow, caf::actor_cast<caf::actor>(relay)};
  relay_listener_options listen;
  listen.host = o.websocket.host;
  listen.port = o.websocket.port;
  auto listener = relay_listener::start(sys, caf::actor_cast<actors::frame_sink>(relay),
                                        std::move(listen), std::make_shared<system_clock_source>());
  if (!listener) {
    stopper(actors)();
    return listener.error();
  }
  std::shared_ptr<relay_listener> running = std::move(*listener);
  role_node node{stopper(actors, [running] { running->stop(); })};
  auto port = publish_role(sys, caf::actor_cast<caf::actor>(relay), o.caf.host, o.caf.port);
  if (!port) {
    node.stop();
    return port.error();
  }
  node.banner = {"relay " + key->address().to_string(),
                 "  providers dial ws://" + o.websocket.host + ":" +
                     std::to_string(running->port()) + "/v1/provider/connect",
                 "  published on " + o.caf.host + ":" + std::to_string(*port) + ", escrow at " +
                     text_of(o.escrow)};
  return node;
}

result<role_node> start_gateway_node(caf::actor_system& sys, const gateway_node_options& o) {
  auto key = role_key({o.data_dir}, "gateway");
  if (!key)
    return key.error();
  auto escrow = spawn_remote_role(sys, {"escrow", o.escrow.host, o.escrow.port});
  auto relay = spawn_remote_role(sys, {"relay", o.relay.host, o.relay.port});
  auto stop_stand_ins = stopper({escrow, relay});
  auto escrow_inbox = caf::actor_cast<actors::escrow_inbox>(escrow);
  if (auto funded = fund_house(sys, escrow_inbox, *key, o.house_deposit_micros); !funded) {
    stop_stand_ins();
    return funded.error();
  }
  gateway::x402::x402_options x402;  // payments go to the escrow's address
  x402.enabled = !o.x402_pay_to.is_zero();
  x402.pay_to = o.x402_pay_to;
  const gateway_role_options role{.data_dir = o.data_dir,
                                  .key = *key,
                                  .escrow = escrow_inbox,
                                  .relay = caf::actor_cast<actors::relay_actor>(relay),
                                  .host = o.http.host,
                                  .port = o.http.port,
                                  .price_cap_per_million_micros = o.price_cap_per_million_micros,
                                  .x402 = std::move(x402),
                                  .accounts = o.accounts,
                                  .accounts_admin_token = o.accounts_admin_token,
                                  .task_deadline = o.task_deadline,
                                  .hold_ttl = o.hold_ttl};
  auto started = start_gateway_role(sys, role);
  if (!started) {
    stop_stand_ins();
    return started.error();
  }
  std::shared_ptr<gateway::gateway> gw = std::move(*started);
  role_node node{[gw, stop_stand_ins] {
    gw->stop();
    stop_stand_ins();
  }};
  node.banner = {"gateway " + key->address().to_string() + " (house account)",
                 "  serving http://" + o.http.host + ":" + std::to_string(gw->port()) + "/v1",
                 "  relay at " + text_of(o.relay) + ", escrow at " + text_of(o.escrow)};
  return node;
}

}  // namespace agora::net
