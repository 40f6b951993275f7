// The signed messages of the gateway's rentals (docs/PROTOCOL.md §6–§7), sealed with the paying
// account's key: the Rental Hold that prepays hours × rate × GPUs, the SessionRequest for one
// named provider at its registered rate, the renter's SessionEnd; and the check of the relay's
// SessionGrant against what was asked.
#pragma once

#include <cstdint>

#include "core/key.hpp"
#include "net/gateway/rentals/rental_request.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway::rentals {

/// What the gateway asks for: the order, at the provider's rate, paid from `payer`.
struct rental_ask {
  rental_order order;
  int64_t price_per_gpu_hour_micros = 0;  // the provider's registered rate: the request's cap
  int64_t prepaid_micros = 0;             // the Hold
  wire::id128 session_id{};
  wire::id128 hold_id{};
  int64_t created_unix_s = 0;

  uint32_t duration_s() const { return order.duration_hours * 3'600; }
};

/// The Rental Hold of `ask`, expiring when a session started now would.
wire::frame seal_rental_hold(const rental_ask& ask, const private_key& payer);
/// The SessionRequest of `ask`; errors: it breaks a wire limit (wire::open's).
result<wire::frame> seal_session_request(const rental_ask& ask, const private_key& payer);
/// The renter's SessionEnd (RenterClosed) of a session, carrying its hold and grant.
wire::frame seal_session_end(const wire::id128& session_id, const wire::id128& hold_id,
                             const bytes& grant, uint64_t gpu_seconds, int64_t ended_unix_s,
                             const private_key& payer);

/// The relay's grant for `ask`, opened; invalid_argument if it grants something else.
result<wire::opened_envelope> check_grant(const rental_ask& ask, const address& payer,
                                          const wire::frame& grant);

}  // namespace agora::net::gateway::rentals
