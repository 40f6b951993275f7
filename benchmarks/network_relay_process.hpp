// The relay of the network suite in a process of its own (issue 5: memory per idle connection):
// fork() of the bench process whose child runs only an actor system, a relay (no escrow) and its
// relay_listener on an ephemeral port of 127.0.0.1, and answers samples of its own resident set
// size and CPU time over a pipe. The load generator stays in the parent, so the child's RSS is
// the relay's alone.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/key.hpp"

namespace agora::bench {

struct relay_process_options {
  private_key key;                     // the relay's identity (Registered is signed with it)
  uint32_t heartbeat_interval_s = 30;  // told to providers in Registered
  size_t connections_max = 10'000;     // also the per-address limit: every peer is 127.0.0.1
  size_t listener_threads = 1;         // the listener's io_context threads
  size_t scheduler_threads = 2;        // CAF's worker threads
};

/// One look at the child. Plain data: it crosses the pipe as bytes.
struct relay_process_sample {
  uint64_t rss_bytes = 0;         // resident set size (/proc/self/statm)
  double cpu_seconds = 0;         // user + system time of the whole process so far
  uint64_t connections_open = 0;  // the listener's admitted, not yet closed connections
  uint64_t upgrades = 0;          // completed WebSocket handshakes
  uint64_t frames_in = 0;         // WebSocket messages read from providers
  uint64_t refusals = 0;          // connections and messages the listener refused, all causes
  uint64_t providers = 0;         // registered (only when asked with status; else 0)
  uint64_t healthy = 0;           // of those, healthy and not draining
};

class relay_process {
 public:
  /// Forks the child and waits (up to 30 s) for its port. Null with `*why` set on failure.
  /// REQUIRES: the calling process runs no other thread that could hold a lock at fork().
  static std::unique_ptr<relay_process> start(const relay_process_options& options,
                                              std::string* why);

  /// Asks the child to stop (listener, then actors) and reaps it; kills it after 15 s.
  ~relay_process();
  relay_process(const relay_process&) = delete;
  relay_process& operator=(const relay_process&) = delete;

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }

  /// A sample; with_status also asks the relay actor for its providers (10,000 entries cost a
  /// few ms of the relay's CPU, so CPU windows are sampled without it). False if the child died.
  bool sample(bool with_status, relay_process_sample* out);

 private:
  relay_process(pid_t pid, int to_child, int from_child, uint16_t port)
      : pid_(pid), to_child_(to_child), from_child_(from_child), port_(port) {}

  pid_t pid_;
  int to_child_;
  int from_child_;
  uint16_t port_;
};

}  // namespace agora::bench
