// Counters of the WebSocket transport, readable from any thread (atomics), and their rendering
// as Prometheus text lines (agora_ws_…) for the node's /metrics.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace agora::net {

/// Frames that crossed one end of a connection.
struct frame_counters {
  std::atomic<uint64_t> in{0};
  std::atomic<uint64_t> out{0};
};

/// Why the relay refused a connection or a message (each counted once per event).
struct refusal_counters {
  std::atomic<uint64_t> oversize{0};           // a message over frame_bytes_max
  std::atomic<uint64_t> rate{0};               // over the frame rate: disconnected
  std::atomic<uint64_t> malformed{0};          // not an Envelope, or a broken HTTP request
  std::atomic<uint64_t> handshake_timeout{0};  // the upgrade did not complete in time
  std::atomic<uint64_t> idle_timeout{0};       // silent for idle_timeout
  std::atomic<uint64_t> per_ip{0};             // over connections_per_ip_max
  std::atomic<uint64_t> capacity{0};           // over connections_max, or stopping
  std::atomic<uint64_t> bad_path{0};           // not GET /v1/provider/connect with an upgrade
  std::atomic<uint64_t> slow_peer{0};          // its outbox reached outbox_frames_max
};

/// The relay listener's counters.
struct ws_metrics {
  std::atomic<uint64_t> connections_accepted{0};  // admitted TCP connections
  std::atomic<uint64_t> connections_open{0};      // admitted and not yet closed
  std::atomic<uint64_t> connections_refused{0};   // closed at accept (per_ip, capacity)
  std::atomic<uint64_t> upgrades{0};              // completed WebSocket handshakes
  frame_counters frames;
  refusal_counters refusals;
};

/// The provider link's counters.
struct link_metrics {
  std::atomic<uint64_t> connects{0};          // completed handshakes
  std::atomic<uint64_t> disconnects{0};       // established connections lost
  std::atomic<uint64_t> connect_failures{0};  // dials that did not reach a handshake
  frame_counters frames;
};

/// The listener's counters as Prometheus text exposition lines (with # TYPE lines).
std::string render_prometheus(const ws_metrics& metrics);

}  // namespace agora::net
