// The attestation report (attestation.hpp).
#include "net/gateway/ops/attestation.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/assert.hpp"

namespace agora::net::gateway {

std::string_view tee_type_name(wire::TeeType type) {
  switch (type) {
  case wire::TeeType::None: return "none";
  case wire::TeeType::IntelTdx: return "intel_tdx";
  case wire::TeeType::AmdSevSnp: return "amd_sev_snp";
  case wire::TeeType::NvidiaCc: return "nvidia_cc";
  }
  return "unknown";  // a value a newer peer sent; the relay's checks admit known ones only
}

std::string attestation_json(const attestation_identity& identity) {
  namespace json = boost::json;
  AGORA_ASSERT(!identity.signing_address.is_zero());
  // No TEE evidence is collected on any node yet: say so rather than leave fields out.
  return json::serialize(json::object{{"signing_address", identity.signing_address.to_string()},
                                      {"signer", identity.signer},
                                      {"tee_type", tee_type_name(wire::TeeType::None)},
                                      {"nvidia_payload", ""}});
}

route_handler attestation_route(attestation_identity identity) {
  AGORA_ASSERT(!identity.signing_address.is_zero());
  return [body = attestation_json(identity)](const http_request&, std::string_view,
                                             std::shared_ptr<reply_channel> reply) {
    reply->json(http::status::ok, body);
  };
}

}  // namespace agora::net::gateway
