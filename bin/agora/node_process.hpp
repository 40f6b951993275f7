// What every long-running agora command (up, provider) shares: the actor system configured
// with Agora's message types, started after SIGINT/SIGTERM are blocked, and a run loop that
// starts the node, waits for one of those signals and stops the node before the system ends.
#pragma once

#include <functional>
#include <string>

#include "core/error.hpp"

namespace caf {
class actor_system;
}

namespace agora::cli {

/// A started node: stop() runs once the shutdown signal came, before the actor system ends.
using node_stop = std::function<void()>;
using node_start = std::function<result<node_stop>(caf::actor_system&)>;

/// Runs a node process: blocks the shutdown signals, creates the actor system (with CAF's
/// middleman and the types that cross it when `remoting`), calls `start`, waits for
/// SIGINT/SIGTERM and stops. Returns the exit code: 0 after a clean stop, 1 when start failed
/// (its error printed as "agora <command>: …").
int run_node_process(const std::string& command, const node_start& start, bool remoting = false);

}  // namespace agora::cli
