// A simulated market built from a scenario (docs/SIMULATION.md): the real escrow, arbiter,
// relay, providers (mock-model or model-folder workers, lying_engine for cheaters) and renters
// in one world, a workload driver per renter, taps in front of the escrow and the arbiter that
// write the trace and feed the invariants, and a periodic auditor. run_scenario runs it to its
// horizon and checks the scenario's expectations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "sim/scenario.hpp"
#include "sim/world.hpp"

namespace agora::sim {

struct run_options {
  std::optional<uint64_t> seed;    // default: the scenario's
  std::optional<int64_t> until_s;  // default: duration + drain_s
  uint64_t events_max = 100'000'000;
  /// Test hook: the escrow tap sends every Settle twice. The escrow must answer the second as a
  /// duplicate; if it executed it, the watch reports the hold settled twice.
  bool TEST_settle_twice = false;
  /// Planted bug (with TEST_settle_twice): the replayed Settle's answer says it executed, as
  /// from an escrow that pays twice. The watch must stop the world at that answer.
  bool TEST_replay_executes = false;
  /// Planted bug: once a hold was settled, the escrow's ProtocolFee reads this many micros more
  /// than it holds (money from nothing). The audit behind that settlement must catch it.
  int64_t TEST_phantom_micros = 0;
};

/// The workload stops at the scenario's duration; the world runs this much longer so the last
/// tasks settle, unused holds expire and disputes are decided.
inline constexpr int64_t drain_s = 30 * 60;
/// Virtual execution time per generated token: an honest provider's worker, and a lazy one's
/// (near zero: it answers junk at once).
inline constexpr caf::timespan honest_token_time = std::chrono::milliseconds(100);
inline constexpr caf::timespan lazy_token_time = std::chrono::milliseconds(1);
/// How often the auditor reads every followed account (virtual time); the escrow tap audits
/// the accounts each request can touch right behind it besides.
inline constexpr int64_t audit_interval_s = 600;

struct party_balances {
  std::string name;
  bool provider = false;
  agora::address owner;
  int64_t balance = 0;
  int64_t earnings = 0;
  int64_t stake = 0;
  int64_t stake_initial = 0;
  uint64_t registrations = 0;  // providers: Registered frames their link delivered
};

struct expectation_result {
  std::string name;
  bool pass = false;
  std::string detail;  // what was observed
};

struct run_report {
  uint64_t seed = 0;
  std::vector<std::string> options;  // the seed's derived options, one line each
  std::string trace_text;
  std::string trace_hash;
  uint64_t events = 0;
  double sim_seconds = 0;
  stop_reason stop = stop_reason::quiet;
  std::vector<party_balances> parties;
  int64_t external = 0;
  int64_t slashed = 0;
  int64_t protocol_fee = 0;
  uint64_t tasks_submitted = 0;
  uint64_t holds_settled = 0;
  uint64_t holds_refunded = 0;
  uint64_t disputes = 0;
  uint64_t audits = 0;
  uint64_t slashes = 0;
  uint64_t restart_compared = 0;  // accounts a restarted escrow showed as before its crash
  size_t open_holds = 0;          // executed holds and bonds not read as zero at the end
  caf::timespan stopped_at{0};    // virtual time when the loop returned
  std::vector<std::string> violations;
  std::vector<expectation_result> expectations;

  /// Every expectation held and no invariant broke.
  bool ok() const;
};

/// Builds the market of `s` in a fresh world seeded with options.seed (or s.seed) and runs it.
run_report run_scenario(const scenario& s, const run_options& options = {});

}  // namespace agora::sim
