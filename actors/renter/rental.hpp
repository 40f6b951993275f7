// The renter's rental sessions and the helpers its parts share. Private to actors/renter/.
#pragma once

#include "actors/renter/renter.hpp"

namespace agora::actors {

/// The renter's wall time now, in Unix seconds.
inline int64_t now_s(renter_pointer self) {
  return unix_seconds(self->state.options->clock.now(self));
}

/// A fresh random id.
inline wire::id128 random_id(random_source& rng) {
  wire::id128 id{};
  rng.fill(id);
  return id;
}

/// (rent, spec): the Rental Hold, then the relay's SessionGrant.
caf::result<wire::frame> on_rent(renter_pointer self, const renter_rental& spec);
/// (end_sess, session id): the renter's SessionEnd through the relay to the escrow.
caf::result<escrow_receipt> on_end_session(renter_pointer self, const wire::id128& session);
/// (usage, session id).
caf::result<rental_usage> read_usage(renter_pointer self, const wire::id128& session);
/// A UsageReport or SessionEnd the relay forwarded (opened).
void on_rental_frame(renter_pointer self, const wire::opened_envelope& opened);

}  // namespace agora::actors
