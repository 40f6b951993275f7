// The relay as a CAF actor (DESIGN §6 "relay", docs/PROTOCOL.md §4–§5): wraps the provider
// registry and the matcher (registry.hpp, matcher.hpp), routes renters' sealed TaskRequests to
// providers, forwards what providers stream back to each task's sink, and reports to the escrow
// what it sees: a Settle per ComputeProof, a Refund and Slashes for a task nobody served, a Slash
// per downtime episode. It holds no money; it signs with its own key only what it originates.
//
// A task's life on the relay:
//
//   route ──TaskAssignment (attempt 0)──▶ assigned ──TaskResult Completed──▶ proving
//                                           │  deadline passed, or Rejected/Failed  │ ComputeProof:
//                                           ▼                                       ▼ Settle, gone
//              another provider qualifies: assigned again (attempt 1, once)
//              none, or attempt 1 fails too: Refund + Slash per silent provider +
//                                            ErrorFrame to the sink, gone
#pragma once

#include <caf/all.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/common/atoms.hpp"
#include "actors/common/interfaces.hpp"
#include "actors/common/message_types.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/relay/matcher.hpp"
#include "actors/relay/registry.hpp"
#include "core/key.hpp"
#include "core/random.hpp"

namespace agora::actors {

/// A model a provider offers, as the status query reports it.
struct relay_model_status {
  std::string id;
  uint32_t max_context = 0;
  std::string quantization;
  bool ready = false;  // loaded and ready, as of the provider's last Heartbeat
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_model_status& x) {
  return f(caf::meta::type_name("agora::actors::relay_model_status"), x.id, x.max_context,
           x.quantization, x.ready);
}

/// One kind of GPU a provider registered, as the status query reports it.
struct relay_gpu_status {
  std::string name;
  uint64_t vram_bytes = 0;
  uint16_t count = 0;
  std::string driver_version;
  uint8_t compute_capability_major = 0;
  uint8_t compute_capability_minor = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_gpu_status& x) {
  return f(caf::meta::type_name("agora::actors::relay_gpu_status"), x.name, x.vram_bytes, x.count,
           x.driver_version, x.compute_capability_major, x.compute_capability_minor);
}

/// One registered provider as the status query reports it: liveness, load and reliability, and
/// its offer (models, prices, region, hardware, TEE) for the gateway's model and provider lists.
struct relay_provider_status {
  std::string provider;  // the address, EIP-55 text
  relay::liveness state = relay::liveness::healthy;
  bool draining = false;
  uint32_t in_flight = 0;
  uint64_t jobs_completed = 0;
  uint64_t jobs_failed = 0;
  bytes session_id;
  std::vector<relay_model_status> models;  // in the order of the provider's offer
  std::vector<relay_gpu_status> gpus;
  std::string region;
  int64_t price_per_million_tokens_micros = 0;
  int64_t price_per_gpu_hour_micros = 0;
  int64_t connected_since_unix_s = 0;  // the current session's registration
  // Host (Register.cpu_model, …; empty / 0 when the provider did not report it).
  std::string cpu_model;
  uint32_t cpu_cores = 0;
  uint64_t memory_bytes = 0;
  // Capacity and load.
  uint32_t max_concurrency = 0;
  uint32_t free_capacity = 0;  // tasks it would take now: 0 unless healthy and not draining
  uint16_t load_permille = 0;  // from the last Heartbeat, as queue_depth and active_tasks
  uint32_t queue_depth = 0;
  uint32_t active_tasks = 0;
  uint32_t active_rentals = 0;  // rental sessions granted and not ended
  // Reliability (registry EWMAs) and uptime of the current session, at the relay's now.
  int64_t latency_ewma_us = 0;  // 0 before the first completed task
  uint32_t error_ppm = 0;
  int64_t uptime_s = 0;
  // TEE: the type it registered and the size of the evidence, which the relay records unverified.
  wire::TeeType tee_type = wire::TeeType::None;
  uint32_t tee_evidence_bytes = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_provider_status& x) {
  return f(caf::meta::type_name("agora::actors::relay_provider_status"), x.provider, x.state,
           x.draining, x.in_flight, x.jobs_completed, x.jobs_failed, x.session_id, x.models, x.gpus,
           x.region, x.price_per_million_tokens_micros, x.price_per_gpu_hour_micros,
           x.connected_since_unix_s, x.cpu_model, x.cpu_cores, x.memory_bytes, x.max_concurrency,
           x.free_capacity, x.load_permille, x.queue_depth, x.active_tasks, x.active_rentals,
           x.latency_ewma_us, x.error_ppm, x.uptime_s, x.tee_type, x.tee_evidence_bytes);
}

/// The relay's counters and providers, for tests and the operator.
struct relay_status {
  std::vector<relay_provider_status> providers;  // in address order
  uint64_t tasks = 0;                            // tracked: assigned or waiting for their proof
  uint64_t reassigned = 0;                       // tasks given to a second provider
  uint64_t escrow_sent = 0;                      // Settle, Refund and Slash requests sent
  uint64_t escrow_failed = 0;                    // of those, answered with an error
  uint64_t refused = 0;                          // frames answered with an ErrorFrame
  uint64_t rentals = 0;                          // rental sessions asked of or granted by providers
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, relay_status& x) {
  return f(caf::meta::type_name("agora::actors::relay_status"), x.providers, x.tasks, x.reassigned,
           x.escrow_sent, x.escrow_failed, x.refused, x.rentals);
}

/// Ask a relay to take a renter's sealed BodyAttestationRequest to its provider.
using attest_atom = caf::atom_constant<caf::atom("attest")>;
inline constexpr attest_atom attest_atom_v{};

/// The relay's interface:
///  - frame: from a provider. Register (answered with a Registered sealed by the relay, sent to
///    the sender, whose handle the relay keeps for the session), Heartbeat, Drain, Deregister,
///    ModelsUpdate go to the registry; TokenChunk and TaskResult of a tracked task go to its
///    sink; a ComputeProof of a registered provider for a tracked task is settled with the escrow
///    and then forwarded to the task's sink; for an untracked task (routed before a restart, or
///    given up on) its hold is refunded instead: the renter never gets it. Frames of a tracked task
///    from a provider it was taken from are dropped. A frame that does not open or that the
///    registry refuses is answered with a relay-signed ErrorFrame to the sender, changing nothing.
///    A task nobody served ends with a relay-signed ErrorFrame (limit_exceeded) to its sink.
///  - (route, sealed TaskRequest, task sink) → the sealed TaskAssignment sent to the provider;
///    agora errors: not_found "Model not found", limit_exceeded "No providers available" or
///    too many tasks, replayed (task id tracked), stale (deadline passed), and open()'s errors.
///  - (rent, sealed SessionRequest, renter sink) → the relay-sealed SessionGrant the renter uses,
///    once the provider accepted (relay_rental.cpp). The relay picks a healthy, not draining
///    provider with the requested GPUs (name, VRAM, count), model, region and provider (if named)
///    at a GPU-hour price ≤ the cap, cheapest first, and sends it its sealed SessionGrant; the
///    provider accepts with a UsageReport of sequence 0 (connection details, provisioning text),
///    which the relay copies into the grant it answers with, binding the session in the matcher
///    (its tasks go to that provider), or refuses with an ErrorFrame. agora errors: wrong_kind,
///    replayed (the session exists), not_found / limit_exceeded (no provider; too many sessions),
///    the provider's refusal, limit_exceeded when it does not answer within assignment_timeout.
///    On every error after the request opened the relay Refunds the request's hold.
///    UsageReports of an active session from its provider are forwarded to the renter sink.
///  - (end_sess, the renter's sealed SessionEnd) → the escrow's receipt: the relay checks that
///    the session's renter signed it (bad_signature otherwise), forwards it to the escrow, and
///    on success to the provider, and forgets the session. A session whose grant expired ends
///    on the tick: a relay-signed SessionEnd (Expired) to the escrow, the provider and the renter.
///  - (attest, a renter's sealed BodyAttestationRequest) → the provider's sealed BodyAttestation
///    (relay_attestation.cpp): forwarded verbatim to the provider it names, which checks its own
///    task log; agora errors: open()'s, wrong_kind, not_found (the provider is not connected),
///    replayed (one is pending for the task), limit_exceeded, the provider's refusal, io_error
///    when it does not answer within 30 s.
///  - (tick): the relay's own timer (every tick_interval): liveness, task deadlines, downtime,
///    rental expiry.
///  - (status) → relay_status.
using relay_actor =
    caf::typed_actor<caf::reacts_to<wire::frame>,
                     caf::replies_to<route_atom, wire::frame, frame_sink>::with<wire::frame>,
                     caf::replies_to<rent_atom, wire::frame, frame_sink>::with<wire::frame>,
                     caf::replies_to<end_session_atom, wire::frame>::with<escrow_receipt>,
                     caf::replies_to<attest_atom, wire::frame>::with<wire::frame>,
                     caf::reacts_to<tick_atom>, caf::replies_to<status_atom>::with<relay_status>>;

struct relay_options {
  private_key key;                     // the relay's identity: Registered, assignments, escrow
  escrow_inbox escrow;                 // where Settle, Refund and Slash go; null: nowhere
  wall_clock_map clock;                // wall time of timestamps and liveness
  std::shared_ptr<random_source> rng;  // the matcher's tie-breaks (seeded in tests)
  relay::registry_config registry;
  relay::matcher_config matcher;
  caf::timespan tick_interval{std::chrono::seconds(5)};
  /// How long one provider gets to answer an assignment, capped by the request's deadline.
  std::chrono::seconds assignment_timeout{60};
  /// A provider offline this long is reported for downtime (escrow slashing_rules: 4 h).
  std::chrono::seconds downtime_slash_after{4 * 3'600};
  uint32_t heartbeat_interval_s = 30;  // told to providers in Registered
  /// Slash.amount_micros (> 0 on the wire): the escrow takes its slashing_rules' share of the
  /// stake; this is only the relay's nominal report.
  int64_t slash_report_micros = 1;
  caf::timespan escrow_timeout{std::chrono::seconds(30)};
  /// A report the escrow could not take (unreachable, timed out) is sent again on each tick,
  /// this many times at most (120 × 5 s: ten minutes); other refusals are final.
  uint32_t escrow_attempts_max = 120;
  size_t tasks_max = 100'000;  // tracked tasks at once
};

/// Spawns a relay; it starts ticking at once. REQUIRES: rng not null, tick_interval > 0.
relay_actor spawn_relay(caf::actor_system& sys, relay_options options);

}  // namespace agora::actors
