// How CAF actors reach a socket (../shared/notes/caf-0.17.md §6): a bridge actor holds a
// weak reference to its connection's frame_writer and calls write() from a CAF worker thread;
// the connection posts the frame to its strand. A frame for a connection that has closed is
// dropped, because the weak reference no longer locks.
#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/atom.hpp>
#include <memory>

#include "schemas/envelope.hpp"

namespace agora::net {

/// One end of a live connection as the actors see it. Thread-safe.
class frame_writer {
 public:
  virtual ~frame_writer() = default;
  /// Queues `f` for the socket; never blocks.
  virtual void write(wire::frame f) = 0;
};

/// Something the transport can end from any thread (stop()): a connection or a handshake.
class closable {
 public:
  virtual ~closable() = default;
  /// Starts closing (a WebSocket close where the upgrade completed, else the socket); never
  /// blocks.
  virtual void shutdown() = 0;
};

/// The weak reference a bridge actor keeps to its connection; in-process only.
struct session_ref {
  std::weak_ptr<frame_writer> writer;
};

/// Writes `f` through `ref` if its connection is still open; false if it was dropped.
inline bool write_to(const session_ref& ref, wire::frame f) {
  if (auto writer = ref.writer.lock()) {
    writer->write(std::move(f));
    return true;
  }
  return false;
}

/// A message read from the socket, sent by the I/O thread to the connection's bridge actor.
using inbound_atom = caf::atom_constant<caf::atom("ws_in")>;
inline constexpr inbound_atom inbound_atom_v{};
/// A provider link's connection completed its handshake (with its session_ref).
using connected_atom = caf::atom_constant<caf::atom("ws_up")>;
inline constexpr connected_atom connected_atom_v{};
/// Names the provider that receives a link's inbound frames.
using attach_atom = caf::atom_constant<caf::atom("attach")>;
inline constexpr attach_atom attach_atom_v{};

}  // namespace agora::net

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::session_ref)
