// `agora up`: the one-machine network (DESIGN §1). What exists today: the node's data directory,
// its key (created once, mode 0600) and its store. The market roles run as in-process actors
// (agora-sim drives them), but the WebSocket transport and the HTTP gateway come with the network
// and gateway issues; until then `up` prepares the node, says plainly that nothing listens yet,
// and exits.
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>

#include "bin/agora/commands.hpp"
#include "core/key.hpp"
#include "storage/store.hpp"

namespace agora::cli {
namespace {

struct up_options {
  std::string listen_host = "127.0.0.1";
  uint16_t port = 4007;
  std::string data_dir = "agora-data";
  std::vector<std::string> models;
  bool x402 = false;
};

/// Loads data_dir/node.key, creating it on first start.
result<private_key> node_key(const std::filesystem::path& data_dir) {
  auto file = data_dir / "node.key";
  if (std::filesystem::exists(file))
    return private_key::load(file);
  os_random rng;
  auto key = private_key::generate(rng);
  if (auto st = key.save(file); !st)
    return st.error();
  spdlog::info("created node key {}", file.string());
  return key;
}

int run_up(const up_options& opts) {
  std::error_code ec;
  std::filesystem::create_directories(opts.data_dir, ec);
  if (ec) {
    std::fprintf(stderr, "agora up: cannot create %s: %s\n", opts.data_dir.c_str(),
                 ec.message().c_str());
    return 2;
  }
  auto key = node_key(opts.data_dir);
  if (!key) {
    std::fprintf(stderr, "agora up: %s\n", key.error().to_string().c_str());
    return 2;
  }
  auto db = storage::store::open({.path = opts.data_dir + "/db"});
  if (!db) {
    std::fprintf(stderr, "agora up: %s\n", db.error().to_string().c_str());
    return 2;
  }
  std::printf("agora node %s\n", key->address().to_string().c_str());
  std::printf("data dir:  %s (key and store ready)\n", opts.data_dir.c_str());
  std::printf("not yet:   the market roles run in-process (try agora-sim), but the network\n"
              "           transport and the HTTP gateway are not built in this version, so\n"
              "           nothing listens on http://%s:%u yet. Nothing else was started.\n",
              opts.listen_host.c_str(), opts.port);
  return 0;
}

}  // namespace

void add_up_command(CLI::App& app, action& run) {
  static up_options opts;
  auto* cmd = app.add_subcommand("up", "Start the whole one-machine network in this process");
  cmd->add_option("--listen", opts.listen_host, "Address to listen on")->capture_default_str();
  cmd->add_option("--port", opts.port, "Gateway port")
      ->envname("COMPUTE_PORT")
      ->capture_default_str();
  cmd->add_option("--data-dir", opts.data_dir, "Node state directory")
      ->envname("AGORA_DATA_DIR")
      ->capture_default_str();
  cmd->add_option("--model", opts.models, "Hugging Face model folder to serve (repeatable)");
  cmd->add_flag("--x402", opts.x402, "Require x402 payment for priced models");
  cmd->callback([&run] { run = [] { return run_up(opts); }; });
}

}  // namespace agora::cli
