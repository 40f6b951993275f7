// A provider's liveness as the relay sees it (DESIGN §6; docs/PROTOCOL.md "Provider session"):
// a pure function of when the relay last heard from the provider and the relay's `now`.
// healthy → unhealthy after 2 min of silence (no new work) → offline after the offline
// threshold (10 min by default); the escrow may slash after 4 h offline (offline_since).
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

#include "core/assert.hpp"
#include "core/clock.hpp"

namespace agora::relay {

enum class liveness : uint8_t {
  healthy = 0,    // gets new work
  unhealthy = 1,  // silent ≥ unhealthy_after: no new work
  offline = 2,    // silent ≥ offline_after
};

inline std::string_view to_string(liveness value) {
  switch (value) {
  case liveness::healthy: return "healthy";
  case liveness::unhealthy: return "unhealthy";
  case liveness::offline: return "offline";
  }
  return "liveness(?)";
}

struct liveness_thresholds {
  std::chrono::seconds unhealthy_after{120};
  std::chrono::seconds offline_after{600};
};

/// The liveness of a provider last heard from at `last_heard`. A `now` before last_heard (the
/// clock stepped back) counts as no silence. REQUIRES: 0 < unhealthy_after < offline_after.
inline liveness liveness_at(wall_time last_heard, wall_time now, const liveness_thresholds& t) {
  AGORA_ASSERT(t.unhealthy_after.count() > 0);
  AGORA_ASSERT(t.unhealthy_after < t.offline_after);
  const auto silent = now - last_heard;
  if (silent >= t.offline_after)
    return liveness::offline;
  if (silent >= t.unhealthy_after)
    return liveness::unhealthy;
  return liveness::healthy;
}

/// When a provider last heard from at `last_heard` became offline: the instant its silence
/// reached offline_after. Deterministic, so every relay and the escrow agree on it.
inline wall_time offline_since(wall_time last_heard, const liveness_thresholds& t) {
  return last_heard + t.offline_after;
}

}  // namespace agora::relay
