// The gateway's side of body attestations (attestation.hpp).
#include "net/gateway/proofs/attestation.hpp"

#include <spdlog/spdlog.h>

#include <caf/event_based_actor.hpp>

#include "actors/common/caf_error.hpp"
#include "core/signature.hpp"
#include "schemas/body_attestation.hpp"
#include "schemas/envelope.hpp"

namespace agora::net::gateway {

namespace {

wire::frame seal_request(caf::event_based_actor* self, const body_attestor_plan& plan,
                         const hash256& request_sha256, const hash256& response_sha256) {
  wire::BodyAttestationRequestT m;
  m.renter = wire::to_wire(plan.renter_key->address());
  m.provider = wire::to_wire(plan.provider);
  m.task_id = wire::to_wire(plan.task_id);
  m.request_sha256 = wire::to_wire(request_sha256);
  m.response_sha256 = wire::to_wire(response_sha256);
  m.created_unix_s = unix_seconds(plan.options->clock.now(self));
  return {wire::message_kind::BodyAttestationRequest, wire::seal(m, *plan.renter_key)};
}

/// The asking actor: one request to the relay, its outcome into the proof store, then it ends.
void ask(caf::event_based_actor* self, body_attestor_plan plan, hash256 request_sha256,
         hash256 response_sha256) {
  const gateway_actor_options& o = *plan.options;
  const wire::frame request = seal_request(self, plan, request_sha256, response_sha256);
  const std::string text = wire::attestation_text(request_sha256, response_sha256);
  auto keep = [self, plan](const result<bytes>& outcome) {
    if (!outcome)
      spdlog::warn("gateway: no signature for task {}: {}", to_hex(plan.task_id),
                   outcome.error().to_string());
    plan.options->proofs->put_attestation(plan.task_id, outcome,
                                          unix_seconds(plan.options->clock.now(self)));
  };
  self->request(o.relay, o.call_timeout, actors::attest_atom_v, request)
      .then(
          [plan, text, keep](const wire::frame& answer) {
            auto checked = check_body_attestation(answer.data, plan.provider,
                                                  plan.renter_key->address(), plan.task_id, text);
            keep(checked ? result<bytes>(answer.data) : result<bytes>(checked.error()));
          },
          [keep](const caf::error& e) { keep(actors::from_caf_error(e)); });
}

}  // namespace

attest_bodies_fn body_attestor(caf::actor_system& sys, body_attestor_plan plan) {
  AGORA_ASSERT(plan.options != nullptr && plan.options->proofs != nullptr);
  AGORA_ASSERT(plan.renter_key != nullptr);
  return [&sys, plan = std::move(plan)](const hash256& request_sha256,
                                        const hash256& response_sha256) {
    plan.options->proofs->expect_attestation(plan.task_id);
    sys.spawn(ask, plan, request_sha256, response_sha256);
  };
}

status check_body_attestation(byte_view sealed, const address& provider, const address& renter,
                              const wire::id128& task_id, std::string_view text) {
  auto opened = wire::open(sealed);
  if (!opened)
    return opened.error();
  if (opened->kind() != wire::message_kind::BodyAttestation)
    return make_error(errc::wrong_kind,
                      "a " + wire::kind_name(opened->kind()) + " instead of a BodyAttestation");
  const wire::BodyAttestation& a = *opened->as<wire::BodyAttestation>();
  if (opened->signer() != provider)
    return make_error(errc::bad_signature,
                      "attested by " + opened->signer().to_string() + ", not the task's provider");
  if (wire::from_wire(*a.renter()) != renter || wire::from_wire(*a.task_id()) != task_id)
    return make_error(errc::invalid_argument, "the attestation names another renter or task");
  if (wire::view(a.text()) != text)
    return make_error(errc::invalid_argument, "the provider signed other hashes");
  signature text_signature{};
  const byte_view raw = wire::view(a.text_signature());
  AGORA_ASSERT(raw.size() == text_signature.size());  // open() checked the field's limits
  std::copy(raw.begin(), raw.end(), text_signature.begin());
  return verify_personal(text_signature, as_bytes(text), provider);
}

}  // namespace agora::net::gateway
