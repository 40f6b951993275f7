// One inference on the gateway's CAF side (gateway_actor.hpp): takes an x402 payment's Deposit
// to the escrow first (a duplicate is a replayed payment: refused), then its Hold,
// routes its TaskRequest through the relay with itself as the task's sink, opens every frame
// the relay forwards, passes the text on in whole characters, checks the ComputeProof with the
// renter's checks (actors/renter/proof_check.hpp), keeps it, and answers the listener. A request
// that does not stream gets its text (and logprobs) in the provider's TaskResult instead. An
// Embedding streams nothing: its values come in the provider's TaskResult, before the proof,
// whose output hash must be theirs (chain hash zero, no chunks, no completion tokens).
//
//   holding ─receipt─▶ routing ─TaskAssignment─▶ streaming ─ComputeProof checks─▶ on_final
//     │ refused           │ refused                │ ErrorFrame, failed TaskResult, broken
//     ▼                   ▼                        ▼ stream, failed proof check, deadline
//   on_failure         on_failure              on_failure          (then the actor quits)
//
// A task that fails after its Hold leaves it to the escrow, which returns it on expiry (or the
// relay refunds it when nobody served the task).
//
// When the client goes away (cancel_task_atom) the actor sends the relay a TaskCancel signed
// by the renter, naming the chunks it had passed on, and keeps going: the provider's proof
// then covers exactly those chunks (PROTOCOL.md "Cancelling"), or everything when the provider
// finished first. It is checked and kept like any other, so GET /v1/proofs/{id} shows it.
#pragma once

#include <caf/all.hpp>
#include <memory>

#include "core/bytes.hpp"
#include "net/gateway/gateway_actor.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway {

/// Everything a task actor needs, sealed by the gateway actor.
struct task_plan {
  std::shared_ptr<const gateway_actor_options> options;
  wire::id128 task_id{};
  wire::id128 hold_id{};
  address renter;        // whose account holds: the house, or an x402 payer's
  wire::frame deposit;   // x402: the payment's sealed Deposit (kind none: no payment)
  wire::frame hold;      // the sealed Hold
  bytes request;         // the sealed TaskRequest
  hash256 input_hash{};  // of its payload
  wire::TaskType type = wire::TaskType::Completion;
  bool forward_text = false;  // pass text on as it streams (else only in on_final)
  bool streams = false;       // the TaskRequest asks for TokenChunks (else the text is in the
                              // TaskResult)
  std::shared_ptr<inference_listener> listener;
  std::shared_ptr<const private_key> renter_key;  // signs a TaskCancel
  std::shared_ptr<inference_cancel> cancel;       // null: the client cannot cancel
};

/// Spawns the task actor. It quits once the listener heard the outcome; if it is stopped
/// before, the listener hears on_failure (internal). REQUIRES: listener and options not null.
caf::actor spawn_task(caf::actor_system& sys, task_plan plan);

}  // namespace agora::net::gateway
