// Asking the provider that served a response to sign its HTTP bodies (GET /signature/{id};
// docs/PROTOCOL.md "Body attestations"). The provider never sees the HTTP bodies — the gateway
// builds them from the provider's chunks — so once a response is complete the gateway hashes
// both bodies and sends, through the relay, a BodyAttestationRequest signed by the task's renter
// (the key that signed its TaskRequest); the provider answers a BodyAttestation with its EIP-191
// signature over text = hex(sha256(request body)) ":" hex(sha256(response body)).
#pragma once

#include <caf/actor_system.hpp>
#include <memory>
#include <string_view>

#include "core/key.hpp"
#include "net/gateway/gateway_actor.hpp"

namespace agora::net::gateway {

/// What the attestation of one task needs.
struct body_attestor_plan {
  std::shared_ptr<const gateway_actor_options> options;  // relay, clock, proofs, call_timeout
  wire::id128 task_id{};
  address provider;                               // whose proof the gateway kept
  std::shared_ptr<const private_key> renter_key;  // signed the TaskRequest
};

/// The function a listener calls once its response body is complete (inference_final
/// ::attest_bodies): it marks the attestation asked in options->proofs (so a reader of GET
/// /signature/{id} waits for it), then spawns an actor that asks the relay and keeps the checked
/// answer, or the error, in options->proofs. Call it at most once. REQUIRES: plan's pointers not
/// null, the task's proof kept in options->proofs.
attest_bodies_fn body_attestor(caf::actor_system& sys, body_attestor_plan plan);

/// OK if `sealed` opens as a BodyAttestation by `provider` for `renter` and `task_id` whose text
/// is `text` and whose text_signature recovers `provider` over the text bytes.
status check_body_attestation(byte_view sealed, const address& provider, const address& renter,
                              const wire::id128& task_id, std::string_view text);

}  // namespace agora::net::gateway
