// A swarm of simulated providers for the network suite (issue 5: 10,000 provider connections on
// one relay): `connections` WebSocket connections to ws://host:port/v1/provider/connect from one
// io_context thread, each with its own deterministic key, each sending a signed Register and,
// once Registered, a signed Heartbeat every heartbeat_interval (spread evenly over the interval,
// so the relay sees a steady rate). Dials are paced (dials_in_flight_max) so the relay's accept
// backlog never overflows. Counters are atomics, readable from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "core/address.hpp"

namespace agora::bench {

struct ws_load_options {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  size_t connections = 10'000;
  address relay_id;  // Register.relay
  std::chrono::milliseconds heartbeat_interval{30'000};
  size_t dials_in_flight_max = 128;  // connections between dial and Registered at once
  uint64_t key_seed = 1'000;         // connection i signs with a key seeded key_seed + i
  /// Off: connections only upgrade and stay silent (what the transport alone costs the relay).
  bool send_register = true;
};

struct ws_load_counters {
  std::atomic<uint64_t> upgraded{0};    // completed WebSocket handshakes
  std::atomic<uint64_t> registered{0};  // Registered answers received
  std::atomic<uint64_t> heartbeats{0};  // Heartbeats written
  std::atomic<uint64_t> errors{0};      // ErrorFrames received (refused Register or Heartbeat)
  std::atomic<uint64_t> failed{0};      // dials, handshakes, reads or writes that failed
};

class ws_load_swarm {
 public:
  /// REQUIRES: connections > 0, port > 0, heartbeat_interval > 0.
  explicit ws_load_swarm(ws_load_options options);
  /// stop().
  ~ws_load_swarm();
  ws_load_swarm(const ws_load_swarm&) = delete;
  ws_load_swarm& operator=(const ws_load_swarm&) = delete;

  /// Starts dialing on the swarm's own thread. REQUIRES: called once.
  void start();
  /// Closes every connection (TCP close, no closing handshake) and joins the thread.
  void stop();

  const ws_load_counters& counters() const;

  class runtime;  // the io_context and its peers (ws_load_swarm.cpp)

 private:
  std::unique_ptr<runtime> rt_;
  std::thread thread_;
};

}  // namespace agora::bench
