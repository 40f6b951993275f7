// The renter's check of a ComputeProof (docs/PROTOCOL.md "Tasks", "Hashes"): the proof must be
// signed by the provider the relay assigned, name this task, hold and renter, bind the exact
// TaskRequest the renter signed (input hash), the output it received (output hash, chain hash,
// chunk count) and a price within the renter's cap. A failed check is grounds for a Dispute.
#pragma once

#include <cstdint>

#include "core/address.hpp"
#include "core/bytes.hpp"
#include "core/error.hpp"
#include "schemas/envelope.hpp"
#include "schemas/wire_types.hpp"

namespace agora::actors {

/// What the renter knows about a task when its proof arrives.
struct proof_expectation {
  address provider;  // the assigned provider
  address renter;
  wire::id128 task_id{};
  wire::id128 hold_id{};
  hash256 input_hash{};   // of the renter's own TaskRequest payload
  hash256 output_hash{};  // over the text received
  hash256 chain_hash{};   // over the chunks received
  uint32_t chunk_count = 0;
  int64_t price_cap_micros = 0;
};

/// OK when `proof` (opened) meets `expected`; otherwise wrong_kind (not a ComputeProof),
/// bad_signature (another signer) or invalid_argument naming the first field that differs.
status check_proof(const wire::opened_envelope& proof, const proof_expectation& expected);

}  // namespace agora::actors
