// The shared run loop of node processes (node_process.hpp).
#include "bin/agora/node_process.hpp"

#include <spdlog/spdlog.h>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <cstdio>

#include "actors/common/message_types.hpp"
#include "net/node/remote_role.hpp"
#include "net/node/shutdown_signal.hpp"

namespace agora::cli {

int run_node_process(const std::string& command, const node_start& start, bool remoting) {
  net::block_shutdown_signals();
  caf::actor_system_config cfg;
  actors::add_agora_message_types(cfg);
  if (remoting) {
    cfg.load<caf::io::middleman>();
    net::add_remote_types(cfg);
  }
  caf::actor_system sys{cfg};
  auto stop = start(sys);
  if (!stop) {
    std::fprintf(stderr, "agora %s: %s\n", command.c_str(), stop.error().to_string().c_str());
    return 1;
  }
  const int signal = net::wait_for_shutdown_signal();
  spdlog::info("agora {}: signal {} received, shutting down", command, signal);
  (*stop)();
  spdlog::info("agora {}: stopped", command);
  return 0;
}

}  // namespace agora::cli
