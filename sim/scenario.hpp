// Scenario files (docs/SIMULATION.md has the schema): the topology of a simulated market, its
// workload, provider behaviours, duration and the expectations checked at the end. Parsing and
// validation are one step; every error names the field's path, e.g.
// `providers[2].stake_micros: expected a positive integer`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace agora::sim {

/// A span of virtual time (seconds since the start) in which a provider's link drops every
/// frame in both directions.
struct offline_window {
  int64_t from_s = 0;
  int64_t to_s = 0;  // > from_s
};

struct provider_spec {
  std::string name;
  int64_t stake_micros = 0;
  int64_t price_per_million_micros = 0;
  std::vector<std::string> models;
  double wrong_result_p = 0.0;  // behaviour: 0 honest; else wrong output with this probability
  std::vector<offline_window> offline;  // in time order, not overlapping
};

struct renter_spec {
  std::string name;
  int64_t deposit_micros = 0;
  uint32_t tasks_per_hour = 0;
  uint32_t spot_check_permille = 0;
  uint32_t max_tokens = 8;
  int64_t price_cap_per_million_micros = 200'000'000;
};

/// Which of a party's escrow accounts a balance bound reads.
enum class account_name { balance, earnings, stake };

struct balance_bound {
  std::string party;
  account_name account = account_name::balance;
  std::optional<int64_t> min;
  std::optional<int64_t> max;
};

struct slash_expectation {
  std::string provider;
  bool slashed = false;
};

struct expectations {
  bool money_conserved = true;
  std::optional<uint64_t> tasks_settled_min;
  std::vector<slash_expectation> slashed;
  std::vector<balance_bound> balances;
};

struct scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;       // the default seed; --seed overrides it
  int64_t duration_s = 0;  // virtual seconds the workload runs
  std::vector<provider_spec> providers;
  std::vector<renter_spec> renters;
  expectations expect;
};

/// Parses and validates a scenario from JSON text. Errors are invalid_argument with the
/// field's path first.
result<scenario> parse_scenario(std::string_view json);
/// Reads and parses a scenario file; io_error when it cannot be read.
result<scenario> load_scenario(const std::string& path);

/// Parses a duration: an integer with a unit s, m, h or d ("90s", "4h"). invalid_argument
/// otherwise, or when it is not positive.
result<int64_t> parse_duration_s(std::string_view text);

const char* to_string(account_name account);

}  // namespace agora::sim
