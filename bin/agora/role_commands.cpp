// `agora escrow`, `agora relay`, `agora gateway`: one market role per process, for deployments
// across machines (net/node/role_nodes.hpp has the topology). Each runs until Ctrl-C/SIGTERM.
#include <chrono>
#include <cstdio>

#include "bin/agora/commands.hpp"
#include "bin/agora/node_process.hpp"
#include "net/node/role_nodes.hpp"

namespace agora::cli {
namespace {

/// Runs `start` as a remoting node process, printing its banner once it is up.
template <class Start>
int run_role(const std::string& command, Start start) {
  return run_node_process(
      command,
      [&](caf::actor_system& sys) -> result<node_stop> {
        auto node = start(sys);
        if (!node)
          return node.error();
        for (const std::string& line : node->banner)
          std::printf("%s\n", line.c_str());
        std::fflush(stdout);
        return node_stop(std::move(node->stop));
      },
      true);
}

/// "HOST:PORT" flags parsed after CLI11 is done, with the flag's name in the error.
result<net::endpoint> endpoint_flag(const std::string& name, const std::string& text) {
  auto e = net::parse_endpoint(text);
  if (!e)
    return make_error(errc::invalid_argument, name + ": " + e.error().message);
  return e;
}

/// --listen HOST, or HOST:PORT (DESIGN's form), whose port then replaces the role's main port.
result<net::endpoint> listen_flag(const std::string& listen, uint16_t main_port) {
  if (listen.find(':') == std::string::npos)
    return net::endpoint{listen, main_port};
  return endpoint_flag("--listen", listen);
}

struct role_flags {
  std::string data_dir;
  std::string listen = "127.0.0.1";
  uint16_t port = 0;
  uint16_t caf_port = 0;
  std::string escrow = "127.0.0.1:4010";
  std::string relay = "127.0.0.1:4009";
  std::vector<std::string> trusted_relays;
  std::string x402_pay_to;         // gateway: the escrow's address; empty: x402 off
  bool accounts = false;           // gateway: API-key accounts
  std::string admin_token;         // gateway: who may create accounts; empty: anyone
  uint32_t tick_interval_s = 60;   // escrow: how often expired holds are refunded
  uint32_t task_deadline_s = 120;  // gateway: how long a request waits for its result
  uint32_t hold_ttl_s = 300;       // gateway: when a Hold nobody settled returns
};

int usage_error(const std::string& command, const error& e) {
  std::fprintf(stderr, "agora %s: %s\n", command.c_str(), e.to_string().c_str());
  return 2;
}

int run_escrow(const role_flags& f) {
  auto listen = listen_flag(f.listen, f.caf_port);
  if (!listen)
    return usage_error("escrow", listen.error());
  net::escrow_node_options o{f.data_dir, *listen, {}};
  o.tick_interval = std::chrono::seconds(f.tick_interval_s);
  for (const std::string& text : f.trusted_relays) {
    auto relay = address::parse(text);
    if (!relay)
      return usage_error("escrow", relay.error());
    o.trusted_relays.push_back(*relay);
  }
  return run_role("escrow", [&](caf::actor_system& sys) { return start_escrow_node(sys, o); });
}

int run_relay(const role_flags& f) {
  auto escrow = endpoint_flag("--escrow", f.escrow);
  auto listen = listen_flag(f.listen, f.port);
  if (!escrow || !listen)
    return usage_error("relay", escrow ? listen.error() : escrow.error());
  net::relay_node_options o{f.data_dir, *listen, {listen->host, f.caf_port}, *escrow};
  return run_role("relay", [&](caf::actor_system& sys) { return start_relay_node(sys, o); });
}

int run_gateway(const role_flags& f) {
  auto escrow = endpoint_flag("--escrow", f.escrow);
  auto relay = endpoint_flag("--relay", f.relay);
  auto listen = listen_flag(f.listen, f.port);
  if (!escrow || !relay || !listen)
    return usage_error("gateway", !escrow  ? escrow.error()
                                  : !relay ? relay.error()
                                           : listen.error());
  if (f.hold_ttl_s < f.task_deadline_s)
    return usage_error("gateway", make_error(errc::invalid_argument,
                                             "--hold-ttl must be at least --task-deadline"));
  net::gateway_node_options o;
  o.data_dir = f.data_dir;
  o.http = *listen;
  o.relay = *relay;
  o.escrow = *escrow;
  o.task_deadline = std::chrono::seconds(f.task_deadline_s);
  o.hold_ttl = std::chrono::seconds(f.hold_ttl_s);
  o.accounts = f.accounts;
  o.accounts_admin_token = f.admin_token;
  if (!f.x402_pay_to.empty()) {
    auto pay_to = address::parse(f.x402_pay_to);
    if (!pay_to)
      return usage_error("gateway", make_error(errc::invalid_argument,
                                               "--x402-pay-to: " + pay_to.error().message));
    o.x402_pay_to = *pay_to;
  }
  return run_role("gateway", [&](caf::actor_system& sys) { return start_gateway_node(sys, o); });
}

CLI::App* add_role(CLI::App& app, const char* name, const char* about, role_flags& f,
                   const char* data_dir) {
  f.data_dir = data_dir;
  auto* cmd = app.add_subcommand(name, about);
  cmd->add_option("--data-dir", f.data_dir, "State directory")
      ->envname("AGORA_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--listen", f.listen,
                  "Address to bind: HOST, or HOST:PORT to set the role's main port too")
      ->capture_default_str();
  return cmd;
}

}  // namespace

void add_role_commands(CLI::App& app, action& run) {
  static role_flags escrow, relay, gateway;
  auto* e =
      add_role(app, "escrow", "Run the escrow (ledger) as its own process", escrow, "agora-escrow");
  e->add_option("--caf-port", escrow.caf_port, "CAF port the relay and gateway reach")
      ->default_val(4010);
  e->add_option("--trusted-relay", escrow.trusted_relays,
                "Relay address (0x…) whose "
                "settlements count (repeatable)");
  e->add_option("--tick-interval", escrow.tick_interval_s,
                "Seconds between refunds of expired holds")
      ->check(CLI::Range(1, 3'600))
      ->capture_default_str();
  e->callback([&run] { run = [] { return run_escrow(escrow); }; });

  auto* r = add_role(app, "relay", "Run a relay as its own process", relay, "agora-relay");
  r->add_option("--port", relay.port, "WebSocket port providers dial")->default_val(4008);
  r->add_option("--caf-port", relay.caf_port, "CAF port the gateway reaches")->default_val(4009);
  r->add_option("--escrow", relay.escrow, "The escrow's CAF endpoint HOST:PORT")
      ->capture_default_str();
  r->callback([&run] { run = [] { return run_relay(relay); }; });

  auto* g =
      add_role(app, "gateway", "Run the HTTP gateway as its own process", gateway, "agora-gateway");
  g->add_option("--port", gateway.port, "HTTP port")->envname("COMPUTE_PORT")->default_val(4007);
  g->add_option("--relay", gateway.relay, "The relay's CAF endpoint HOST:PORT")
      ->capture_default_str();
  g->add_option("--escrow", gateway.escrow, "The escrow's CAF endpoint HOST:PORT")
      ->capture_default_str();
  g->add_option("--x402-pay-to", gateway.x402_pay_to,
                "Require x402 payment for every completion, paid to this escrow address (0x…)");
  g->add_flag("--accounts", gateway.accounts,
              "Require an API key (Authorization: Bearer sk-agora-…) whose account pays; "
              "POST /v1/accounts creates one");
  g->add_option("--admin-token", gateway.admin_token,
                "With --accounts: only a request bearing this token may create accounts "
                "(unset: anyone may)")
      ->envname("AGORA_ADMIN_TOKEN");
  g->add_option("--task-deadline", gateway.task_deadline_s,
                "Seconds a request waits for its result")
      ->check(CLI::Range(1, 3'600))
      ->capture_default_str();
  g->add_option("--hold-ttl", gateway.hold_ttl_s,
                "Seconds before a Hold nobody settled returns (at least --task-deadline)")
      ->check(CLI::Range(1, 86'400))
      ->capture_default_str();
  g->callback([&run] { run = [] { return run_gateway(gateway); }; });
}

}  // namespace agora::cli
