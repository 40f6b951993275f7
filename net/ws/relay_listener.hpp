// The relay's WebSocket listener (DESIGN §6 "relay accepts provider sessions"): accepts
// providers on GET /v1/provider/connect over ws:// or wss://, and joins each connection to the
// relay actor through its own bridge actor (relay_bridge.hpp). Runs its own io_context on
// `threads` threads; every connection lives on its own strand, so one slow peer never stalls
// the others. Abuse (oversize or malformed messages, frame floods, too many connections from
// one address, slowloris handshakes, idle peers, wrong paths) is refused, logged and counted.
//
// Wiring: auto relay = spawn_relay(sys, …);
//         auto listener = relay_listener::start(sys, relay, options, clock).value();
//         … providers dial ws://host:listener->port()/v1/provider/connect …
//         listener->stop();  // before the actor system is destroyed
#pragma once

#include <caf/actor_system.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "actors/common/message_types.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "net/ws/ws_limits.hpp"
#include "net/ws/ws_metrics.hpp"

namespace agora::net {

struct relay_listener_options {
  std::string host = "127.0.0.1";  // the address to bind
  uint16_t port = 0;               // 0: an ephemeral port (port() tells which)
  /// wss:// when both are set: a PEM certificate chain and its PEM private key.
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  size_t threads = 1;  // threads running the listener's io_context, 1–64
  ws_limits limits;
  /// How long stop() waits for the closing handshakes before it cuts the rest off.
  std::chrono::milliseconds stop_grace{2'000};
};

class relay_listener {
 public:
  /// Binds and starts accepting. invalid_argument for a bad host, option or TLS file;
  /// io_error when the address cannot be bound. REQUIRES: relay valid, clock not null.
  static result<std::unique_ptr<relay_listener>> start(caf::actor_system& sys,
                                                       actors::frame_sink relay,
                                                       relay_listener_options options,
                                                       std::shared_ptr<const clock_source> clock);

  /// stop(). REQUIRES: the actor system is still alive.
  ~relay_listener();
  relay_listener(const relay_listener&) = delete;
  relay_listener& operator=(const relay_listener&) = delete;

  /// The bound port.
  uint16_t port() const { return port_; }
  bool tls() const;
  const ws_metrics& metrics() const { return *metrics_; }

  /// Stops accepting, closes every connection (WebSocket close "going away", waiting up to
  /// stop_grace), stops the io_context and joins its threads; every bridge actor quits.
  /// Idempotent. REQUIRES: not called from one of the listener's own threads.
  void stop();

 private:
  struct runtime;
  relay_listener(std::shared_ptr<ws_metrics> metrics, std::unique_ptr<runtime> rt);
  void accept();

  std::shared_ptr<ws_metrics> metrics_;
  std::unique_ptr<runtime> rt_;  // null once stopped
  uint16_t port_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace agora::net
