// The gateway's rental actor (docs/PROTOCOL.md "Gateway rental API"): opens, reads and ends GPU
// rental sessions for the HTTP routes (rental_routes.hpp), paid from the account whose key the
// call carries. Opening: the provider's registration in the relay status gives its GPU-hour rate,
// a Rental Hold prepays hours × rate × GPUs, the SessionRequest goes through the relay pinned to
// that provider, and the relay's SessionGrant (with the provider's connection details) becomes the
// session's record (rental_book.hpp). The actor is the session's renter sink: the provider's
// UsageReports and the relay's SessionEnd (expiry, provider closed) update the record. Ending:
// the renter's SessionEnd goes through the relay to the escrow, which charges the seconds used
// and refunds the rest (ledger::settle_rental).
//
//   open ──Hold──▶ held ──SessionRequest──▶ active ──DELETE: SessionEnd, escrow receipt──▶ ended
//     │ 404/400/503  │ 402 (funds)          │ 503     │ relay's SessionEnd (Expired,
//     ProviderClosed) ▼              ▼                      ▼         ▼ (the relay refunds a hold
//     it did not grant)
//   refused        refused               refused    ended
//
// The calls come from the gateway actor (gateway_actor.hpp), which forwards what its routes send;
// each `done` is called exactly once, from a CAF thread.
#pragma once

#include <caf/all.hpp>
#include <caf/allowed_unsafe_message_type.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include "actors/common/interfaces.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/relay/relay_actor.hpp"
#include "core/key.hpp"
#include "core/random.hpp"
#include "net/gateway/rentals/rental_book.hpp"
#include "net/gateway/rentals/rental_request.hpp"

namespace agora::net::gateway::rentals {

/// A session as the routes show it: its record, terms and figures at `now_unix_s`.
struct rental_snapshot {
  rental_record record;
  rental_terms terms;
  rental_figures figures;
  int64_t now_unix_s = 0;
};

/// Called once with the session, or why not: not_found (provider or session), invalid_argument
/// (more GPUs than the provider has), insufficient_funds (the Hold), already_exists (the session
/// ended), replayed (an end is in flight), others (the relay, provider or escrow unavailable).
using rental_done = std::function<void(const result<rental_snapshot>&)>;

/// (open_atom, rental_open_call).
struct rental_open_call {
  rental_order order;
  rental_done done;
  std::optional<wire::id128> account;  // the API account that pays; none: the house
  std::optional<private_key> payer;    // that account's escrow key; set by the gateway actor
};

/// (read_atom, rental_read_call).
struct rental_read_call {
  wire::id128 session_id{};
  rental_done done;
  std::optional<wire::id128> account;  // as in rental_open_call
  std::optional<private_key> payer;    // only its own sessions; set by the gateway actor
};

/// (close_atom, rental_close_call).
struct rental_close_call {
  wire::id128 session_id{};
  rental_done done;
  std::optional<wire::id128> account;  // as in rental_open_call
  std::optional<private_key> payer;    // signs the SessionEnd; set by the gateway actor
};

using open_atom = caf::atom_constant<caf::atom("gw_ropen")>;
inline constexpr open_atom open_atom_v{};
using read_atom = caf::atom_constant<caf::atom("gw_rread")>;
inline constexpr read_atom read_atom_v{};
using close_atom = caf::atom_constant<caf::atom("gw_rclose")>;
inline constexpr close_atom close_atom_v{};

struct rental_actor_options {
  actors::escrow_inbox escrow;  // takes the Holds
  actors::relay_actor relay;    // status, rent, end_sess
  actors::wall_clock_map clock;
  std::shared_ptr<random_source> rng;  // session and hold ids
  std::shared_ptr<rental_book> book;
  caf::timespan call_timeout{std::chrono::seconds(30)};  // escrow, relay status, SessionEnd
  /// The relay's rent waits for the provider's acceptance (its assignment_timeout, 60 s).
  caf::timespan rent_timeout{std::chrono::seconds(90)};
  size_t active_max = 1'000;  // sessions active or opening at once
};

/// Spawns the rental actor linked to `parent` (it stops with the gateway actor). REQUIRES:
/// escrow, relay, rng and book valid, active_max > 0.
caf::actor spawn_rental_actor(caf::local_actor* parent, rental_actor_options options);

}  // namespace agora::net::gateway::rentals

// Local-only messages: they carry callbacks, so they never cross caf::io.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::rentals::rental_open_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::rentals::rental_read_call)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(agora::net::gateway::rentals::rental_close_call)
