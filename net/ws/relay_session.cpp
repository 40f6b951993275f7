// The relay's per-connection policy: rate, structure, forwarding, and what an end counts as.

#include "net/ws/relay_session.hpp"

#include <spdlog/spdlog.h>

namespace agora::net {

relay_session::relay_session(std::shared_ptr<relay_core> core, connection_slot slot,
                             relay_bridge_actor bridge, std::string peer)
    : core_(std::move(core)), slot_(std::move(slot)), bridge_(std::move(bridge)),
      peer_(std::move(peer)), bucket_(core_->limits.frames_per_second, core_->limits.frames_burst) {
  AGORA_ASSERT(core_ != nullptr);
  AGORA_ASSERT(bridge_ != nullptr);
}

relay_session::~relay_session() {
  caf::anon_send_exit(bridge_, caf::exit_reason::user_shutdown);
}

void relay_session::on_message(ws_channel& channel, bytes message) {
  refusal_counters& refusals = core_->metrics->refusals;  // frames.in: counted by the channel
  if (!bucket_.take(core_->clock->now())) {
    ++refusals.rate;
    spdlog::warn("ws: {} sends over {} frames/s: closing", peer_, core_->limits.frames_per_second);
    return channel.close(websocket::close_code::policy_error, "frame rate limit");
  }
  const wire::message_kind kind = wire::peek_kind(message);
  if (kind == wire::message_kind::None) {
    ++refusals.malformed;
    if (++malformed_ <= core_->limits.malformed_frames_max)
      return spdlog::debug("ws: {} sent a message that is not an Envelope", peer_);
    spdlog::warn("ws: {} sent {} messages that are not Envelopes: closing", peer_, malformed_);
    return channel.close(websocket::close_code::policy_error, "malformed frames");
  }
  caf::anon_send(bridge_, inbound_atom_v, wire::frame{kind, std::move(message)});
}

void relay_session::on_end(ws_end why, const std::string& detail) {
  refusal_counters& refusals = core_->metrics->refusals;
  switch (why) {
  case ws_end::closed: return spdlog::info("ws: provider connection {} closed ({})", peer_, detail);
  case ws_end::oversize: ++refusals.oversize; break;
  case ws_end::idle_timeout: ++refusals.idle_timeout; break;
  case ws_end::slow_peer: ++refusals.slow_peer; break;
  case ws_end::failed: break;
  }
  spdlog::warn("ws: provider connection {} ended: {} ({})", peer_, to_string(why), detail);
}

}  // namespace agora::net
