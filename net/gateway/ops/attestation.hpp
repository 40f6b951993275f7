// GET /attestation/report: who signs what this node serves, and its TEE evidence, in the shape
// of 0G's and NEAR AI's private-inference reports: {"signing_address","tee_type",
// "nvidia_payload"}, plus "signer" (which key that is: "provider" or "gateway").
//
// Honest by construction: no Agora node collects TEE evidence yet, so tee_type is always "none"
// and nvidia_payload "". The signing address is the node's local provider when it runs one
// (`agora up`: that key signs the ComputeProofs and /signature texts of what it serves), else the
// gateway's house key (`agora gateway`: it signs the Holds and TaskRequests it sends), as the
// node's start-up code decides (net/node/gateway_role.hpp).
#pragma once

#include <string>
#include <string_view>

#include "core/address.hpp"
#include "net/gateway/router.hpp"
#include "schemas/wire_types.hpp"

namespace agora::net::gateway {

struct attestation_identity {
  address signing_address;         // zero: the gateway fills in its house key's address
  std::string signer = "gateway";  // "provider" or "gateway"
};

/// "none", "intel_tdx", "amd_sev_snp", "nvidia_cc" (also /v1/providers' tee.type).
std::string_view tee_type_name(wire::TeeType type);

/// The report's JSON.
std::string attestation_json(const attestation_identity& identity);

/// The handler. REQUIRES: identity.signing_address not zero.
route_handler attestation_route(attestation_identity identity);

}  // namespace agora::net::gateway
