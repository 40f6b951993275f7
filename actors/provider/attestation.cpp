// Signing the bodies of a served task (attestation.hpp).
#include "actors/provider/attestation.hpp"

#include "actors/common/body_attestation_log.hpp"
#include "actors/provider/session.hpp"
#include "actors/provider/task_log.hpp"
#include "schemas/body_attestation.hpp"

namespace agora::actors {

namespace {

/// OK if this provider's log holds `task_id` Completed, with a proof naming `renter`.
status check_served(provider_pointer self, const wire::id128& task_id, const address& renter) {
  auto logged = read_task_log(*self->state.options->log, task_id);
  if (!logged)
    return logged.error();
  if (!logged->has_value() || (*logged)->state != wire::TaskState::Completed ||
      (*logged)->proof.empty())
    return make_error(errc::not_found, "no completed task " + to_hex(task_id) + " here");
  auto proof = wire::open((*logged)->proof);
  AGORA_ASSERT(proof.ok());  // the provider sealed and logged it itself
  AGORA_ASSERT(proof->kind() == wire::message_kind::ComputeProof);
  if (wire::from_wire(*proof->as<wire::ComputeProof>()->renter()) != renter)
    return make_error(errc::bad_signature,
                      "task " + to_hex(task_id) + " was served to another renter");
  return {};
}

/// The attestation logged for the task if it signs `text`; nullopt if none is logged; an error
/// if one signs another text (already_exists) or the log fails.
result<std::optional<bytes>> logged_attestation(provider_pointer self, const wire::id128& task_id,
                                                std::string_view text) {
  auto logged = read_body_attestation(*self->state.options->log, task_id);
  if (!logged || !logged->has_value())
    return logged;
  auto opened = wire::open(**logged);
  if (!opened || opened->kind() != wire::message_kind::BodyAttestation)
    return make_error(errc::corrupt, "the logged attestation of " + to_hex(task_id));
  if (wire::view(opened->as<wire::BodyAttestation>()->text()) != text)
    return make_error(errc::already_exists,
                      "task " + to_hex(task_id) + "'s bodies were attested with other hashes");
  return logged;
}

bytes seal_attestation(provider_pointer self, const wire::id128& task_id, const address& renter,
                       const std::string& text) {
  const auto& st = self->state;
  wire::BodyAttestationT m;
  m.provider = wire::to_wire(st.self_id);
  m.renter = wire::to_wire(renter);
  m.task_id = wire::to_wire(task_id);
  m.text = text;
  const signature text_signature = personal_sign(st.options->key, as_bytes(text));
  m.text_signature.assign(text_signature.begin(), text_signature.end());
  m.signed_unix_s = unix_seconds(st.options->clock.now(self));
  return wire::seal(m, st.options->key);
}

}  // namespace

void on_attestation_request(provider_pointer self, const wire::opened_envelope& opened,
                            byte_view sealed) {
  auto& st = self->state;
  const wire::BodyAttestationRequest& r = *opened.as<wire::BodyAttestationRequest>();
  if (wire::from_wire(*r.provider()) != st.self_id)
    return refuse(self, make_error(errc::invalid_argument, "addressed to another provider"),
                  sealed);
  const wire::id128 task_id = wire::from_wire(*r.task_id());
  if (auto served = check_served(self, task_id, opened.signer()); !served)
    return refuse(self, served.error(), sealed);
  const std::string text = wire::attestation_text(wire::from_wire(*r.request_sha256()),
                                                  wire::from_wire(*r.response_sha256()));
  auto logged = logged_attestation(self, task_id, text);
  if (!logged)
    return refuse(self, logged.error(), sealed);
  if (logged->has_value())  // asked again (a lost answer): the same signature
    return self->send(st.options->relay,
                      wire::frame{wire::message_kind::BodyAttestation, std::move(**logged)});
  bytes attestation = seal_attestation(self, task_id, opened.signer(), text);
  const int64_t now_s = unix_seconds(st.options->clock.now(self));
  if (auto s = write_body_attestation(*st.options->log, task_id, attestation, now_s); !s)
    return refuse(self, s.error(), sealed);
  self->send(st.options->relay,
             wire::frame{wire::message_kind::BodyAttestation, std::move(attestation)});
}

}  // namespace agora::actors
