// The provider actor's behavior: dispatches frames from the relay, the worker's chunks, the
// heartbeat timer and the owner's drain/deregister requests (see provider.hpp).

#include "actors/provider/provider.hpp"

#include <spdlog/spdlog.h>

#include "actors/common/caf_error.hpp"
#include "actors/provider/attestation.hpp"
#include "actors/provider/rental.hpp"
#include "actors/provider/session.hpp"
#include "actors/provider/task_log.hpp"
#include "actors/provider/tasks.hpp"

namespace agora::actors {

namespace {

/// Opens a frame from the relay and hands it to its handler; refuses what does not open.
void on_frame(provider_pointer self, const wire::frame& f) {
  auto opened = wire::open(f.data);
  if (!opened)
    return refuse(self, opened.error(), f.data);
  switch (opened->kind()) {
  case wire::message_kind::Registered:
    if (opened->signer() != self->state.options->relay_id)
      return refuse(self, make_error(errc::bad_signature, "Registered not signed by our relay"),
                    f.data);
    return on_registered(self, *opened, f.data);
  case wire::message_kind::TaskAssignment: return on_assignment(self, *opened, f.data);
  case wire::message_kind::TaskCancel: return on_cancel(self, *opened, f.data);
  case wire::message_kind::SessionGrant: return on_session_grant(self, *opened, f.data);
  case wire::message_kind::SessionEnd: return on_session_end(self, *opened, f.data);
  case wire::message_kind::BodyAttestationRequest:
    return on_attestation_request(self, *opened, f.data);
  case wire::message_kind::ErrorFrame: {
    const wire::ErrorFrame* e = opened->as<wire::ErrorFrame>();
    spdlog::warn("provider {} got an ErrorFrame from {}: code {} {}",
                 self->state.self_id.to_string(), opened->signer().to_string(), e->code(),
                 std::string(wire::view(e->message())));
    return;
  }
  default:
    return refuse(self,
                  make_error(errc::wrong_kind, "a provider does not take " +
                                                   wire::kind_name(opened->kind()) + " frames"),
                  f.data);
  }
}

caf::result<task_log_entry> read_entry(provider_pointer self, const wire::id128& task_id) {
  auto entry = read_task_log(*self->state.options->log, task_id);
  if (!entry)
    return to_caf_error(entry.error());
  if (!entry->has_value())
    return make_caf_error(errc::not_found, "no task " + to_hex(task_id) + " in the log");
  return std::move(**entry);
}

provider_actor::behavior_type provider(provider_pointer self, provider_options options) {
  AGORA_ASSERT(options.rng != nullptr);
  AGORA_ASSERT(options.backend != nullptr);
  AGORA_ASSERT(options.log != nullptr);
  AGORA_ASSERT(options.log->is_open());
  AGORA_ASSERT(options.relay != nullptr);
  AGORA_ASSERT(options.max_concurrency >= 1);
  AGORA_ASSERT(options.usage_period.count() > 0);
  auto& st = self->state;
  st.self_id = options.key.address();
  st.models = options.backend->models();
  options.worker.batch_max = options.max_concurrency;  // a batching engine runs them together
  st.worker = self->spawn<caf::linked>(worker, options.backend, options.worker);
  st.options = std::move(options);
  if (st.options->register_at_start)
    send_register(self);
  return {
      [self](const wire::frame& f) { on_frame(self, f); },
      [self](chunk_atom, const generation_chunk& c) { on_chunk(self, c); },
      [self](heartbeat_atom) { on_heartbeat_due(self); },
      [self](drain_atom) { send_drain(self); },
      [self](deregister_atom) { send_deregister(self, "requested by the operator"); },
      [self](reconnect_atom, frame_sink relay) { reconnect(self, std::move(relay)); },
      [self](report_atom, const wire::id128& session) { on_report_due(self, session); },
      [self](task_log_atom, const wire::id128& task_id) { return read_entry(self, task_id); },
  };
}

}  // namespace

provider_actor spawn_provider(caf::actor_system& sys, provider_options options) {
  return sys.spawn(provider, std::move(options));
}

}  // namespace agora::actors
