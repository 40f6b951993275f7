// Scenario files (docs/SIMULATION.md has the schema): the topology of a simulated market, its
// workload, provider behaviours, duration and the expectations checked at the end. Parsing and
// validation are one step; every error names the field's path, e.g.
// `providers[2].stake_micros: expected a positive integer`.
#pragma once

#include <cstdint>
#include <filesystem>
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
  std::vector<std::string> models;  // the model ids it serves (one, from `model`)
  /// `model: {"folder": …}`: the model folder it serves on the CPU engine, resolved against
  /// the scenario file's directory; empty: mock-model.
  std::string model_folder;
  double wrong_result_p = 0.0;  // behaviour: 0 honest; else wrong output with this probability
  /// behaviour lazy: junk answered at once with this probability (its worker runs at
  /// lazy_token_time per token).
  double lazy_p = 0.0;
  /// behaviour fail_after_accept: the share (permille) of assignments the provider runs but
  /// never reports (its chunks, result and proof vanish): the relay sees a silent provider.
  uint32_t fail_after_accept_permille = 0;
  std::vector<offline_window> offline;   // in time order, not overlapping
  std::optional<int64_t> clock_skew_ms;  // its clock's offset; default: drawn (clock_skew)
};

/// Which direction of a link loses, duplicates and reorders frames (latency applies to both).
enum class fault_direction { both, to_provider, to_relay };

/// How long a frame takes over a provider↔relay link, drawn per frame from the link's rng.
enum class latency_distribution { fixed, uniform, exponential };

/// The simulated provider↔relay links (scenario field `network`): every frame, each way, is
/// lost, duplicated or delayed independently. Without reordering a direction stays FIFO (a
/// WebSocket is), with it a frame may take up to twice max_ms longer and overtake others.
struct network_spec {
  latency_distribution latency = latency_distribution::fixed;
  int64_t min_ms = 0;   // fixed: the latency; uniform: the low end; exponential: the floor
  int64_t max_ms = 0;   // uniform: the high end; exponential: the cap (≥ min_ms)
  int64_t mean_ms = 0;  // exponential: mean of the part above min_ms
  uint32_t loss_permille = 0;
  uint32_t duplicate_permille = 0;
  uint32_t reorder_permille = 0;
  fault_direction direction = fault_direction::both;
  /// A Register that no Registered answers within this long makes the link reconnect (as the
  /// live WebSocket link does when a handshake times out).
  int64_t register_timeout_s = 60;
};

/// A fault at a time (scenario field `faults`).
enum class fault_kind { partition, relay_crash, escrow_crash };

struct fault_spec {
  fault_kind kind = fault_kind::partition;
  int64_t at_s = 0;                    // partition: start; crash: when the actor dies
  int64_t end_s = 0;                   // partition: heal; crash: restart (> at_s)
  std::vector<std::string> providers;  // partition: who is cut off (empty: every provider)
  /// escrow_crash: armed at at_s, the crash strikes right after the escrow executed the next
  /// Settle (however late) and before its answer left; the restart comes end_s − at_s after
  /// the crash, and the Settle is sent again (as a retrying client would).
  bool mid_settlement = false;
};

/// A GPU rental a renter starts at a time (renter field `rentals`).
struct rental_spec {
  int64_t at_s = 0;         // when the renter asks for the session
  int64_t duration_s = 0;   // the session it asks for (and prepays)
  int64_t end_after_s = 0;  // ends it this long after the grant; 0: runs to its end
  uint16_t gpus = 1;
  int64_t price_cap_per_gpu_hour_micros = 3'000'000;
};

struct renter_spec {
  std::string name;
  std::string model = "mock-model";  // what its tasks ask for; a provider must serve it
  int64_t deposit_micros = 0;
  uint32_t tasks_per_hour = 0;
  uint32_t spot_check_permille = 0;
  uint32_t max_tokens = 8;
  int64_t price_cap_per_million_micros = 200'000'000;
  std::vector<rental_spec> rentals;
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

/// expectations.registered: whether the relay ever accepted the provider's registration.
struct registered_expectation {
  std::string provider;
  bool registered = false;
};

struct expectations {
  bool money_conserved = true;
  std::optional<uint64_t> tasks_settled_min;
  /// Every hold requested was settled or refunded by the end (the world is quiet then).
  bool holds_closed = false;
  std::vector<slash_expectation> slashed;
  std::vector<registered_expectation> registered;
  std::vector<balance_bound> balances;
};

/// The nodes' clock offsets (scenario field `clock_skew`): a node without an explicit offset
/// draws one uniformly in [−bound_ms, bound_ms] from the seed.
struct clock_skew_spec {
  int64_t bound_ms = 0;
  std::optional<int64_t> relay_ms;
  std::optional<int64_t> escrow_ms;
};

/// An entry of `providers` or `renters` with `count` n stands for n parties NAME-0 … NAME-(n−1)
/// that differ only in name (and so in keys and seeds); n is at most this.
inline constexpr int64_t parties_per_entry_max = 10'000;

/// |offset| of a node's clock at most: a day.
inline constexpr int64_t clock_skew_ms_max = 86'400'000;

/// What the arbiter re-executes disputed tasks with (scenario field `arbiter`).
struct arbiter_spec {
  bool mock_model = true;
  std::vector<std::string> folders;  // resolved as provider_spec::model_folder
};

/// What signs and recovers in the world (scenario field `crypto`): secp256k1, as in the live
/// node, or the simulation's keyed-MAC stand-in (sim/fast_signatures.hpp).
enum class crypto_kind { secp256k1, fast };

struct scenario {
  std::string name;
  std::string description;
  uint64_t seed = 1;       // the default seed; --seed overrides it
  int64_t duration_s = 0;  // virtual seconds the workload runs
  std::vector<provider_spec> providers;
  std::vector<renter_spec> renters;
  network_spec network;
  std::vector<fault_spec> faults;  // in any order
  clock_skew_spec clock_skew;
  /// Default: mock-model and every model folder a provider serves.
  arbiter_spec arbiter;
  crypto_kind crypto = crypto_kind::secp256k1;
  expectations expect;
};

/// Parses and validates a scenario from JSON text. Errors are invalid_argument with the
/// field's path first. Relative model folders are resolved against base_dir (empty: the
/// working directory).
result<scenario> parse_scenario(std::string_view json, const std::filesystem::path& base_dir = {});
/// Reads and parses a scenario file, model folders relative to its directory; io_error when
/// it cannot be read.
result<scenario> load_scenario(const std::string& path);

/// Parses a duration: an integer with a unit s, m, h or d ("90s", "4h"). invalid_argument
/// otherwise, or when it is not positive.
result<int64_t> parse_duration_s(std::string_view text);

/// The model id a folder serves: its last path component (kernels::model_engine::id).
std::string model_id_of_folder(const std::string& folder);

const char* to_string(account_name account);
const char* to_string(fault_kind kind);
const char* to_string(latency_distribution d);
const char* to_string(fault_direction d);
const char* to_string(crypto_kind c);

}  // namespace agora::sim
