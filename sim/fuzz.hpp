// Random worlds for `agora-sim fuzz` (docs/SIMULATION.md "Fuzzing"), after TigerBeetle's VOPR
// (`options_swarm`): one u64 seed draws a whole scenario — topology, prices, stakes, behaviours,
// workload, link model and timed faults — whose only expectations are the invariants (money
// conserved, no hold finished twice, every hold closed at the end, no slash unearned). The same
// seed draws the same scenario, which then runs with that seed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/market.hpp"
#include "sim/scenario.hpp"

namespace agora::sim {

/// A fuzzed world runs this long after its workload: holds live 10 minutes and the escrow
/// refunds expired ones every minute, so every hold closes within it.
inline constexpr int64_t fuzz_drain_s = 15 * 60;

struct fuzz_options {
  /// Draw link faults (loss, duplication, reordering) in both directions. Off: only towards the
  /// providers, because faults towards the relay find known bugs in the roles (SIMULATION.md).
  bool both_directions = false;
};

/// The scenario seed `seed` draws. Its expectations are the invariants only.
scenario random_scenario(uint64_t seed, const fuzz_options& options = {});

/// One fuzzed world's outcome.
struct fuzz_result {
  uint64_t seed = 0;
  bool ok = false;
  run_report report;
};

/// Draws the scenario of `seed` (or runs `base` with that seed when not null) and runs it.
fuzz_result fuzz_one(uint64_t seed, const scenario* base, const fuzz_options& options = {});

/// The last `n` lines of a trace.
std::string last_lines(const std::string& text, size_t n);

}  // namespace agora::sim
