// The provider-side bridge actor (../shared/notes/caf-0.17.md §6): ONE for a provider_link's
// whole life, so the provider keeps one relay handle across reconnects. Frames from the attached
// provider go to the current connection (dropped while there is none, and before attach);
// messages read from the socket go to the provider with the bridge as sender; after every
// completed handshake it tells the provider (reconnect, itself), which registers again with a
// fresh session id.
#pragma once

#include <caf/all.hpp>

#include "actors/provider/provider.hpp"
#include "net/ws/frame_writer.hpp"

namespace agora::net {

/// - frame: from the provider; written to the current connection, or dropped (no connection, or
///   no provider attached yet).
/// - (inbound, frame): from the connection's I/O thread; sent on to the provider.
/// - (attach, provider): the provider that gets inbound frames and a (reconnect) after every
///   handshake. Spawn it with register_at_start off: its first Register follows the first
///   (reconnect), so no second session races the first.
/// - (connected, session): a handshake completed; frames go to `session` from now on.
using link_bridge_actor =
    caf::typed_actor<caf::reacts_to<wire::frame>, caf::reacts_to<inbound_atom, wire::frame>,
                     caf::reacts_to<attach_atom, actors::provider_actor>,
                     caf::reacts_to<connected_atom, session_ref>>;

link_bridge_actor spawn_link_bridge(caf::actor_system& sys);

}  // namespace agora::net
