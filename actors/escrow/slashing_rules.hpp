// The escrow's money rules (DESIGN §6 "escrow"): how much stake each slash reason takes, how a
// slash is split between the harmed renter and the Slashed account, and the protocol fee. All in
// basis points of integer micro-units; no floating point touches money (DESIGN §4).
#pragma once

#include <cstdint>

#include "schemas/escrow_generated.h"

namespace agora::escrow {

inline constexpr int64_t basis_points_max = 10'000;  // 100 %

/// Slash amounts, in basis points of the provider's ProviderStake at the time of the slash.
/// Defaults: a missed SLA costs little, an unserved paid task more, a proven wrong result most.
struct slashing_rules {
  int64_t downtime_bps = 100;            // 1 % for being offline over downtime_s_min
  int64_t failure_to_serve_bps = 500;    // 5 % for a paid task assigned and never served
  int64_t incorrect_result_bps = 2'000;  // 20 % for a result a dispute proved wrong
  int64_t downtime_s_min = 4 * 3'600;    // offline for at least this long (DESIGN: over 4 h)

  /// The rate for `reason`. REQUIRES: a known reason.
  int64_t bps_for(wire::SlashReason reason) const;
};

/// Whether every rate lies in [0, basis_points_max] and downtime_s_min ≥ 0.
bool is_valid(const slashing_rules& rules);

/// floor(value × bps / 10,000): never more than value. REQUIRES: value ≥ 0, 0 ≤ bps ≤ 10,000.
int64_t apply_bps(int64_t value, int64_t bps);

/// Where a slash goes: the harmed renter is compensated first, up to the harm; the rest is
/// Slashed (burned from the market's point of view).
struct slash_split {
  int64_t to_renter_micros = 0;
  int64_t to_slashed_micros = 0;
};

/// Splits `slash_micros` for a renter harmed by `harm_micros`. REQUIRES: both ≥ 0.
slash_split split_slash(int64_t slash_micros, int64_t harm_micros);

}  // namespace agora::escrow
