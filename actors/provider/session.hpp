// The provider's session with its relay (docs/PROTOCOL.md §4): Register, Registered, Heartbeat,
// Drain and Deregister, plus sending frames and refusing bad ones. Private to actors/provider/.
#pragma once

#include "actors/provider/provider_state.hpp"
#include "schemas/envelope.hpp"

namespace agora::actors {

/// Seals `object` with the provider's key and sends it to the relay.
template <wire::native_payload Native>
void send_sealed(provider_pointer self, const Native& object) {
  constexpr auto kind = wire::kind_of<typename Native::TableType>;
  self->send(self->state.options->relay,
             wire::frame{kind, wire::seal(object, self->state.options->key)});
}

/// Answers a frame it will not act on with a signed ErrorFrame to the relay, and counts it.
void refuse(provider_pointer self, const agora::error& why, byte_view sealed);

/// Draws a fresh session id and sends Register. REQUIRES: phase registering.
void send_register(provider_pointer self);
/// Handles Registered: checks it answers our Register, then starts heartbeating.
void on_registered(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed);
/// Sends a Heartbeat and re-arms the timer while the session is live.
void on_heartbeat_due(provider_pointer self);
/// Sends Drain (registered → draining).
void send_drain(provider_pointer self);
/// Sends Deregister (→ deregistered).
void send_deregister(provider_pointer self, std::string reason);
/// Points the provider at `relay` and registers there with a fresh session (→ registering).
/// REQUIRES: relay not null.
void reconnect(provider_pointer self, frame_sink relay);

}  // namespace agora::actors
