// The provider's rental sessions on its store (family sessions, key: session id).

#include "actors/provider/rental.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <numeric>

#include "actors/provider/session.hpp"
#include "schemas/record.hpp"
#include "storage/write_batch.hpp"

namespace agora::actors {

namespace {

int64_t now_unix_s(provider_pointer self) {
  return unix_seconds(self->state.options->clock.now(self));
}

/// GPUs on the host that no running session holds.
uint32_t free_gpus(const provider_state& st) {
  const uint32_t total =
      std::accumulate(st.options->gpus.begin(), st.options->gpus.end(), uint32_t{0},
                      [](uint32_t n, const wire::GpuInfoT& g) { return n + g.count; });
  uint32_t held = 0;
  for (const auto& [session, rental] : st.rentals)
    held += rental.gpus;
  AGORA_ASSERT(held <= total);
  return total - held;
}

status write_session(provider_pointer self, const wire::id128& session, const provider_rental& r,
                     wire::SessionState state,
                     wire::SessionEndReason reason = wire::SessionEndReason::RenterClosed) {
  wire::SessionRecordT record;
  record.session_id = wire::to_wire(session);
  record.grant = r.grant;
  record.state = state;
  record.gpu_seconds_used =
      static_cast<uint64_t>(r.reported_until_unix_s - r.starts_unix_s) * r.gpus;
  record.last_report_sequence = r.sequence;
  if (state == wire::SessionState::Ended) {
    record.ended_unix_s = now_unix_s(self);
    record.end_reason = reason;
  }
  storage::write_batch batch;
  batch.put(storage::column::sessions, session, wire::pack(record));
  return self->state.options->log->write(batch);
}

/// Whether the grant may run here; the reason it may not otherwise.
status check_grant(provider_pointer self, const wire::opened_envelope& opened) {
  const auto& st = self->state;
  if (opened.signer() != st.options->relay_id)
    return make_error(errc::bad_signature, "SessionGrant not signed by our relay");
  const wire::SessionGrant& g = *opened.as<wire::SessionGrant>();
  if (wire::from_wire(*g.provider()) != st.self_id || g.gpu() == nullptr)
    return make_error(errc::invalid_argument, "SessionGrant for another provider");
  if (st.rentals.contains(wire::from_wire(*g.session_id())))
    return make_error(errc::replayed, "rental session granted already");
  const uint32_t free = free_gpus(st);
  if (g.gpu()->count() > free)
    return make_error(errc::limit_exceeded, "no free GPUs: " + std::to_string(g.gpu()->count()) +
                                                " asked, " + std::to_string(free) + " free");
  return {};
}

wire::UsageReportT usage_report(provider_pointer self, const wire::id128& session,
                                const provider_rental& r, int64_t period_start) {
  wire::UsageReportT m;
  m.provider = wire::to_wire(self->state.self_id);
  m.session_id = wire::to_wire(session);
  m.sequence = r.sequence;
  m.period_start_unix_s = period_start;
  m.period_end_unix_s = r.reported_until_unix_s;
  m.gpu_seconds = static_cast<uint64_t>(r.reported_until_unix_s - period_start) * r.gpus;
  return m;
}

/// Records how the session ended and forgets it.
void end_rental(provider_pointer self, const wire::id128& session, wire::SessionEndReason reason) {
  auto& st = self->state;
  const auto it = st.rentals.find(session);
  AGORA_ASSERT(it != st.rentals.end());
  if (auto s = write_session(self, session, it->second, wire::SessionState::Ended, reason); !s)
    spdlog::error("provider {}: session {} end not recorded: {}", st.self_id.to_string(),
                  to_hex(session), s.error().to_string());
  spdlog::info("provider {}: rental {} ended ({})", st.self_id.to_string(), to_hex(session),
               wire::EnumNameSessionEndReason(reason));
  st.rentals.erase(it);
}

}  // namespace

void on_session_grant(provider_pointer self, const wire::opened_envelope& opened,
                      byte_view sealed) {
  auto& st = self->state;
  if (auto s = check_grant(self, opened); !s)
    return refuse(self, s.error(), sealed);
  const wire::SessionGrant& g = *opened.as<wire::SessionGrant>();
  const wire::id128 session = wire::from_wire(*g.session_id());
  provider_rental r;
  r.gpus = g.gpu()->count();
  r.renter = wire::from_wire(*g.renter());
  r.starts_unix_s = g.starts_unix_s();
  r.expires_unix_s = g.expires_unix_s();
  r.reported_until_unix_s = r.starts_unix_s;
  r.grant = bytes(sealed.begin(), sealed.end());
  if (auto s = write_session(self, session, r, wire::SessionState::Active); !s)
    return refuse(self, s.error(), sealed);
  wire::UsageReportT accepted = usage_report(self, session, r, r.starts_unix_s);
  accepted.connection = "placeholder://" + st.self_id.to_string() + "/" + to_hex(session);
  accepted.provisioning = std::string(provisioning_note);
  st.rentals.emplace(session, std::move(r));
  send_sealed(self, accepted);
  self->delayed_send(self, st.options->usage_period, report_atom_v, session);
}

void on_session_end(provider_pointer self, const wire::opened_envelope& opened, byte_view sealed) {
  auto& st = self->state;
  const wire::SessionEnd& m = *opened.as<wire::SessionEnd>();
  const wire::id128 session = wire::from_wire(*m.session_id());
  const auto it = st.rentals.find(session);
  if (it == st.rentals.end())
    return refuse(self, make_error(errc::not_found, "no rental session " + to_hex(session)),
                  sealed);
  if (opened.signer() != st.options->relay_id && opened.signer() != it->second.renter)
    return refuse(self, make_error(errc::bad_signature, "SessionEnd of a stranger"), sealed);
  end_rental(self, session, m.reason());
}

void on_report_due(provider_pointer self, const wire::id128& session) {
  auto& st = self->state;
  const auto it = st.rentals.find(session);
  if (it == st.rentals.end())
    return;  // it ended before this period did
  provider_rental& r = it->second;
  const int64_t period_start = r.reported_until_unix_s;
  r.reported_until_unix_s = std::min(now_unix_s(self), r.expires_unix_s);
  ++r.sequence;
  send_sealed(self, usage_report(self, session, r, period_start));
  if (r.reported_until_unix_s >= r.expires_unix_s)
    return end_rental(self, session, wire::SessionEndReason::Expired);
  self->delayed_send(self, st.options->usage_period, report_atom_v, session);
}

}  // namespace agora::actors
