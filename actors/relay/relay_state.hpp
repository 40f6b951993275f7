// The relay actor's state and the helpers its parts share (private to actors/relay/): the
// registry and matcher, each provider's frame handle, the tracked tasks and the downtime episodes.
// Soft state: a restarted relay starts empty and providers re-register (registry.hpp).
#pragma once

#include <functional>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/relay/relay_actor.hpp"
#include "schemas/envelope.hpp"

namespace agora::actors {

/// A task the relay assigned and has not finished with.
struct relay_task {
  bytes request;   // the renter's sealed TaskRequest
  address renter;  // who signed it: the only one who may cancel the task
  frame_sink sink;
  wire::id128 hold_id{};
  std::string model;
  std::string region;
  amount price_cap;
  std::optional<wire::id128> rental_session;
  wall_time request_deadline;  // the renter's deadline_unix_s
  address provider;            // of the current attempt
  wall_time assigned;
  wall_time deadline;  // of the current attempt
  uint16_t attempt = 0;
  bool proving = false;         // a Completed TaskResult came in: waiting for the proof
  std::vector<address> failed;  // providers whose attempt failed: not asked again
};

/// A rental session the relay asked a provider for (pending) or granted (active).
struct relay_rental {
  frame_sink renter_sink;
  address renter;
  address provider;
  wire::id128 hold_id{};
  bytes grant;  // the relay-sealed SessionGrant: sent to the provider; once active, the renter's
  wall_time asked;
  wall_time expires;
  uint64_t last_sequence = 0;  // of the provider's UsageReports
  uint64_t gpu_seconds = 0;    // reported so far
  /// The renter's rent request, while the provider has not answered.
  std::optional<caf::typed_response_promise<wire::frame>> pending;
};

/// A renter's BodyAttestationRequest the relay forwarded to a provider (relay_attestation.cpp).
struct relay_attestation {
  address provider;      // the one asked: only its answer counts
  hash256 request_hash;  // keccak-256 of the request frame, as the provider's refusal names it
  wall_time deadline;
  caf::typed_response_promise<wire::frame> promise;
};

/// How long a provider gets to answer an attestation request, and how many wait at once.
inline constexpr auto attestation_timeout = std::chrono::seconds(30);
inline constexpr size_t attestations_max = 10'000;

/// A provider's current offline episode (from registry::tick).
struct offline_episode {
  wall_time since;
  bool reported = false;  // its downtime Slash went out
};

/// A report the escrow could not take (unreachable, timed out): sent again on the next ticks.
/// Safe to repeat: every report's idempotency key makes the escrow execute it once.
struct escrow_retry {
  wire::frame request;
  std::string what;                // for logs
  std::function<void()> answered;  // runs once, after the final answer
  uint32_t attempts = 0;           // sends so far
};

struct relay_state {
  std::optional<relay_options> options;  // set at spawn (private_key has no default)
  address self_id;
  std::unique_ptr<relay::registry> registry;
  std::unique_ptr<relay::matcher> matcher;  // over *registry and *options->rng
  std::map<address, frame_sink> providers;  // the handle each registered provider sent from
  std::map<wire::id128, relay_task> tasks;  // by task id
  std::map<address, offline_episode> offline;
  std::map<wire::id128, relay_rental> rentals;  // by session id
  std::vector<escrow_retry> escrow_retries;     // sent again on the next tick
  // Attestation requests waiting for their provider, by task id.
  std::map<wire::id128, relay_attestation> attestations;
  relay_status counters;  // providers and tasks are filled in by the status query
  static inline const char* name = "agora.relay";
};

using relay_pointer = relay_actor::stateful_pointer<relay_state>;

/// The relay's wall time now.
inline wall_time relay_now(relay_pointer self) {
  return self->state.options->clock.now(self);
}

/// Seals `object` with the relay's key.
template <wire::native_payload Native>
wire::frame relay_seal(relay_pointer self, const Native& object) {
  return {wire::kind_of<typename Native::TableType>, wire::seal(object, self->state.options->key)};
}

/// Sends `to` a relay-signed ErrorFrame refusing `refused`, and counts it.
void refuse(relay_pointer self, const frame_sink& to, const agora::error& why, byte_view refused);

// Tasks (relay_tasks.cpp).

/// The route request: opens and checks the TaskRequest, matches, assigns and tracks the task.
caf::result<wire::frame> route(relay_pointer self, const wire::frame& request, frame_sink sink);
/// TokenChunk, TaskResult or ComputeProof from a provider (opened).
void on_task_frame(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f);
/// A renter's TaskCancel (opened): forwarded to the task's provider if the renter signed it.
void on_task_cancel(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f);
/// Reassigns or fails every assigned task whose deadline has passed.
void check_deadlines(relay_pointer self);

// Rental sessions (relay_rental.cpp).

/// The rent request: opens the SessionRequest, picks a provider and asks it.
caf::result<wire::frame> rent(relay_pointer self, const wire::frame& request, frame_sink sink);
/// The renter's SessionEnd: checked, forwarded to the escrow, the session forgotten.
caf::result<escrow_receipt> end_rental(relay_pointer self, const wire::frame& session_end);
/// UsageReport or SessionEnd from a provider (opened).
void on_rental_frame(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f);
/// A provider's ErrorFrame: true if it refused a pending rental (which then fails).
bool on_rental_refusal(relay_pointer self, const wire::ErrorFrame& refusal);
/// Ends expired sessions and fails pending ones the provider left unanswered.
void check_rentals(relay_pointer self);

// Body attestations (relay_attestation.cpp).

/// The attest request: forwards a renter's BodyAttestationRequest to the provider it names.
caf::result<wire::frame> attest(relay_pointer self, const wire::frame& request);
/// A provider's BodyAttestation (opened): answers the attest request of its task.
void on_attestation(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f);
/// A provider's ErrorFrame: true if it refused a pending attestation request (which then fails).
bool on_attestation_refusal(relay_pointer self, const address& provider,
                            const wire::ErrorFrame& refusal);
/// Fails the attestation requests their provider left unanswered past attestation_timeout.
void check_attestations(relay_pointer self);

// Escrow reports (relay_escrow.cpp).

/// A Settle of the sealed ComputeProof `proof`, at the provider's registered price;
/// `answered` runs once the escrow answered (or at once without an escrow), so a proof is
/// forwarded to its renter only after its settlement, never overtaking it.
void send_settle(relay_pointer self, const wire::ComputeProof& proof, const bytes& sealed_proof,
                 int64_t registered_price_micros, std::function<void()> answered);
/// Sends the reports the escrow could not take again (on every tick).
void retry_escrow_reports(relay_pointer self);
/// A Refund of `hold_id`: ProviderFailed when the task was not served, Cancelled when its
/// result cannot reach the renter.
void send_refund(relay_pointer self, const wire::id128& hold_id, wire::RefundReason reason);
/// A FailureToServe Slash of `provider` for `task_id`.
void send_failure_slash(relay_pointer self, const address& provider, const wire::id128& task_id);
/// A Downtime Slash of `provider`, offline since `since`.
void send_downtime_slash(relay_pointer self, const address& provider, wall_time since);
/// A relay-signed SessionEnd of `rental` (with its hold and grant) to the escrow; returns it.
wire::frame send_session_end(relay_pointer self, const wire::id128& session,
                             const relay_rental& rental, wire::SessionEndReason reason,
                             wall_time ended);

}  // namespace agora::actors
