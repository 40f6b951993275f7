// The relay's part in body attestations (docs/PROTOCOL.md "Body attestations"): a renter's
// BodyAttestationRequest goes verbatim to the provider it names, which must be connected here;
// the provider's BodyAttestation, or its ErrorFrame refusing the request, answers the renter.
// The relay needs no memory of the task: the provider checks its own task log, so attestations
// keep working after a relay restart once the provider registered again.

#include <spdlog/spdlog.h>

#include "actors/common/caf_error.hpp"
#include "actors/relay/relay_state.hpp"
#include "core/keccak.hpp"

namespace agora::actors {

namespace {

using attestation_iterator = std::map<wire::id128, relay_attestation>::iterator;

void answer(relay_pointer self, attestation_iterator it, const agora::error& why) {
  it->second.promise.deliver(to_caf_error(why));
  self->state.attestations.erase(it);
}

}  // namespace

caf::result<wire::frame> attest(relay_pointer self, const wire::frame& request) {
  auto& st = self->state;
  auto opened = wire::open(request.data);
  if (!opened)
    return to_caf_error(opened.error());
  if (opened->kind() != wire::message_kind::BodyAttestationRequest)
    return make_caf_error(errc::wrong_kind, "attest takes a BodyAttestationRequest, not a " +
                                                wire::kind_name(opened->kind()));
  const wire::BodyAttestationRequest& r = *opened->as<wire::BodyAttestationRequest>();
  const address provider = wire::from_wire(*r.provider());
  const wire::id128 task_id = wire::from_wire(*r.task_id());
  const auto handle = st.providers.find(provider);
  if (handle == st.providers.end() || st.registry->find(provider) == nullptr)
    return make_caf_error(errc::not_found,
                          "provider " + provider.to_string() + " is not connected to this relay");
  if (st.attestations.contains(task_id))
    return make_caf_error(errc::replayed,
                          "an attestation of task " + to_hex(task_id) + " is being asked already");
  if (st.attestations.size() >= attestations_max)
    return make_caf_error(errc::limit_exceeded, std::to_string(st.attestations.size()) +
                                                    " attestations in flight on this relay");
  auto promise = self->make_response_promise<wire::frame>();
  st.attestations.emplace(task_id,
                          relay_attestation{provider, keccak256(request.data),
                                            relay_now(self) + attestation_timeout, promise});
  self->send(handle->second, request);
  AGORA_ASSERT(st.attestations.size() <= attestations_max);
  return promise;
}

void on_attestation(relay_pointer self, const wire::opened_envelope& opened, const wire::frame& f) {
  auto& st = self->state;
  const wire::id128 task_id = wire::from_wire(*opened.as<wire::BodyAttestation>()->task_id());
  auto it = st.attestations.find(task_id);
  if (it == st.attestations.end() || it->second.provider != opened.signer()) {
    spdlog::info("relay: dropped a BodyAttestation of task {} from {} nobody asked for",
                 to_hex(task_id), opened.signer().to_string());
    return;
  }
  it->second.promise.deliver(f);
  st.attestations.erase(it);
}

bool on_attestation_refusal(relay_pointer self, const address& provider,
                            const wire::ErrorFrame& refusal) {
  auto& st = self->state;
  if (refusal.refused_kind() != wire::message_kind::BodyAttestationRequest)
    return false;
  const hash256 refused = wire::from_wire(*refusal.refused_frame_hash());
  for (auto it = st.attestations.begin(); it != st.attestations.end(); ++it) {
    if (it->second.provider != provider || it->second.request_hash != refused)
      continue;
    answer(self, it,
           make_error(static_cast<errc>(refusal.code()),
                      "the provider refused: " + std::string(wire::view(refusal.message()))));
    return true;
  }
  return false;
}

void check_attestations(relay_pointer self) {
  auto& st = self->state;
  const wall_time now = relay_now(self);
  for (auto it = st.attestations.begin(); it != st.attestations.end();) {
    auto next = std::next(it);
    if (it->second.deadline <= now)
      answer(self, it,
             make_error(errc::io_error, "provider " + it->second.provider.to_string() +
                                            " did not answer the attestation request"));
    it = next;
  }
}

}  // namespace agora::actors
