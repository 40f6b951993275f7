// The relay's policy for one upgraded provider connection (a ws_handler): the frame rate (a
// token bucket on the injected clock), the cheap structural check that fills frame.kind (the
// Envelope verifies; the relay actor still runs wire::open on everything), the close on abuse,
// and the counting. It owns the connection's slot and its bridge actor, which quits with it.
#pragma once

#include <memory>
#include <string>

#include "net/ws/connection_table.hpp"
#include "net/ws/relay_bridge.hpp"
#include "net/ws/relay_core.hpp"
#include "net/ws/token_bucket.hpp"
#include "net/ws/ws_connection.hpp"

namespace agora::net {

class relay_session final : public ws_handler {
 public:
  /// REQUIRES: core and bridge valid.
  relay_session(std::shared_ptr<relay_core> core, connection_slot slot, relay_bridge_actor bridge,
                std::string peer);
  ~relay_session() override;
  relay_session(const relay_session&) = delete;
  relay_session& operator=(const relay_session&) = delete;

  void on_message(ws_channel& channel, bytes message) override;
  void on_end(ws_end why, const std::string& detail) override;

 private:
  std::shared_ptr<relay_core> core_;
  connection_slot slot_;
  relay_bridge_actor bridge_;
  std::string peer_;  // "ip:port", for logs
  token_bucket bucket_;
  uint32_t malformed_ = 0;
};

}  // namespace agora::net
