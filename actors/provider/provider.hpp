// The provider agent as a CAF actor (DESIGN §6, docs/PROTOCOL.md §4–§5): holds the provider's
// key, registers with its relay, heartbeats, drains and deregisters on request, runs each
// TaskAssignment on its own worker, streams TokenChunks, and answers with a TaskResult and a
// signed ComputeProof, after writing them to its task log (storage::store, families tasks and
// proofs). Everything it sends is a sealed wire::frame to the relay handle it was given.
//
//   registering ──Registered (signed by relay_id, our session)──▶ registered ──drain──▶ draining
//        every heartbeat interval while registered or draining: Heartbeat  │ deregister
//                                                                         ▼
//                                                    deregistered (heartbeats stop)
//   any phase ──reconnect (a new relay handle)──▶ registering, with a fresh session id
//
// Rental sessions (rental.hpp): a relay-signed SessionGrant for this provider is accepted when
// its GPU count fits the GPUs no other session holds; the session is written to the store
// (family sessions) before the provider answers UsageReport 0 (connection details and what was
// provisioned), then a UsageReport every usage_period until it ends or expires.
#pragma once

#include <caf/all.hpp>
#include <memory>
#include <string>
#include <vector>

#include "actors/common/atoms.hpp"
#include "actors/common/interfaces.hpp"
#include "actors/common/message_types.hpp"
#include "actors/common/wall_clock_map.hpp"
#include "actors/worker/worker.hpp"
#include "core/key.hpp"
#include "core/random.hpp"
#include "schemas/wire_types.hpp"
#include "storage/store.hpp"

namespace agora::actors {

/// A task as the provider's log holds it (families tasks and proofs, key: task id).
struct task_log_entry {
  wire::TaskState state = wire::TaskState::Pending;
  bytes result;  // the sealed TaskResult sent to the relay; empty before the task ended
  bytes proof;   // the sealed ComputeProof; empty unless Completed
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, task_log_entry& x) {
  return f(caf::meta::type_name("agora::actors::task_log_entry"), x.state, x.result, x.proof);
}

/// A rental session's usage report is due: (report, session id), the provider's own timer.
using report_atom = caf::atom_constant<caf::atom("report")>;
inline constexpr report_atom report_atom_v{};

/// The provider's interface:
///  - frame: from the relay. Registered, TaskAssignment, SessionGrant, SessionEnd and ErrorFrame
///    are handled, and a renter's BodyAttestationRequest the relay forwards (attestation.hpp:
///    answered with a BodyAttestation for a task served to that renter); any other
///    frame, or one that fails wire::open or is not signed by relay_id, is answered with a signed
///    ErrorFrame and changes nothing.
///  - (chunk, generation_chunk): from its worker (the provider is the worker's chunk_sink).
///  - (heartbeat): its own timer; sends a Heartbeat and re-arms while the session is live.
///    Heartbeat fields: active_tasks = min(tasks in flight, 1) (the worker runs one at a time),
///    queue_depth = the rest, load_permille = 1000 × in flight / max_concurrency (capped),
///    available_models = the engine's models while registered, none while draining.
///  - (drain): sends Drain; new assignments are then answered with a Rejected TaskResult.
///  - (deregister): sends Deregister and stops heartbeating.
///  - (reconnect, relay): the relay restarted or moved: from now on every frame goes to `relay`,
///    and the provider registers again with a fresh session id (registering, whatever the phase
///    was; running tasks go on and report to the new relay).
///  - (report, session id): a rental session's UsageReport is due (its own timer).
///  - (task_log, task id) → task_log_entry, from the store; not_found (agora error) if absent.
using provider_actor =
    caf::typed_actor<caf::reacts_to<wire::frame>, caf::reacts_to<chunk_atom, generation_chunk>,
                     caf::reacts_to<heartbeat_atom>, caf::reacts_to<drain_atom>,
                     caf::reacts_to<deregister_atom>, caf::reacts_to<reconnect_atom, frame_sink>,
                     caf::reacts_to<report_atom, wire::id128>,
                     caf::replies_to<task_log_atom, wire::id128>::with<task_log_entry>>;

struct provider_options {
  private_key key;                      // the provider's identity; signs every frame
  address relay_id;                     // the relay's address (Register.relay)
  frame_sink relay;                     // where every frame goes
  wall_clock_map clock;                 // wall time of timestamps and proofs
  std::shared_ptr<random_source> rng;   // session ids (os_random live, seeded in tests)
  std::shared_ptr<storage::store> log;  // the task log; open
  std::shared_ptr<engine> backend;      // handed to the provider's own worker
  worker_options worker;
  std::vector<wire::GpuInfoT> gpus;  // 1–16 entries
  std::string region;
  int64_t price_per_million_tokens_micros = 0;
  int64_t price_per_gpu_hour_micros = 0;
  uint32_t max_concurrency = 1;                          // 1–4096
  caf::timespan usage_period{std::chrono::seconds(60)};  // between a rental's UsageReports
  /// Send Register at once. Off when a connection will say when to register (a provider_link
  /// sends (reconnect) after each handshake): then the first Register waits for it.
  bool register_at_start = true;
  /// The host, as registered (Register.cpu_model, cpu_cores, memory_bytes); the node reads it
  /// once at start. Empty / 0: not reported.
  std::string cpu_model;  // at most 128 bytes
  uint32_t cpu_cores = 0;
  uint64_t memory_bytes = 0;
};

/// Spawns a provider; it spawns its worker (linked), sends Register at once (unless
/// register_at_start is off) and heartbeats at the interval Registered names. REQUIRES: rng, log
/// (open) and backend not null, relay valid.
provider_actor spawn_provider(caf::actor_system& sys, provider_options options);

}  // namespace agora::actors
