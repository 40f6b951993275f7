// The typed interfaces through which the market's roles talk in-process (DESIGN §6). Every
// request that moves money or work is a sealed wire::frame, exactly as it would cross a socket;
// the atoms below only name what an actor is asked to do with it.
//
//   renter ──Hold──────────────────────────────▶ escrow
//   renter ──(route, TaskRequest, task sink)──▶ relay ──TaskAssignment──▶ provider ─▶ worker
//   provider ──TokenChunk/TaskResult/ComputeProof──▶ relay ──▶ task sink (renter)
//   relay ──Settle (proof + registered price)──▶ escrow
//   relay ──Refund / Slash (failure to serve, downtime)──▶ escrow
//   renter ──Dispute──▶ escrow ──(arbitrate, Dispute)──▶ arbiter ──Verdict──▶ escrow
//   renter ──Rental Hold──▶ escrow; renter ──(rent, SessionRequest, sink)──▶ relay
//     ──SessionGrant──▶ provider ──UsageReport 0 (accepted)──▶ relay ──SessionGrant──▶ renter
//   provider ──UsageReport per period──▶ relay ──▶ renter
//   renter ──(end_sess, SessionEnd)──▶ relay ──▶ escrow (or relay ──SessionEnd Expired──▶ escrow)
#pragma once

#include <caf/atom.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>
#include <cstdint>

#include "actors/common/message_types.hpp"

namespace agora::actors {

/// Ask a relay to route a sealed TaskRequest; its frames go to the given task sink.
using route_atom = caf::atom_constant<caf::atom("route")>;
inline constexpr route_atom route_atom_v{};
/// Ask a relay for a rental session: a sealed SessionRequest (and the renter's frame sink) in,
/// the relay-sealed SessionGrant out; or, to a renter, rent GPUs (renter.hpp).
using rent_atom = caf::atom_constant<caf::atom("rent")>;
inline constexpr rent_atom rent_atom_v{};
/// End a rental session: to a relay, the renter's sealed SessionEnd in, the escrow's receipt out;
/// to a renter, a session id in (renter.hpp).
using end_session_atom = caf::atom_constant<caf::atom("end_sess")>;
inline constexpr end_session_atom end_session_atom_v{};
/// Read one escrow balance.
using balance_atom = caf::atom_constant<caf::atom("balance")>;
inline constexpr balance_atom balance_atom_v{};
/// Ask the arbiter to decide a sealed Dispute.
using arbitrate_atom = caf::atom_constant<caf::atom("arbitrate")>;
inline constexpr arbitrate_atom arbitrate_atom_v{};
/// A periodic check is due (relay liveness and deadlines, escrow hold expiry).
using tick_atom = caf::atom_constant<caf::atom("tick")>;
inline constexpr tick_atom tick_atom_v{};
/// Tell a provider to register again with a (new) relay.
using reconnect_atom = caf::atom_constant<caf::atom("reconnect")>;
inline constexpr reconnect_atom reconnect_atom_v{};

/// What the escrow answers to an operation: the journal sequence that executed it and whether
/// this request was a replay of an operation executed before (nothing changed then).
struct escrow_receipt {
  uint64_t sequence = 0;
  bool duplicate = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, escrow_receipt& x) {
  return f(caf::meta::type_name("agora::escrow_receipt"), x.sequence, x.duplicate);
}

/// What every role may ask of the escrow: one sealed request (Deposit, Withdraw, Hold, Settle,
/// Refund, Stake, Unstake, Slash, Dispute, Verdict, SessionEnd) in, a receipt or an "agora" error
/// (caf_error.hpp) out. Who may sign which request is the escrow's own configuration (trusted
/// relays, arbiters). The escrow actor's full interface (queries) extends this one.
using escrow_inbox = caf::typed_actor<caf::replies_to<wire::frame>::with<escrow_receipt>>;

/// The arbiter as the escrow asks it: a sealed Dispute in (arbitrate_atom), the arbiter's sealed
/// Verdict on it out, or an "agora" error when the Dispute cannot be judged at all.
using arbiter_inbox =
    caf::typed_actor<caf::replies_to<arbitrate_atom, wire::frame>::with<wire::frame>>;

}  // namespace agora::actors
