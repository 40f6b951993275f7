// The limits of the provider<->relay WebSocket transport (DESIGN §5 "Frames have a size limit",
// §10): frame size, frame rate, connections, handshake and idle timeouts. One struct, shared by
// the relay's listener and the provider's link, so both ends agree on what a frame may be.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "core/error.hpp"
#include "schemas/limits.hpp"

namespace agora::net {

struct ws_limits {
  /// The largest WebSocket message read (Beast's read_message_max): one sealed Envelope.
  size_t frame_bytes_max = wire::limits::frame_bytes_max;
  /// The sustained inbound frame rate of one connection (a token bucket) and its burst.
  /// A streaming provider sends a TokenChunk per token of every task it runs at once, so this
  /// allows e.g. 32 streams at 60 tokens/s; a flood is still cut off within a second.
  uint32_t frames_per_second = 2'000;
  uint32_t frames_burst = 4'000;
  /// Messages that are not even an Envelope before the connection is closed.
  uint32_t malformed_frames_max = 3;
  /// Frames waiting to be written to one peer; a peer that reads slower is disconnected.
  size_t outbox_frames_max = 4096;
  /// Connections open at once, from one IP address and in all.
  size_t connections_per_ip_max = 64;
  size_t connections_max = 10'000;
  /// From accept to a completed upgrade (TLS, HTTP request, WebSocket handshake); also bounds
  /// the closing handshake. A slowloris peer is cut off here.
  std::chrono::milliseconds handshake_timeout{10'000};
  /// Silence after which a connection is dropped; Beast pings at half of it, so a live peer
  /// that reads never idles out. 90 s = 3 heartbeats.
  std::chrono::milliseconds idle_timeout{90'000};
  /// Bytes of an HTTP upgrade request's header.
  uint32_t request_header_bytes_max = 8 * 1024;
};

static_assert(wire::limits::frame_bytes_max <= (size_t{1} << 31));

/// invalid_argument naming the first limit that is zero or out of order.
inline status check(const ws_limits& l) {
  const auto bad = [](const char* what) {
    return make_error(errc::invalid_argument, std::string("ws_limits.") + what);
  };
  if (l.frame_bytes_max == 0 || l.frame_bytes_max > (size_t{1} << 31))
    return bad("frame_bytes_max: outside [1, 2 GiB]");
  if (l.frames_per_second == 0 || l.frames_burst == 0)
    return bad("frames_per_second and frames_burst: must be positive");
  if (l.outbox_frames_max == 0 || l.request_header_bytes_max == 0)
    return bad("outbox_frames_max and request_header_bytes_max: must be positive");
  if (l.connections_per_ip_max == 0 || l.connections_max < l.connections_per_ip_max)
    return bad("connections_per_ip_max: must be positive and at most connections_max");
  if (l.handshake_timeout.count() <= 0 || l.idle_timeout.count() <= 0)
    return bad("handshake_timeout and idle_timeout: must be positive");
  return {};
}

}  // namespace agora::net
