// The renter's ComputeProof check (proof_check.hpp).
#include "actors/renter/proof_check.hpp"

#include <string>

namespace agora::actors {

namespace {

status differs(const char* field) {
  return make_error(errc::invalid_argument,
                    std::string("ComputeProof.") + field + " differs from what the renter holds");
}

}  // namespace

status check_proof(const wire::opened_envelope& proof, const proof_expectation& expected) {
  AGORA_ASSERT(!expected.renter.is_zero());
  if (proof.kind() != wire::message_kind::ComputeProof)
    return make_error(errc::wrong_kind, "not a ComputeProof");
  if (expected.provider.is_zero() || proof.signer() != expected.provider)
    return make_error(errc::bad_signature, "ComputeProof not signed by the assigned provider");
  const wire::ComputeProof& p = *proof.as<wire::ComputeProof>();
  if (wire::from_wire(*p.renter()) != expected.renter)
    return differs("renter");
  if (wire::from_wire(*p.task_id()) != expected.task_id)
    return differs("task_id");
  if (wire::from_wire(*p.hold_id()) != expected.hold_id)
    return differs("hold_id");
  if (wire::from_wire(*p.input_hash()) != expected.input_hash)
    return differs("input_hash");
  if (wire::from_wire(*p.output_hash()) != expected.output_hash)
    return differs("output_hash");
  if (wire::from_wire(*p.chain_hash()) != expected.chain_hash)
    return differs("chain_hash");
  if (p.chunk_count() != expected.chunk_count)
    return differs("chunk_count");
  if (p.price_per_million_tokens_micros() > expected.price_cap_micros)
    return make_error(errc::invalid_argument, "ComputeProof price is over the renter's cap");
  return {};
}

}  // namespace agora::actors
