// The proof lookup and its JSON view (proof_routes.hpp).
#include "net/gateway/proofs/proof_routes.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "net/gateway/openai/response.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway {

namespace {

namespace json = boost::json;

json::object sampling_json(const wire::SamplingParams* s) {
  AGORA_ASSERT(s != nullptr);  // required by check_fields
  json::array stop;
  if (s->stop() != nullptr)
    for (const flatbuffers::String* text : *s->stop())
      stop.push_back(json::string(wire::view(text)));
  return json::object{{"max_tokens", s->max_tokens()},
                      {"temperature", s->temperature()},
                      {"top_p", s->top_p()},
                      {"top_k", s->top_k()},
                      {"seed", s->seed()},
                      {"stop", std::move(stop)}};
}

json::object worker_json(const wire::WorkerIdentity* w) {
  AGORA_ASSERT(w != nullptr);  // required by check_fields
  return json::object{{"backend", wire::EnumNameBackend(w->backend())},
                      {"device", wire::view(w->device())},
                      {"engine_version", wire::view(w->engine_version())},
                      {"deterministic", w->deterministic()}};
}

std::string hex_of(const hash256& h) {
  return to_hex0x(h);
}

}  // namespace

std::string proof_json(std::string_view response_id, const stored_proof& kept) {
  auto opened = wire::open(kept.sealed);
  AGORA_ASSERT(opened.ok());
  const wire::ComputeProof& p = *opened->as<wire::ComputeProof>();
  json::object out{
      {"id", response_id},
      {"object", "compute_proof"},
      {"task_id", to_hex0x(wire::from_wire(*p.task_id()))},
      {"hold_id", to_hex0x(wire::from_wire(*p.hold_id()))},
      {"provider", wire::from_wire(*p.provider()).to_string()},
      {"renter", wire::from_wire(*p.renter()).to_string()},
      {"model", wire::view(p.model_id())},
      {"weights_hash", hex_of(wire::from_wire(*p.weights_hash()))},
      {"input_hash", hex_of(wire::from_wire(*p.input_hash()))},
      {"output_hash", hex_of(wire::from_wire(*p.output_hash()))},
      {"chain_hash", hex_of(wire::from_wire(*p.chain_hash()))},
      {"chunk_count", p.chunk_count()},
      {"prompt_tokens", p.prompt_tokens()},
      {"completion_tokens", p.completion_tokens()},
      {"sampling", sampling_json(p.sampling())},
      {"started_unix_ns", p.started_unix_ns()},
      {"finished_unix_ns", p.finished_unix_ns()},
      {"worker", worker_json(p.worker())},
      {"price_per_million_tokens_micros", p.price_per_million_tokens_micros()},
      {"finish_reason", wire::EnumNameFinishReason(p.finish_reason())},
      {"cost_micros", kept.cost_micros},
      {"signer", opened->signer().to_string()},
      {"payload", to_hex0x(opened->payload())},
      {"signature", to_hex0x(opened->signature())},
      {"envelope", to_hex0x(kept.sealed)},
  };
  return json::serialize(out);
}

route_handler proof_route(std::shared_ptr<const proof_store> proofs) {
  AGORA_ASSERT(proofs != nullptr);
  return [proofs](const http_request&, std::string_view id, std::shared_ptr<reply_channel> reply) {
    const auto task_id = openai::task_id_of(id);
    const auto kept = task_id ? proofs->find(*task_id) : std::nullopt;
    if (!kept)
      return reply->error({http::status::not_found,
                           "No proof for response '" + std::string(id) + "'.",
                           "invalid_request_error", "id", "proof_not_found"});
    reply->json(http::status::ok, proof_json(id, *kept));
  };
}

}  // namespace agora::net::gateway
