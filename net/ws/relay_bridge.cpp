// The relay-side bridge actor's behavior.

#include "net/ws/relay_bridge.hpp"

#include <spdlog/spdlog.h>

namespace agora::net {

namespace {

relay_bridge_actor::behavior_type relay_bridge(relay_bridge_actor::pointer self,
                                               actors::frame_sink relay, session_ref session) {
  AGORA_ASSERT(relay != nullptr);
  return {
      [session](const wire::frame& f) {
        if (!write_to(session, f))
          spdlog::debug("ws: dropped a {} frame for a closed connection", wire::kind_name(f.kind));
      },
      [self, relay](inbound_atom, const wire::frame& f) { self->send(relay, f); },
  };
}

}  // namespace

relay_bridge_actor spawn_relay_bridge(caf::actor_system& sys, actors::frame_sink relay,
                                      session_ref session) {
  return sys.spawn(relay_bridge, std::move(relay), std::move(session));
}

}  // namespace agora::net
