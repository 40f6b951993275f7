// What every connection of one relay listener shares: the actor system and the relay actor,
// the limits, the counters, the clock, the connection table and the TLS context. Held by
// shared_ptr, so a connection outlives nothing it needs.
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <caf/actor_system.hpp>
#include <memory>
#include <optional>

#include "actors/common/message_types.hpp"
#include "core/clock.hpp"
#include "net/ws/connection_table.hpp"
#include "net/ws/ws_limits.hpp"
#include "net/ws/ws_metrics.hpp"
#include "net/ws/ws_url.hpp"

namespace agora::net {

struct relay_core {
  caf::actor_system* sys = nullptr;
  actors::frame_sink relay;
  ws_limits limits;
  std::shared_ptr<ws_metrics> metrics;
  std::shared_ptr<const clock_source> clock;
  std::shared_ptr<connection_table> table;
  std::optional<boost::asio::ssl::context> tls;  // wss:// when set
};

}  // namespace agora::net
