// GET /signature/{response id} (signature_route.hpp).
#include "net/gateway/proofs/signature_route.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "net/gateway/openai/response.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway {

namespace {

openai::api_error not_found(std::string_view id, std::string_view why) {
  return {http::status::not_found,
          "No signature for response '" + std::string(id) + "': " + std::string(why) + ".",
          "invalid_request_error", "id", "signature_not_found"};
}

/// What the reader hears once the attestation's outcome is known.
void answer(reply_channel& reply, std::string_view id, const result<bytes>& sealed) {
  if (sealed)
    return reply.json(http::status::ok, signature_json(*sealed));
  if (sealed.error().code == errc::not_found)
    return reply.error(not_found(id, sealed.error().message));
  reply.error({http::status::bad_gateway,
               "The provider did not sign response '" + std::string(id) +
                   "': " + sealed.error().to_string(),
               "api_error",
               {},
               "signature_unavailable"});
}

}  // namespace

std::string signature_json(byte_view sealed_attestation) {
  auto opened = wire::open(sealed_attestation);
  AGORA_ASSERT(opened.ok());
  AGORA_ASSERT(opened->kind() == wire::message_kind::BodyAttestation);
  const wire::BodyAttestation& a = *opened->as<wire::BodyAttestation>();
  boost::json::object out{
      {"text", wire::view(a.text())},
      {"signature", to_hex0x(wire::view(a.text_signature()))},
      {"signing_address", opened->signer().to_string()},
  };
  return boost::json::serialize(out);
}

route_handler signature_route(std::shared_ptr<proof_store> proofs) {
  AGORA_ASSERT(proofs != nullptr);
  return [proofs](const http_request&, std::string_view id, std::shared_ptr<reply_channel> reply) {
    const auto task_id = openai::task_id_of(id);
    if (!task_id || !proofs->find(*task_id))
      return reply->error(not_found(id, "no such response"));
    proofs->when_attested(*task_id, [reply, id = std::string(id)](const result<bytes>& sealed) {
      answer(*reply, id, sealed);
    });
  };
}

}  // namespace agora::net::gateway
