// The renter (DESIGN §6 "renter"): the client side of the market. It holds the renter's key,
// deposits, and runs each task: a sealed Hold to the escrow, a sealed TaskRequest routed by a
// relay with itself as the task's sink, then the TokenChunks, TaskResult and ComputeProof the
// relay forwards. It checks every proof against what it sent and received (proof_check.hpp) and
// opens a Dispute with a bond when a check fails, or at random (seeded) for a spot check.
//
// A task's life (task_outcome::state):
//
//   submit ─Hold ok─▶ routed ─TaskAssignment─▶ streaming ─ComputeProof─┬─ checks pass: accepted
//     │ Hold refused    │ route refused          │ ErrorFrame           ├─ spot check:  disputed
//     ▼                 ▼                        ▼                      └─ check fails: disputed
//   failed            failed                   failed      (a Dispute the escrow refuses: failed)
//
// A task that fails after its Hold leaves the Hold to the escrow, which refunds it on expiry (or
// the relay refunds it when nobody served the task). ErrorFrames are matched to tasks by the
// hash of the refused TaskRequest.
//
// Renting GPUs (rental.cpp): (rent, renter_rental) seals a Rental Hold prepaid for
// duration × GPUs × the price cap, then asks the relay (rent, SessionRequest) and answers with
// the relay-sealed SessionGrant; the relay forwards the provider's UsageReports, read with
// (usage, session id). (end_sess, session id) seals a SessionEnd with the hold and the grant and
// hands it to the relay, which has the escrow charge the seconds used and refund the rest.
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "actors/common/interfaces.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "core/key.hpp"
#include "core/random.hpp"
#include "schemas/wire_types.hpp"

namespace agora::actors {

/// Put money into the renter's escrow account: (deposit, micros) → escrow_receipt.
using deposit_atom = caf::atom_constant<caf::atom("deposit")>;
inline constexpr deposit_atom deposit_atom_v{};
/// Start a task: (submit, renter_task) → its number (0, 1, …).
using submit_atom = caf::atom_constant<caf::atom("submit")>;
inline constexpr submit_atom submit_atom_v{};
/// Read a task's outcome: (outcome, number) → task_outcome.
using outcome_atom = caf::atom_constant<caf::atom("outcome")>;
inline constexpr outcome_atom outcome_atom_v{};

/// Read what the renter heard of a rental session: (usage, session id) → rental_usage.
using usage_atom = caf::atom_constant<caf::atom("usage")>;
inline constexpr usage_atom usage_atom_v{};

/// A rental session as a renter asks for it.
struct renter_rental {
  uint16_t gpu_count = 1;
  uint32_t duration_s = 3'600;
  int64_t price_cap_per_gpu_hour_micros = 0;  // also the rate the Hold prepays
  std::string gpu_name;                       // empty: any
  std::string model;                          // empty: raw GPU time
  std::string provider;                       // EIP-55 address text; empty: any
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, renter_rental& x) {
  return f(caf::meta::type_name("agora::actors::renter_rental"), x.gpu_count, x.duration_s,
           x.price_cap_per_gpu_hour_micros, x.gpu_name, x.model, x.provider);
}

/// What the renter heard of a rental session.
struct rental_usage {
  uint64_t reports = 0;      // UsageReports received (after the grant)
  uint64_t gpu_seconds = 0;  // their sum
  bool ended = false;        // a SessionEnd came or the renter ended it
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rental_usage& x) {
  return f(caf::meta::type_name("agora::actors::rental_usage"), x.reports, x.gpu_seconds, x.ended);
}

/// One Completion task as a renter asks for it.
struct renter_task {
  std::string model;
  std::string prompt;
  uint32_t max_tokens = 16;
  float temperature = 1.0f;
  uint64_t seed = 0;
  int64_t hold_micros = 0;  // the Hold paying for it, > 0
  int64_t price_cap_per_million_micros = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, renter_task& x) {
  return f(caf::meta::type_name("agora::actors::renter_task"), x.model, x.prompt, x.max_tokens,
           x.temperature, x.seed, x.hold_micros, x.price_cap_per_million_micros);
}

/// Where a task stands. DO NOT CHANGE the numbers (they cross caf::io).
enum class task_state : uint8_t { pending = 0, accepted = 1, disputed = 2, failed = 3 };

struct task_outcome {
  task_state state = task_state::pending;
  std::string text;           // the output received so far (the chunks' texts in order)
  std::string reason;         // why it failed or was disputed; empty when accepted
  bool spot_checked = false;  // disputed although every check passed
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_outcome& x) {
  return f(caf::meta::type_name("agora::actors::task_outcome"), x.state, x.text, x.reason,
           x.spot_checked);
}

struct renter_options {
  private_key key;                     // signs Deposits, Holds, TaskRequests and Disputes
  escrow_inbox escrow;                 // where Deposits, Holds and Disputes go
  caf::actor relay;                    // takes (route_atom, TaskRequest, frame_sink)
  wall_clock_map clock;                // timestamps, deadlines and hold expiries
  std::shared_ptr<random_source> rng;  // task, hold and dispute ids; spot checks (seeded in tests)
  uint32_t spot_check_permille = 0;    // disputes this share of correct proofs (0–1000)
  int64_t bond_micros = 100'000;       // posted with every Dispute
  std::chrono::seconds task_deadline{120};
  std::chrono::seconds hold_ttl{600};  // a Hold nobody settles is refunded after this
  caf::timespan call_timeout{std::chrono::seconds(30)};  // escrow and relay requests
  size_t tasks_max = 100'000;                            // tasks one renter tracks at once
};

/// What the renter keeps per task.
struct renter_task_state {
  wire::id128 task_id{};
  wire::id128 hold_id{};
  bytes request;         // the sealed TaskRequest
  hash256 input_hash{};  // of its payload (proof_hash.hpp)
  address provider;      // from the TaskAssignment; zero before it came
  address relay;         // who signed the first TaskAssignment; a reassignment must come from it
  hash256 chain_hash{};  // over the chunks received
  uint32_t chunk_count = 0;
  std::string stream_error;  // the first broken chunk (order, chain hash): disputed at the proof
  int64_t price_cap_micros = 0;
  task_outcome outcome;
};

/// What the renter keeps per rental session.
struct renter_rental_state {
  wire::id128 hold_id{};
  bytes grant;  // the relay-sealed SessionGrant; empty until granted
  rental_usage usage;
};

struct renter_state {
  std::shared_ptr<const renter_options> options;
  std::vector<renter_task_state> tasks;       // by task number
  std::map<wire::id128, size_t> by_task_id;   // task id → task number
  std::map<hash256, size_t> by_request_hash;  // keccak of the sealed TaskRequest → task number
  std::map<wire::id128, renter_rental_state> rentals;  // by session id

  static inline const char* name = "agora.renter";
};

using renter_pointer = caf::stateful_actor<renter_state>*;

/// Spawns a renter; a dynamically typed actor, because it requests the relay through a plain
/// caf::actor handle. It answers (deposit, micros), (submit, renter_task), (outcome, number),
/// (rent, renter_rental) → the sealed SessionGrant, (end_sess, session id) → the escrow's
/// receipt, (usage, session id) → rental_usage, and takes the frames a relay forwards. REQUIRES:
/// options.rng not null, spot_check_permille ≤ 1000.
caf::actor spawn_renter(caf::actor_system& sys, renter_options options);

}  // namespace agora::actors
