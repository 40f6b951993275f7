// GET /v1/proofs/{response id}: the ComputeProof behind a response ("chatcmpl-…", "cmpl-…" or
// the bare task id in hex), as a JSON view of its fields (hashes and ids 0x-hex, addresses
// EIP-55) plus what anyone can check with an Ethereum tool: "payload" (the signed FlatBuffer
// bytes) and "signature" (65 bytes r‖s‖v, EIP-191 personal_sign over the payload), e.g.
// ethers.verifyMessage(getBytes(payload), signature) == provider, and the whole sealed envelope
// ("envelope"). 404 when the gateway keeps no proof under that id (never served, or evicted
// from the bounded store).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "net/gateway/proofs/proof_store.hpp"
#include "net/gateway/router.hpp"

namespace agora::net::gateway {

/// The JSON view of a kept proof. REQUIRES: proof.sealed opens (it was checked when kept).
std::string proof_json(std::string_view response_id, const stored_proof& proof);

/// The handler (a prefix route: the id is the rest of the path). REQUIRES: proofs not null.
route_handler proof_route(std::shared_ptr<const proof_store> proofs);

}  // namespace agora::net::gateway
