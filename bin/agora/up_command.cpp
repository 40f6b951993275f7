// `agora up`: the whole one-machine network in one process (DESIGN §1): escrow, arbiter, relay
// (also listening for providers on other machines), gateway and a local mock-model provider.
// It prints the URL and a first request to try, and stops cleanly on Ctrl-C or SIGTERM.
#include <cstdio>

#include "bin/agora/commands.hpp"
#include "bin/agora/node_process.hpp"
#include "kernels/engine/model_engine.hpp"
#include "net/node/local_network.hpp"

namespace agora::cli {
namespace {

struct up_flags {
  net::local_network_options network;
  std::vector<std::string> models;
  uint32_t mock_token_ms = 0;
};

// The model a first request should name: the first --model folder, else mock-model.
std::string first_model(const up_flags& flags) {
  if (flags.network.models.folders.empty())
    return "mock-model";
  return kernels::model_id_of(flags.network.models.folders.front());
}

void print_welcome(const net::local_network& n, const std::string& host, bool x402,
                   const std::string& model) {
  const std::string base = "http://" + host + ":" + std::to_string(n.gateway_port());
  std::printf("agora is up\n");
  std::printf("  gateway  %s/v1  (OpenAI-compatible; %s)\n", base.c_str(),
              x402 ? "x402: every completion is paid per request" : "model \"mock-model\" is free");
  std::printf("  relay    ws://%s:%u/v1/provider/connect  (relay address %s)\n", host.c_str(),
              n.relay_port(), n.relay_address().to_string().c_str());
  std::printf("try:\n  curl %s/v1/chat/completions -H 'Content-Type: application/json' \\\n"
              "    -d '{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":"
              "\"hello\"}]}'\n",
              base.c_str(), model.c_str());
  std::printf("add a provider from another terminal or machine:\n"
              "  agora provider --relay ws://%s:%u --relay-address %s --data-dir agora-provider\n"
              "stop with Ctrl-C\n",
              host.c_str(), n.relay_port(), n.relay_address().to_string().c_str());
  std::fflush(stdout);
}

// With --accounts every request needs a key: how to get one (README "Accounts").
void print_accounts_hint(const net::local_network& n, const net::local_network_options& o) {
  const std::string base = "http://" + o.host + ":" + std::to_string(n.gateway_port());
  std::printf("accounts: every request needs an API key; create one (shown once) with\n"
              "  curl -X POST %s/v1/accounts%s\n"
              "then send it as -H 'Authorization: Bearer sk-agora-…'; fund it with POST "
              "%s/v1/accounts/deposit%s\n",
              base.c_str(),
              o.accounts_admin_token.empty() ? "" : " -H 'Authorization: Bearer $ADMIN'",
              base.c_str(), o.x402 ? " (paid with x402)" : " (unproven credit: a dev node)");
  std::fflush(stdout);
}

int run_up(up_flags& flags) {
  flags.network.models.folders.assign(flags.models.begin(), flags.models.end());
  flags.network.mock_token_time = std::chrono::milliseconds(flags.mock_token_ms);
  return run_node_process("up", [&](caf::actor_system& sys) -> result<node_stop> {
    auto network = net::local_network::start(sys, flags.network);
    if (!network)
      return network.error();
    print_welcome(**network, flags.network.host, flags.network.x402, first_model(flags));
    if (flags.network.accounts)
      print_accounts_hint(**network, flags.network);
    return node_stop([n = std::shared_ptr<net::local_network>(std::move(*network))] { n->stop(); });
  });
}

}  // namespace

void add_up_command(CLI::App& app, action& run) {
  static up_flags f;
  auto* cmd = app.add_subcommand("up", "Start the whole one-machine network in this process");
  cmd->add_option("--listen", f.network.host, "Address both listeners bind")->capture_default_str();
  cmd->add_option("--port", f.network.gateway_port, "Gateway (HTTP) port; 0: any free port")
      ->envname("COMPUTE_PORT")
      ->capture_default_str();
  cmd->add_option("--relay-port", f.network.relay_port,
                  "Relay port for providers (WebSocket); 0: any free port")
      ->envname("AGORA_RELAY_PORT")
      ->capture_default_str();
  cmd->add_option("--data-dir", f.network.data_dir, "Node state directory")
      ->envname("AGORA_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--model", f.models, "Hugging Face model folder to serve (repeatable)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--engine", f.network.models.backend,
                  "Backend for --model folders: auto (CUDA when present), cpu or cuda")
      ->capture_default_str();
  cmd->add_flag("--x402", f.network.x402,
                "Require x402 payment (EIP-3009, recorded by the escrow) for every completion");
  cmd->add_flag("--accounts", f.network.accounts,
                "Require an API key (Authorization: Bearer sk-agora-…) whose account pays; "
                "POST /v1/accounts creates one, POST /v1/accounts/deposit funds it");
  cmd->add_option("--admin-token", f.network.accounts_admin_token,
                  "With --accounts: only a request bearing this token may create accounts "
                  "(unset: anyone may)")
      ->envname("AGORA_ADMIN_TOKEN");
  cmd->add_option("--price", f.network.price_per_million_tokens_micros,
                  "The local provider's price per million tokens, in micro-units")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--mock-token-ms", f.mock_token_ms,
                  "Milliseconds mock-model takes per token (0: at once), to watch a stream")
      ->check(CLI::Range(0, 10'000))
      ->capture_default_str();
  cmd->callback([&run] { run = [] { return run_up(f); }; });
}

}  // namespace agora::cli
