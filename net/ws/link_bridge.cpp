// The provider-side bridge actor's behavior.

#include "net/ws/link_bridge.hpp"

#include <spdlog/spdlog.h>

namespace agora::net {

namespace {

struct link_bridge_state {
  // Not an aggregate: CAF would build an aggregate state from the actor's own pointer.
  link_bridge_state() = default;

  actors::provider_actor provider;  // null until attached
  session_ref session;              // expired while disconnected
};

using link_bridge_pointer = link_bridge_actor::stateful_pointer<link_bridge_state>;

/// Tells the provider to register again through this bridge, if both ends are there.
void announce(link_bridge_pointer self) {
  const auto& st = self->state;
  if (st.provider == nullptr || st.session.writer.expired())
    return;
  self->send(st.provider, actors::reconnect_atom_v, caf::actor_cast<actors::frame_sink>(self));
}

link_bridge_actor::behavior_type link_bridge(link_bridge_pointer self) {
  return {
      [self](const wire::frame& f) {
        if (self->state.provider == nullptr)
          return spdlog::debug("provider link: dropped a {} frame sent before attach",
                               wire::kind_name(f.kind));
        if (!write_to(self->state.session, f))
          spdlog::debug("provider link: dropped a {} frame while disconnected",
                        wire::kind_name(f.kind));
      },
      [self](inbound_atom, const wire::frame& f) {
        if (self->state.provider == nullptr)
          return spdlog::debug("provider link: dropped a {} frame: no provider attached",
                               wire::kind_name(f.kind));
        self->send(self->state.provider, f);
      },
      [self](attach_atom, actors::provider_actor provider) {
        AGORA_ASSERT(provider != nullptr);
        AGORA_ASSERT(self->state.provider == nullptr);
        self->state.provider = std::move(provider);
        announce(self);
      },
      [self](connected_atom, session_ref session) {
        self->state.session = std::move(session);
        announce(self);
      },
  };
}

}  // namespace

link_bridge_actor spawn_link_bridge(caf::actor_system& sys) {
  return sys.spawn(link_bridge);
}

}  // namespace agora::net
