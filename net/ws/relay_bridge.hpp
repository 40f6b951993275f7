// The relay-side bridge actor of one provider connection (../shared/notes/caf-0.17.md §6): it
// hands each message read from the socket to the relay actor as a wire::frame with itself as
// sender, so the relay answers (Registered, assignments, ErrorFrames) to it and keeps it as the
// provider's session handle; and it writes every frame it receives to the socket. It quits when
// its connection ends (relay_session).
#pragma once

#include <caf/all.hpp>

#include "actors/common/message_types.hpp"
#include "net/ws/frame_writer.hpp"

namespace agora::net {

/// - frame: from the relay; written to the connection, or dropped if it has closed.
/// - (inbound, frame): from the connection's I/O thread; sent on to the relay.
using relay_bridge_actor =
    caf::typed_actor<caf::reacts_to<wire::frame>, caf::reacts_to<inbound_atom, wire::frame>>;

/// Spawns the bridge of one connection. REQUIRES: relay valid.
relay_bridge_actor spawn_relay_bridge(caf::actor_system& sys, actors::frame_sink relay,
                                      session_ref session);

}  // namespace agora::net
