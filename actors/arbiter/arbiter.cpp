// The arbiter: opening a Dispute, re-executing its task and sealing the Verdict (arbiter.hpp).
#include "actors/arbiter/arbiter.hpp"

#include <utility>

#include "actors/common/caf_error.hpp"
#include "actors/worker/task_request.hpp"
#include "schemas/envelope.hpp"
#include "schemas/proof_hash.hpp"
#include "schemas/wire_types.hpp"

namespace agora::actors {

namespace {

/// Whether `sealed` is the TaskRequest `proof` was made for: it opens, names the proof's task,
/// is signed by the proof's renter, and its payload hashes to the proof's input hash.
result<wire::opened_envelope> matching_request(byte_view sealed, const wire::ComputeProof& proof) {
  auto request = wire::open(sealed);
  if (!request)
    return request.error();
  if (request->kind() != wire::message_kind::TaskRequest)
    return make_error(errc::wrong_kind, "Dispute.request is not a TaskRequest");
  const wire::TaskRequest& r = *request->as<wire::TaskRequest>();
  if (wire::from_wire(*r.task_id()) != wire::from_wire(*proof.task_id()) ||
      request->signer() != wire::from_wire(*proof.renter()) ||
      wire::input_hash(request->payload()) != wire::from_wire(*proof.input_hash()))
    return make_error(errc::invalid_argument, "Dispute.request is not the proof's request");
  return request;
}

wire::frame seal_verdict(arbiter_pointer self, const wire::Dispute& dispute, const judgement& j) {
  const arbiter_options& o = *self->state.options;
  wire::VerdictT m;
  m.arbiter = wire::to_wire(o.key.address());
  m.dispute_id = *dispute.dispute_id();
  m.task_id = *dispute.task_id();
  m.provider = *dispute.provider();
  m.outcome = j.outcome;
  m.recomputed_output_hash = wire::to_wire(j.recomputed_output_hash);
  m.slash_micros = 0;  // the escrow's slashing rules decide the amount
  m.decided_unix_s = unix_seconds(o.clock.now(self));
  return wire::frame{wire::message_kind::Verdict, wire::seal(m, o.key)};
}

caf::result<wire::frame> on_arbitrate(arbiter_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return to_caf_error(opened.error());
  if (opened->kind() != wire::message_kind::Dispute)
    return make_caf_error(errc::wrong_kind, "arbitrate: not a Dispute");
  const wire::Dispute& dispute = *opened->as<wire::Dispute>();
  auto found = judge(*self->state.options->backend, dispute);
  if (!found)
    return to_caf_error(found.error());
  return seal_verdict(self, dispute, *found);
}

}  // namespace

result<judgement> judge(engine& backend, const wire::Dispute& dispute) {
  auto proof = wire::open(wire::view(dispute.proof()));
  if (!proof)
    return proof.error();
  if (proof->kind() != wire::message_kind::ComputeProof)
    return make_error(errc::wrong_kind, "Dispute.proof is not a ComputeProof");
  if (proof->signer() != wire::from_wire(*dispute.provider()))
    return make_error(errc::bad_signature, "Dispute.proof is not signed by Dispute.provider");
  const wire::ComputeProof& p = *proof->as<wire::ComputeProof>();
  auto request = matching_request(wire::view(dispute.request()), p);
  if (!request)
    return judgement{};  // Inconclusive: nothing to re-run against this proof
  const generation_request rerun_request = generation_request_of(*request->as<wire::TaskRequest>());
  auto rerun = backend.generate(rerun_request);
  if (!rerun)
    return judgement{};  // Inconclusive: this arbiter cannot run the task
  judgement out;
  // An embedding compares its values' hash, a generation its text's (PROTOCOL.md "Hashes").
  out.recomputed_output_hash = output_hash_of(rerun_request.kind, *rerun);
  out.outcome = out.recomputed_output_hash == wire::from_wire(*p.output_hash())
                    ? wire::VerdictOutcome::ProviderCorrect
                    : wire::VerdictOutcome::ProviderWrong;
  return out;
}

arbiter_inbox spawn_arbiter(caf::actor_system& sys, arbiter_options options) {
  AGORA_ASSERT(options.backend != nullptr);
  auto shared = std::make_shared<const arbiter_options>(std::move(options));
  return sys.spawn([shared](arbiter_pointer self) -> arbiter_inbox::behavior_type {
    self->state.options = shared;
    return {[self](arbitrate_atom, const wire::frame& f) { return on_arbitrate(self, f); }};
  });
}

}  // namespace agora::actors
