// The CAF message types every role shares (DESIGN §5): wire::frame, the sealed Envelope actors
// pass in-process and across caf::io, made a CAF message type by inspect() in its CAF 0.17.6
// form (../shared/notes/caf-0.17.md §3). Every node calls add_agora_message_types on its config,
// so each type crosses caf::io under the same name everywhere.
#pragma once

#include <caf/actor_system_config.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "schemas/envelope.hpp"

namespace agora::wire {

/// Serializes a frame as its kind (the enum's underlying uint16) and the Envelope bytes.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, frame& x) {
  return f(caf::meta::type_name("agora::wire::frame"), x.kind, x.data);
}

inline bool operator==(const frame& lhs, const frame& rhs) {
  return lhs.kind == rhs.kind && lhs.data == rhs.data;
}

}  // namespace agora::wire

namespace agora::actors {

/// Any actor that takes sealed frames: a relay's inbox for a provider, a simulated link. Typed so
/// that typed actors may send() to it (CAF 0.17 forbids typed → dynamic send) and the receiver
/// still sees the sender; caf::actor_cast gives this view of any actor that handles frames.
using frame_sink = caf::typed_actor<caf::reacts_to<wire::frame>>;

/// The wire name of wire::frame: DO NOT CHANGE (a node with another name cannot read it).
inline constexpr const char* frame_type_name = "agora::wire::frame";

/// Registers the shared message types (wire::frame) and the renderer of the "agora" error
/// category (caf_error.hpp) on `cfg`. Call it once per config, before the actor_system exists.
void add_agora_message_types(caf::actor_system_config& cfg);

}  // namespace agora::actors
