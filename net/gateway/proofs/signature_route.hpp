// GET /signature/{response id} (DESIGN §6 "gateway", docs/PROTOCOL.md "Body attestations"): the
// serving provider's signature over the response's HTTP bodies, as 0G's providers give it:
//   {"text": hex(sha256(request body)) ":" hex(sha256(response body)),
//    "signature": 0x + 65 bytes r‖s‖v, EIP-191 personal_sign of the text,
//    "signing_address": the provider's EIP-55 address}
// so ethers.verifyMessage(text, signature) == signing_address, the proof's provider. A streamed
// response's body is every byte of its event stream ("data: …\n\n" events, "data: [DONE]\n\n"
// included). The id is the response's, as for GET /v1/proofs/{id}.
//
// Answers: 200 as above; 404 (signature_not_found) for an id without a kept proof, or whose
// response was never attested (an embedding, or a response that did not complete); while the
// provider's answer is on its way (the client asked right after reading the response) the
// request waits for it, at most the gateway's call timeout; 502 (signature_unavailable) when
// the provider refused or did not answer.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "net/gateway/proofs/proof_store.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The JSON answer of a sealed BodyAttestation. REQUIRES: it opens (checked when kept).
std::string signature_json(byte_view sealed_attestation);

/// The handler (a prefix route: the id is the rest of the path). REQUIRES: proofs not null.
route_handler signature_route(std::shared_ptr<proof_store> proofs);

}  // namespace agora::net::gateway
