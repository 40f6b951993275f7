// Slash rates, basis-point arithmetic and the compensation split (slashing_rules.hpp).
#include "actors/escrow/slashing_rules.hpp"

#include <algorithm>

#include "core/assert.hpp"

namespace agora::escrow {

int64_t slashing_rules::bps_for(wire::SlashReason reason) const {
  switch (reason) {
  case wire::SlashReason::Downtime: return downtime_bps;
  case wire::SlashReason::FailureToServe: return failure_to_serve_bps;
  case wire::SlashReason::IncorrectResult: return incorrect_result_bps;
  }
  AGORA_ASSERT(false && "unknown slash reason");
  return 0;
}

bool is_valid(const slashing_rules& rules) {
  auto in_range = [](int64_t bps) { return bps >= 0 && bps <= basis_points_max; };
  return in_range(rules.downtime_bps) && in_range(rules.failure_to_serve_bps) &&
         in_range(rules.incorrect_result_bps) && rules.downtime_s_min >= 0;
}

int64_t apply_bps(int64_t value, int64_t bps) {
  AGORA_ASSERT(value >= 0);
  AGORA_ASSERT(bps >= 0 && bps <= basis_points_max);
  // value × bps can exceed int64 (value up to 2^63); the quotient never exceeds value.
  const __int128 product = static_cast<__int128>(value) * bps;
  const auto out = static_cast<int64_t>(product / basis_points_max);
  AGORA_ASSERT(out >= 0 && out <= value);
  return out;
}

slash_split split_slash(int64_t slash_micros, int64_t harm_micros) {
  AGORA_ASSERT(slash_micros >= 0);
  AGORA_ASSERT(harm_micros >= 0);
  slash_split split;
  split.to_renter_micros = std::min(slash_micros, harm_micros);
  split.to_slashed_micros = slash_micros - split.to_renter_micros;
  AGORA_ASSERT(split.to_renter_micros + split.to_slashed_micros == slash_micros);
  return split;
}

}  // namespace agora::escrow
