// Body attestations (docs/PROTOCOL.md "Body attestations"): the renter of a task this provider
// served asks it, through the relay, to sign text = hex(request_sha256) ":" hex(response_sha256)
// for the HTTP bodies the renter's gateway built; the provider answers a BodyAttestation with its
// EIP-191 signature over the text. Private to actors/provider/.
#pragma once

#include "actors/provider/provider_state.hpp"
#include "schemas/envelope.hpp"

namespace agora::actors {

/// Handles a BodyAttestationRequest that passed wire::open. Refuses (ErrorFrame) one naming
/// another provider, for a task the log does not hold as Completed with a proof, or signed by
/// anyone but the renter the task's proof names, or one asking other hashes than the provider
/// signed for that task before (it signs one text per task); otherwise answers the logged
/// BodyAttestation, or signs, logs and sends a new one.
void on_attestation_request(provider_pointer self, const wire::opened_envelope& opened,
                            byte_view sealed);

}  // namespace agora::actors
