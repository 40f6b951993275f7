// What the gateway keeps of each rental session it opened: the renter-signed SessionRequest, the
// relay-signed SessionGrant (with the provider's connection details), the usage the provider
// reported and how the session ended; stored as a SessionRecord (records.fbs, family `sessions`).
// The terms and money figures are read back from the two signed messages, with the escrow's own
// rule for charging a rental (ledger::settle_rental, docs/PROTOCOL.md §7).
#pragma once

#include <cstdint>
#include <string>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/records_generated.h"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway::rentals {

struct rental_record {
  wire::id128 session_id{};
  bytes request;  // the sealed SessionRequest the gateway signed for the renter
  bytes grant;    // the relay's sealed SessionGrant
  wire::SessionState state = wire::SessionState::Active;
  uint64_t gpu_seconds_reported = 0;  // the sum of the provider's UsageReports
  uint64_t last_report_sequence = 0;
  int64_t ended_unix_s = 0;  // Ended only
  wire::SessionEndReason end_reason = wire::SessionEndReason::RenterClosed;
};

/// The SessionRecord bytes of `r`.
bytes pack_record(const rental_record& r);
/// A stored SessionRecord back; corrupt if it does not verify or lacks its request or grant.
result<rental_record> unpack_record(byte_view value);

/// The session's terms, from its two signed messages.
struct rental_terms {
  address renter;
  address provider;
  wire::id128 hold_id{};
  uint16_t gpu_count = 0;
  std::string gpu_name;
  uint32_t duration_s = 0;
  int64_t price_per_gpu_hour_micros = 0;  // the grant's
  int64_t prepaid_micros = 0;             // the Rental hold: duration × GPUs × the request's cap
  int64_t hold_expires_unix_s = 0;
  int64_t starts_unix_s = 0;
  int64_t expires_unix_s = 0;
  std::string connection;    // as the provider granted it
  std::string provisioning;  // what the provider says it provisioned
};

/// The terms of `r`; errors only for a record this gateway did not write (corrupt).
result<rental_terms> terms_of(const rental_record& r);

/// Money and time of a session at `now_unix_s` (or at its end). While it runs, charged is what
/// its seconds so far would cost; once it ended, what the escrow charged by its rule.
struct rental_figures {
  int64_t used_seconds = 0;
  int64_t charged_micros = 0;
  int64_t refunded_micros = 0;  // ended only: prepaid − charged
};

rental_figures figures_of(const rental_terms& terms, const rental_record& r, int64_t now_unix_s);

}  // namespace agora::net::gateway::rentals
