// The hashes a ComputeProof binds (DESIGN §5, docs/PROTOCOL.md "Hashes"), defined once here so the
// provider, the renter, the escrow and the arbiter compute them identically.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "core/bytes.hpp"

namespace agora::wire {

/// ComputeProof.input_hash: keccak-256 of the exact TaskRequest payload bytes the renter signed
/// (opened_envelope::payload()), so it binds model, input, sampling, hold and price cap at once.
hash256 input_hash(byte_view task_request_payload);

/// TokenChunk.chain_hash of chunk `index`, given the previous chunk's (32 zero bytes for chunk 0):
/// keccak-256(previous ‖ be32(index) ‖ be32(#tokens) ‖ be32 each token ‖ be32(#text) ‖ text).
/// ComputeProof.chain_hash is the last chunk's.
hash256 chain_next(const hash256& previous, uint32_t index, std::span<const uint32_t> token_ids,
                   std::string_view text);

/// ComputeProof.output_hash of a generation: keccak-256 of the whole output text's bytes.
hash256 output_hash_text(std::string_view text);
/// ComputeProof.output_hash of an embedding: keccak-256 of the values as IEEE-754 binary32,
/// little-endian, in order.
hash256 output_hash_embedding(std::span<const float> values);

}  // namespace agora::wire
