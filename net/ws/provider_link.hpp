// The provider's connection to its relay (DESIGN §6 "provider: outbound connection with
// reconnect and backoff"): dials ws:// or wss:// out (no open port on the GPU host), keeps ONE
// bridge actor for its whole life as the provider's relay handle (sink()), and after every
// completed handshake tells the attached provider to register again. Any loss is logged
// ("lost connection to relay …") and retried with exponential backoff and seeded jitter.
//
// Wiring: auto link = provider_link::start(sys, {.url = "wss://relay:4443"}, clock, rng).value();
//         provider_options o{…}; o.relay = link->sink(); o.register_at_start = false;
//         auto provider = spawn_provider(sys, std::move(o));
//         link->attach(provider);
//         …
//         link->stop();  // before the actor system is destroyed
#pragma once

#include <caf/actor_system.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "actors/common/message_types.hpp"
#include "actors/provider/provider.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "net/ws/ws_limits.hpp"
#include "net/ws/ws_metrics.hpp"

namespace agora::net {

struct provider_link_options {
  /// ws://host[:port][/path] or wss://…; the path defaults to /v1/provider/connect.
  std::string url;
  /// wss: trust only this PEM CA file (a pinned relay CA); empty: the system CA store.
  std::string ca_file;
  /// frame_bytes_max, outbox_frames_max, handshake_timeout (per dial step) and idle_timeout.
  ws_limits limits;
  std::chrono::milliseconds backoff_initial{250};
  uint32_t backoff_factor = 2;
  std::chrono::milliseconds backoff_max{30'000};
  /// A connection that lasted this long resets the backoff to backoff_initial.
  std::chrono::milliseconds backoff_reset_after{10'000};
  /// How long stop() waits for the closing handshake.
  std::chrono::milliseconds stop_grace{2'000};
};

class provider_link {
 public:
  /// Spawns the bridge and starts dialing at once. invalid_argument for a bad URL, option or
  /// CA file. REQUIRES: clock and rng not null.
  static result<std::unique_ptr<provider_link>> start(caf::actor_system& sys,
                                                      provider_link_options options,
                                                      std::shared_ptr<const clock_source> clock,
                                                      std::shared_ptr<random_source> rng);

  /// stop(). REQUIRES: the actor system is still alive.
  ~provider_link();
  provider_link(const provider_link&) = delete;
  provider_link& operator=(const provider_link&) = delete;

  /// The provider's relay handle (provider_options::relay): frames sent to it go to the relay
  /// while connected and are dropped otherwise.
  actors::frame_sink sink() const { return sink_; }
  /// Names the provider that gets the relay's frames and a (reconnect, sink()) after every
  /// handshake, including one that completed before this call.
  void attach(const actors::provider_actor& provider);
  const link_metrics& metrics() const { return *metrics_; }

  /// Closes the connection (WebSocket close, up to stop_grace), stops retrying, joins the I/O
  /// thread and ends the bridge actor. Idempotent. REQUIRES: not called from the I/O thread.
  void stop();

 private:
  class loop;
  provider_link(std::shared_ptr<link_metrics> metrics, actors::frame_sink sink,
                std::unique_ptr<loop> io);

  std::shared_ptr<link_metrics> metrics_;
  actors::frame_sink sink_;
  std::unique_ptr<loop> loop_;  // null once stopped
};

/// The delay before retry `attempt` (0-based): initial × factor^attempt, capped at max, then
/// jittered uniformly into [delay / 2, delay] by `rng`.
std::chrono::milliseconds backoff_delay(const provider_link_options& options, uint32_t attempt,
                                        random_source& rng);

}  // namespace agora::net
