// Clean shutdown of a node process on Ctrl-C or SIGTERM: the main thread blocks both signals
// before any other thread exists (so every thread inherits the mask and none is interrupted),
// starts the node, then waits for one of them with sigwait and stops the node in order.
#pragma once

namespace agora::net {

/// Blocks SIGINT and SIGTERM in the calling thread. REQUIRES: called before any thread starts.
void block_shutdown_signals();
/// Waits until SIGINT or SIGTERM arrives; returns its number. REQUIRES: block_shutdown_signals.
int wait_for_shutdown_signal();

}  // namespace agora::net
