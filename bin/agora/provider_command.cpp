// `agora provider`: the provider agent on a GPU host (DESIGN §1, §6). It dials out to a relay
// (no open port), registers with its key, heartbeats and serves the tasks it is assigned, until
// Ctrl-C or SIGTERM.
#include <cstdio>

#include "bin/agora/commands.hpp"
#include "bin/agora/node_process.hpp"
#include "core/amount.hpp"
#include "net/node/provider_agent.hpp"

namespace agora::cli {
namespace {

struct provider_flags {
  std::string data_dir = "agora-provider";
  std::string key_file;
  std::string relay_url;
  std::string relay_address;
  std::string ca_file;
  std::string backend_url;
  std::string backend_api_key;
  std::string price_per_million = "0";
  std::string price_per_gpu_hour = "0";
  std::string region = "local";
  uint32_t max_concurrency = 16;
  std::vector<std::string> models;
  std::string engine = "auto";
};

result<net::provider_agent_options> agent_options(const provider_flags& f) {
  net::provider_agent_options o;
  o.data_dir = f.data_dir;
  o.key_file = f.key_file;
  o.relay_url = f.relay_url;
  o.ca_file = f.ca_file;
  o.backend_url = f.backend_url;
  o.backend_api_key = f.backend_api_key;
  o.region = f.region;
  o.max_concurrency = f.max_concurrency;
  o.models.folders.assign(f.models.begin(), f.models.end());
  o.models.backend = f.engine;
  auto relay = address::parse(f.relay_address);
  if (!relay)
    return make_error(errc::invalid_argument, "--relay-address: " + relay.error().message);
  o.relay_address = *relay;
  auto per_million = amount::parse(f.price_per_million);
  auto per_hour = amount::parse(f.price_per_gpu_hour);
  if (!per_million || !per_hour || per_million->is_negative() || per_hour->is_negative())
    return make_error(errc::invalid_argument, "prices are non-negative decimal amounts");
  o.price_per_million_tokens_micros = per_million->micros();
  o.price_per_gpu_hour_micros = per_hour->micros();
  return o;
}

int run_provider(const provider_flags& flags) {
  auto options = agent_options(flags);
  if (!options) {
    std::fprintf(stderr, "agora provider: %s\n", options.error().to_string().c_str());
    return 2;
  }
  return run_node_process("provider", [&](caf::actor_system& sys) -> result<node_stop> {
    auto agent = net::provider_agent::start(sys, *options);
    if (!agent)
      return agent.error();
    std::printf("provider %s dialing %s\n", (*agent)->provider_address().to_string().c_str(),
                flags.relay_url.c_str());
    std::fflush(stdout);
    return node_stop([a = std::shared_ptr<net::provider_agent>(std::move(*agent))] { a->stop(); });
  });
}

}  // namespace

void add_provider_command(CLI::App& app, action& run) {
  static provider_flags f;
  auto* cmd = app.add_subcommand("provider", "Serve tasks from a relay (dials out, no open port)");
  cmd->add_option("--relay", f.relay_url, "Relay URL: ws://HOST:PORT or wss://HOST:PORT")
      ->envname("AGORA_RELAY_URL")
      ->required();
  cmd->add_option("--relay-address", f.relay_address,
                  "The relay's address (0x…): only it may sign our registration")
      ->envname("AGORA_RELAY_ADDRESS")
      ->required();
  cmd->add_option("--key-file", f.key_file,
                  "Key file (mode 0600); else PRIVATE_KEY, else "
                  "<data-dir>/keys/provider.key");
  cmd->add_option("--data-dir", f.data_dir, "Provider state directory")
      ->envname("AGORA_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--ca-file", f.ca_file, "wss: trust only this PEM CA file");
  cmd->add_option("--backend", f.backend_url,
                  "Serve this OpenAI-compatible server (vLLM, Ollama, llama.cpp) instead of "
                  "mock-model, e.g. http://127.0.0.1:8000")
      ->envname("AGORA_BACKEND_URL");
  cmd->add_option("--model", f.models, "Hugging Face model folder to serve (repeatable)")
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--engine", f.engine,
                  "Backend for --model folders: auto (CUDA when present), cpu or cuda")
      ->capture_default_str();
  cmd->add_option("--backend-api-key", f.backend_api_key, "Bearer key for --backend")
      ->envname("AGORA_BACKEND_API_KEY");
  cmd->add_option("--price-per-million", f.price_per_million, "Price per million tokens")
      ->capture_default_str();
  cmd->add_option("--price-per-gpu-hour", f.price_per_gpu_hour, "Rental price per GPU-hour")
      ->capture_default_str();
  cmd->add_option("--region", f.region, "Region label")->capture_default_str();
  cmd->add_option("--max-concurrency", f.max_concurrency, "Tasks at once")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  cmd->callback([&run] { run = [] { return run_provider(f); }; });
}

}  // namespace agora::cli
